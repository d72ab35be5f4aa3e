import Foundation

/// A block of float32 working memory that is backed by a memory-mapped scratch file when
/// it is large, so that state holding O(n·d) floats (e.g. the centroids of all singleton
/// clusters) lives in the page cache — which the kernel can write back and reclaim under
/// memory pressure — instead of anonymous memory.
///
/// The scratch file is unlinked as soon as it is mapped: nothing is left behind, even if the
/// process is killed. Small blocks (below `fileThreshold` bytes) use ordinary memory.
/// Owns its memory. The floats are reached through `withUnsafeBufferPointer` and
/// `withUnsafeMutableBufferPointer`; the modules of this package may also use `pointer`.
///
/// `@unchecked Sendable`: the address never changes and the memory lives as long as the
/// object; like any shared buffer, concurrent writers must write disjoint elements (the
/// callers' parallel loops do), and nothing is read while it is being written.
public final class FloatScratch: @unchecked Sendable {
    /// The number of floats.
    public let count: Int
    /// The floats (zero-initialised), for this package's hot loops (centroid linkage, the
    /// sphere index); valid as long as this object lives.
    package let pointer: UnsafeMutablePointer<Float>
    private let mappedLength: Int

    /// Blocks this large or larger are file-backed when a folder is given.
    public static let fileThreshold = 64 << 20

    /// Allocates `count` floats; file-backed in `folder` when large and a folder is given.
    public init(count: Int, folder: String?) throws {
        self.count = count
        let bytes = max(1, count) * MemoryLayout<Float>.size
        if let folder, bytes >= Self.fileThreshold {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            let path = (folder as NSString).appendingPathComponent("scratch-\(getpid())-\(UInt64.random(in: 0...UInt64.max)).f32")
            let fd = open(path, O_RDWR | O_CREAT | O_EXCL, 0o600)
            guard fd >= 0 else { throw InputError(file: path, "cannot create a scratch file: \(String(cString: strerror(errno)))") }
            defer { close(fd); unlink(path) }
            guard ftruncate(fd, off_t(bytes)) == 0,
                  let address = mmap(nil, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0), address != MAP_FAILED else {
                throw InputError(file: path, "cannot map a scratch file of \(bytes) bytes: \(String(cString: strerror(errno)))")
            }
            pointer = address.assumingMemoryBound(to: Float.self)
            mappedLength = bytes
        } else {
            pointer = .allocate(capacity: max(1, count))
            pointer.initialize(repeating: 0, count: max(1, count))
            mappedLength = 0
        }
    }

    /// Whether the block lives in a mapped scratch file.
    public var isFileBacked: Bool { mappedLength > 0 }

    /// Calls `body` with the floats; the buffer must not be used after `body` returns.
    public func withUnsafeBufferPointer<R, E: Error>(_ body: (UnsafeBufferPointer<Float>) throws(E) -> R) throws(E) -> R {
        try body(UnsafeBufferPointer(start: pointer, count: count))
    }

    /// Calls `body` with the floats to read and write; the buffer must not be used after `body` returns.
    public func withUnsafeMutableBufferPointer<R, E: Error>(_ body: (UnsafeMutableBufferPointer<Float>) throws(E) -> R) throws(E) -> R {
        try body(UnsafeMutableBufferPointer(start: pointer, count: count))
    }

    deinit {
        if mappedLength > 0 { munmap(pointer, mappedLength) } else { pointer.deallocate() }
    }
}
