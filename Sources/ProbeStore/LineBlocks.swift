import Foundation

/// Reads a text file as a sequence of blocks that each end at a line boundary.
///
/// The buffer is reused: a block is valid only until the next call. A line longer
/// than the buffer grows it (one huge line is still one line). The first block is
/// checked for a UTF-8 byte-order mark, and every line for a CR before its LF,
/// because both would otherwise corrupt the first label or the last value silently.
final class LineBlockReader {
    let path: String
    private let file: InputFile
    private var buffer: UnsafeMutableRawBufferPointer
    private var carried = 0          // bytes at the start of `buffer` left over from the last block
    private var atEnd = false
    private var started = false
    /// Bytes of the file handed out so far.
    private(set) var bytesConsumed = 0
    /// 1-based number of the first line of the next block.
    private(set) var nextLine = 1

    /// Total size of the file in bytes.
    var fileSize: Int { file.size }

    /// Opens `path`; an empty file is an error.
    init(path: String, blockBytes: Int = 4 << 20) throws {
        self.path = path
        file = try InputFile(path: path)
        if file.size == 0 { throw InputError(file: path, "the file is empty") }
        buffer = .allocate(byteCount: max(blockBytes, 64), alignment: 64)
    }

    deinit { buffer.deallocate() }

    /// A block of whole lines: `bytes[0..<count]`, starting at line `firstLine`.
    ///
    /// `@unchecked Sendable`: parser threads only read the bytes, and the reader does not
    /// touch its buffer again until the caller asks for the next block.
    struct Block: @unchecked Sendable {
        let bytes: UnsafePointer<UInt8>
        let count: Int
        let firstLine: Int
    }

    /// The next block of whole lines (the last line may lack its newline), or nil at end of file.
    func next() throws -> Block? {
        if pendingShift > 0 {
            // The caller is done with the previous block: move the partial line to the front.
            let remainder = carried - pendingShift
            if remainder > 0 {
                buffer.baseAddress!.copyMemory(from: buffer.baseAddress! + pendingShift, byteCount: remainder)
            }
            carried = remainder
            pendingShift = 0
        }
        while true {
            if atEnd && carried == 0 { return nil }
            if !atEnd {
                if carried == buffer.count { grow() }
                let n = try file.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[carried...]))
                if n == 0 { atEnd = true }
                carried += n
            }
            let base = buffer.baseAddress!.assumingMemoryBound(to: UInt8.self)
            if !started && carried > 0 {
                started = true
                if UserText.looksBinary(UnsafeBufferPointer(start: base, count: carried)) {
                    throw InputError(file: path, "looks like a binary file (it holds NUL bytes), not text; expected a text file with one entry per line")
                }
                if carried >= 3 && base[0] == 0xEF && base[1] == 0xBB && base[2] == 0xBF {
                    throw InputError(file: path, line: 1, column: 1,
                                     "the file starts with a UTF-8 byte-order mark; save it without one (e.g. `sed -i '1s/^\\xEF\\xBB\\xBF//' FILE`)")
                }
            }
            var length = carried
            if !atEnd {
                // Cut after the last newline; keep the partial line for the next block.
                guard let cut = lastNewline(base, carried) else { continue }  // no newline yet: read more
                length = cut + 1
            }
            if length == 0 { return nil }
            let lines = try countLinesCheckingCR(base, length)
            let block = Block(bytes: UnsafePointer(base), count: length, firstLine: nextLine)
            pendingShift = length
            nextLine += lines
            bytesConsumed += length
            if dropConsumedPages && bytesConsumed - droppedUpTo >= 64 << 20 {
                file.dropCachedBytes(before: bytesConsumed)
                droppedUpTo = bytesConsumed
            }
            return block
        }
    }

    private var pendingShift = 0
    private var droppedUpTo = 0
    /// Drop consumed bytes from the page cache as the file is read (for files larger than RAM).
    var dropConsumedPages = false

    private func lastNewline(_ base: UnsafeMutablePointer<UInt8>, _ count: Int) -> Int? {
        var index = count - 1
        while index >= 0 {
            if base[index] == UInt8(ascii: "\n") { return index }
            index -= 1
        }
        return nil
    }

    private func grow() {
        let bigger = UnsafeMutableRawBufferPointer.allocate(byteCount: buffer.count * 2, alignment: 64)
        bigger.copyMemory(from: UnsafeRawBufferPointer(buffer))
        buffer.deallocate()
        buffer = bigger
    }

    /// Counts lines in `bytes[0..<length]` (with `memchr`) and rejects a CR before a LF.
    private func countLinesCheckingCR(_ bytes: UnsafeMutablePointer<UInt8>, _ length: Int) throws -> Int {
        var lines = 0
        var index = 0
        while index < length {
            guard let hit = memchr(bytes + index, Int32(UInt8(ascii: "\n")), length - index) else { break }
            let position = bytes.distance(to: hit.assumingMemoryBound(to: UInt8.self))
            if position > 0 && bytes[position - 1] == UInt8(ascii: "\r") {
                throw InputError(file: path, line: nextLine + lines,
                                 "the line ends with CR LF (Windows line endings); convert the file to LF endings (e.g. `dos2unix FILE`)")
            }
            lines += 1
            index = position + 1
        }
        if index < length {
            if bytes[length - 1] == UInt8(ascii: "\r") {
                throw InputError(file: path, line: nextLine + lines,
                                 "the line ends with CR (Windows or old Mac line endings); convert the file to LF endings")
            }
            lines += 1
        }
        return lines
    }
}
