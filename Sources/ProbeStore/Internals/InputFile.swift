#if canImport(Glibc)
import Glibc
private let systemRead = Glibc.read
#elseif canImport(Darwin)
import Darwin
private let systemRead = Darwin.read
#endif

/// A file opened for sequential reading with plain `read(2)` into caller-owned buffers.
///
/// Not thread-safe; owns its descriptor and closes it in `deinit`.
final class InputFile {
    let path: String
    private let descriptor: Int32
    /// Size in bytes at open time.
    let size: Int

    /// Opens `path` for reading; a missing or unreadable file is an `InputError` naming it.
    init(path: String) throws {
        self.path = path
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else {
            let reason = String(cString: strerror(errno))
            throw InputError(file: path, "cannot open: \(reason)")
        }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            close(fd)
            throw InputError(file: path, "cannot stat: \(String(cString: strerror(errno)))")
        }
        if (info.st_mode & S_IFMT) == S_IFDIR {
            close(fd)
            throw InputError(file: path, "is a directory, expected a text file")
        }
        descriptor = fd
        size = Int(info.st_size)
        #if os(Linux)
        posix_fadvise(fd, 0, 0, Int32(POSIX_FADV_SEQUENTIAL))
        #endif
    }

    /// Tells the kernel that bytes before `offset` will not be read again, so that streaming
    /// a file larger than RAM does not push everything else out of the page cache.
    func dropCachedBytes(before offset: Int) {
        #if os(Linux)
        posix_fadvise(descriptor, 0, off_t(offset), Int32(POSIX_FADV_DONTNEED))
        #endif
    }

    deinit { close(descriptor) }

    /// Reads up to `buffer.count` bytes; returns 0 at end of file.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        var total = 0
        while total < buffer.count {
            let n = systemRead(descriptor, buffer.baseAddress! + total, buffer.count - total)
            if n < 0 {
                if errno == EINTR { continue }
                throw InputError(file: path, "read failed: \(String(cString: strerror(errno)))")
            }
            if n == 0 { break }
            total += n
        }
        return total
    }
}
