import Foundation

/// A read-only, shared memory mapping of a byte range of a file, unmapped when released.
///
/// The kernel pages the file in on first touch and may drop the pages again under memory
/// pressure; nothing is copied into the process's anonymous memory. Immutable after init,
/// so reading through it from several threads is safe.
final class MappedRegion: @unchecked Sendable {
    /// The file.
    let path: String
    /// The mapped bytes of the file.
    let fileRange: Range<Int>
    private let mapping: UnsafeMutableRawPointer
    private let mappingLength: Int
    /// The file offset at which `mapping` starts (`fileRange.lowerBound` rounded down to a page).
    private let mappingOffset: Int

    /// Maps `fileRange` of the file at `path`; nil if the range is empty, lies beyond the end
    /// of the file (touching it would raise SIGBUS), or the system refuses the mapping.
    init?(path: String, fileRange: Range<Int>) {
        guard !fileRange.isEmpty, fileRange.lowerBound >= 0 else { return nil }
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, Int(info.st_size) >= fileRange.upperBound else { return nil }
        let offset = pageStart(fileRange.lowerBound)
        let length = fileRange.upperBound - offset
        guard let address = mmap(nil, length, PROT_READ, MAP_SHARED, fd, off_t(offset)), address != MAP_FAILED else { return nil }
        self.path = path
        self.fileRange = fileRange
        self.mapping = address
        self.mappingLength = length
        self.mappingOffset = offset
    }

    deinit { munmap(mapping, mappingLength) }

    /// The address of the byte at `fileOffset`, which must lie in `fileRange`.
    func address(ofFileOffset fileOffset: Int) -> UnsafeRawPointer {
        precondition(fileRange.contains(fileOffset) || fileOffset == fileRange.upperBound, "offset \(fileOffset) outside the mapping of \(path)")
        return UnsafeRawPointer(mapping) + (fileOffset - mappingOffset)
    }

    /// The float32 values starting at `fileOffset` (4-byte aligned in the file).
    func floats(atFileOffset fileOffset: Int) -> UnsafePointer<Float> {
        address(ofFileOffset: fileOffset).assumingMemoryBound(to: Float.self)
    }

    /// Asks the kernel to start reading the bytes `range` of the file now (clamped to the mapping).
    func willNeed(fileRange range: Range<Int>) {
        let start = max(range.lowerBound, fileRange.lowerBound), end = min(range.upperBound, fileRange.upperBound)
        guard start < end else { return }
        let alignedStart = pageStart(start)
        madvise(mapping + (alignedStart - mappingOffset), end - alignedStart, MADV_WILLNEED)
    }
}

/// The system's memory page size in bytes.
let memoryPageSize = Int(sysconf(Int32(_SC_PAGESIZE)))

/// `offset` rounded down to a page boundary: where a mapping or `madvise` containing it must start.
func pageStart(_ offset: Int) -> Int {
    offset / memoryPageSize * memoryPageSize
}
