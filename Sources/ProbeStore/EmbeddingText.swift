import Foundation
import Synchronization

/// A block of parsed embedding rows, row-major float32, valid only during the callback.
public struct EmbeddingRowBlock {
    /// Index of the block's first row in the file.
    public let firstRow: Int
    /// Number of rows in the block.
    public let rowCount: Int
    /// Values per row.
    public let dimension: Int
    /// `rowCount × dimension` values.
    public let values: UnsafeBufferPointer<Float>
}

/// What a streamed embeddings text file turned out to hold.
public struct EmbeddingTextSummary: Sendable, Equatable {
    /// Number of vectors (lines).
    public let rows: Int
    /// Values per vector.
    public let dimension: Int
    /// Size of the file in bytes.
    public let bytes: Int
}

/// Streams an embeddings text file (one vector per line, whitespace-separated decimals)
/// as float32 row blocks, in bounded memory, using `threads` cores to parse.
///
/// Every value is the correctly rounded float32 of its text. Bad input stops the stream
/// with an `InputError` at its file, line and column: ragged rows, non-numeric or
/// non-finite tokens, empty lines before the end, CR LF endings, a byte-order mark,
/// an empty file, or a row count that differs from `expectedRows`.
public struct EmbeddingTextReader: Sendable {
    /// The text file.
    public let path: String
    /// The number of rows the file must have (its entities file's line count), if known.
    public let expectedRows: Int?
    /// Where the expected row count comes from, for the error message.
    public let expectedRowsSource: String?
    /// Bytes of text read per block (memory is a small multiple of this).
    public var blockBytes: Int = 4 << 20
    /// Parser threads per block.
    public var threads: Int = ProcessInfo.processInfo.activeProcessorCount
    /// Drop what was read from the page cache as the file streams by (for files larger than RAM).
    public var dropConsumedPages = false

    /// Creates a reader for `path`, optionally checking its row count.
    public init(path: String, expectedRows: Int? = nil, expectedRowsSource: String? = nil) {
        self.path = path
        self.expectedRows = expectedRows
        self.expectedRowsSource = expectedRowsSource
    }

    /// Parses the whole file, handing each block to `consume` in row order.
    ///
    /// `consume` runs on a separate thread while the next block is parsed (double
    /// buffering), so parsing and writing overlap. `progress` gets the bytes consumed so far.
    public func stream(
        progress: ((Int) -> Void)? = nil,
        consume: @escaping (EmbeddingRowBlock) throws -> Void
    ) throws -> EmbeddingTextSummary {
        let lines = try LineBlockReader(path: path, blockBytes: blockBytes)
        lines.dropConsumedPages = dropConsumedPages
        let parts = max(1, threads)
        let pipeline = WritePipeline(consume: consume)
        var dimension: Int? = nil
        var rows = 0
        var pendingBlankLine: Int? = nil
        let slots = [OutputSlot(), OutputSlot()]
        var slotIndex = 0
        defer { pipeline.finish() }

        while let block = try lines.next() {
            let dim: Int
            if let known = dimension {
                dim = known
            } else {
                dim = try firstLineDimension(block)
                dimension = dim
            }
            let slot = slots[slotIndex]
            try pipeline.waitUntilFree(slot)   // its previous block has been written
            let ranges = splitAtLines(block, parts: parts)
            slot.prepare(parts: ranges.count, capacity: { (ranges[$0].end - ranges[$0].start) / 2 + dim })
            let results = ResultBox(count: ranges.count)
            DispatchQueue.concurrentPerform(iterations: ranges.count) { part in
                let range = ranges[part]
                results.set(part, parsePart(block.bytes, range.start, range.end, firstLine: range.firstLine,
                                            dimension: dim, output: slot.buffers[part]))
            }
            // Merge in order: the first error wins; a blank line followed by data is an error.
            var blockRows = 0
            for part in 0..<ranges.count {
                let result = results.get(part)
                if let blank = pendingBlankLine, result.rows > 0 {
                    throw InputError(file: path, line: blank, "empty line inside the file; every line must hold one vector")
                }
                if let error = result.error { throw error }
                if let expected = expectedRows, rows + blockRows + result.rows > expected {
                    throw InputError(file: path, line: expected + 1,  // no blank line can precede a vector, so row r is line r+1
                                     "more vectors than the \(expected) entities of \(expectedRowsSource ?? "the entities file")")
                }
                slot.rows[part] = result.rows
                blockRows += result.rows
                if pendingBlankLine == nil { pendingBlankLine = result.firstBlankLine }
            }
            if blockRows > 0 {
                try pipeline.submit(slot, firstRow: rows, dimension: dim)
            }
            rows += blockRows
            progress?(lines.bytesConsumed)
            slotIndex = 1 - slotIndex
        }
        try pipeline.drain()
        guard let dim = dimension, rows > 0 else {
            throw InputError(file: path, "the file holds no vectors (only empty lines)")
        }
        if let expected = expectedRows, rows != expected {
            throw InputError(file: path, line: rows + 1,
                             "the file has \(rows) vectors but \(expectedRowsSource ?? "the entities file") has \(expected) entities; line i of both must describe the same example")
        }
        return EmbeddingTextSummary(rows: rows, dimension: dim, bytes: lines.fileSize)
    }

    /// Counts the values on the file's first line.
    private func firstLineDimension(_ block: LineBlockReader.Block) throws -> Int {
        let bytes = block.bytes
        var end = 0
        while end < block.count && bytes[end] != UInt8(ascii: "\n") { end += 1 }
        var count = 0
        var i = 0
        while i < end {
            while i < end && isBlank(bytes[i]) { i += 1 }
            if i == end { break }
            count += 1
            while i < end && !isBlank(bytes[i]) { i += 1 }
        }
        if count == 0 {
            throw InputError(file: path, line: block.firstLine, "the first line is empty; expected a vector of decimal numbers")
        }
        return count
    }

    /// Splits a block into up to `parts` pieces at line boundaries, with each piece's first line number.
    private func splitAtLines(_ block: LineBlockReader.Block, parts: Int) -> [PartRange] {
        var ranges: [PartRange] = []
        var start = 0
        var line = block.firstLine
        for part in 0..<parts {
            var end = part == parts - 1 ? block.count : max(start, block.count * (part + 1) / parts)
            while end < block.count && end > 0 && block.bytes[end - 1] != UInt8(ascii: "\n") { end += 1 }
            if end <= start { continue }
            ranges.append(PartRange(start: start, end: end, firstLine: line))
            line += countNewlines(block.bytes, start, end)
            start = end
        }
        return ranges
    }

    /// Parses whole lines in `bytes[start..<end]` into `output` (internal for the fuzz target
    /// Fuzz/embeddings-lines, which drives it in memory, without files or threads).
    func parsePart(_ bytes: UnsafePointer<UInt8>, _ start: Int, _ end: Int, firstLine: Int,
                           dimension: Int, output: UnsafeMutableBufferPointer<Float>) -> PartResult {
        var result = PartResult()
        var line = firstLine
        var lineStart = start
        var out = output.baseAddress!
        while lineStart < end {
            var lineEnd = lineStart
            if let hit = memchr(bytes + lineStart, Int32(UInt8(ascii: "\n")), end - lineStart) {
                lineEnd = bytes.distance(to: hit.assumingMemoryBound(to: UInt8.self))
            } else {
                lineEnd = end
            }
            var i = lineStart
            var count = 0
            while true {
                while i < lineEnd && isBlank(bytes[i]) { i += 1 }
                if i == lineEnd { break }
                let tokenStart = i
                while i < lineEnd && !isBlank(bytes[i]) { i += 1 }
                if count == dimension {
                    result.error = InputError(file: path, line: line, column: tokenStart - lineStart + 1,
                                              "more than \(dimension) values on this line (the first line has \(dimension))")
                    return result
                }
                switch DecimalParser.parse(bytes, tokenStart, i) {
                case .success(let value):
                    out[count] = value
                case .failure(let problem):
                    // Escaped and shortened in the middle (a long number keeps its exponent visible).
                    let token = UserText.quoted(UnsafeBufferPointer(start: bytes + tokenStart, count: i - tokenStart))
                    let message: String
                    switch problem {
                    case .notANumber: message = "\(token) is not a decimal number"
                    case .notFinite: message = "\(token) is not finite; embeddings must not contain NaN or infinity"
                    case .outOfRange: message = "\(token) is outside the float32 range"
                    }
                    result.error = InputError(file: path, line: line, column: tokenStart - lineStart + 1, message)
                    return result
                }
                count += 1
            }
            if count == 0 {
                if result.firstBlankLine == nil { result.firstBlankLine = line }
            } else {
                if let blank = result.firstBlankLine {
                    result.error = InputError(file: path, line: blank, "empty line inside the file; every line must hold one vector")
                    return result
                }
                if count < dimension {
                    result.error = InputError(file: path, line: line, column: lineEnd - lineStart + 1,
                                              "\(count) values on this line, expected \(dimension) (as on the first line)")
                    return result
                }
                out += dimension
                result.rows += 1
            }
            line += 1
            lineStart = lineEnd + 1
        }
        return result
    }
}

@inline(__always)
private func isBlank(_ byte: UInt8) -> Bool { byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }

private func countNewlines(_ bytes: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Int {
    var count = 0
    var index = start
    while index < end, let hit = memchr(bytes + index, Int32(UInt8(ascii: "\n")), end - index) {
        count += 1
        index = bytes.distance(to: hit.assumingMemoryBound(to: UInt8.self)) + 1
    }
    return count
}

private struct PartRange: Sendable {
    let start: Int
    let end: Int
    let firstLine: Int
}

struct PartResult: Sendable {
    var rows = 0
    var firstBlankLine: Int? = nil
    var error: InputError? = nil
}

/// Per-part results written by parallel parsers, each into its own slot.
private final class ResultBox: Sendable {
    private let results: Mutex<[PartResult]>
    init(count: Int) { results = Mutex(Array(repeating: PartResult(), count: count)) }
    func set(_ index: Int, _ value: PartResult) { results.withLock { $0[index] = value } }
    func get(_ index: Int) -> PartResult { results.withLock { $0[index] } }
}

/// Output buffers for one block (one per parser part), reused across blocks.
///
/// `@unchecked Sendable`: parser threads write disjoint buffers of a slot, and the slot's
/// `done` semaphore hands it to the writer thread and back, so no two threads touch the
/// same buffer at once.
private final class OutputSlot: @unchecked Sendable {
    var buffers: [UnsafeMutableBufferPointer<Float>] = []
    var rows: [Int] = []
    let done = DispatchSemaphore(value: 1)

    func prepare(parts: Int, capacity: (Int) -> Int) {
        while buffers.count < parts { buffers.append(UnsafeMutableBufferPointer<Float>.allocate(capacity: 0)) }
        for part in 0..<parts where buffers[part].count < capacity(part) {
            buffers[part].deallocate()
            buffers[part] = .allocate(capacity: capacity(part))
        }
        rows = Array(repeating: 0, count: parts)
    }

    deinit { buffers.forEach { $0.deallocate() } }
}

/// Runs the consumer of parsed blocks on its own thread, one block at a time, in order.
///
/// `@unchecked Sendable` because `consume` is not `Sendable`: it is only ever called on the
/// serial `queue`, one block at a time; the first failure is kept behind a `Mutex`.
private final class WritePipeline: @unchecked Sendable {
    private let queue = DispatchQueue(label: "embedding-text.write")
    private let consume: (EmbeddingRowBlock) throws -> Void
    /// The consumer's first error; later blocks are skipped once it is set.
    private let failure = Mutex<Error?>(nil)

    init(consume: @escaping (EmbeddingRowBlock) throws -> Void) { self.consume = consume }

    private func rethrowFailure() throws {
        if let error = failure.withLock({ $0 }) { throw error }
    }

    func waitUntilFree(_ slot: OutputSlot) throws {
        slot.done.wait()
        slot.done.signal()
        try rethrowFailure()
    }

    func submit(_ slot: OutputSlot, firstRow: Int, dimension: Int) throws {
        try rethrowFailure()
        slot.done.wait()
        queue.async { [self] in
            defer { slot.done.signal() }
            if failure.withLock({ $0 != nil }) { return }
            do {
                var row = firstRow
                for (part, buffer) in slot.buffers.prefix(slot.rows.count).enumerated() where slot.rows[part] > 0 {
                    let count = slot.rows[part]
                    try consume(EmbeddingRowBlock(firstRow: row, rowCount: count, dimension: dimension,
                                                  values: UnsafeBufferPointer(rebasing: buffer[0..<(count * dimension)])))
                    row += count
                }
            } catch {
                failure.withLock { $0 = error }
            }
        }
    }

    func drain() throws {
        queue.sync {}
        try rethrowFailure()
    }

    func finish() { queue.sync {} }
}
