import Foundation

/// The shape of an embeddings text file, found by a fast pass that only counts lines
/// (the values are parsed later, by the converter): enough to check row counts and
/// dimensions of every input before a run starts any work.
public struct EmbeddingTextShape: Sendable, Equatable {
    /// Non-empty lines (vectors).
    public let rows: Int
    /// Whitespace-separated tokens on the first non-empty line.
    public let dimension: Int

    /// Counts the non-empty lines of `path` and the tokens of its first one.
    public static func peek(_ path: String) throws -> EmbeddingTextShape {
        let reader = try LineBlockReader(path: path, blockBytes: 4 << 20)
        var rows = 0
        var dimension: Int? = nil
        var previous: UInt8 = UInt8(ascii: "\n")
        while let block = try reader.next() {
            let bytes = UnsafeBufferPointer(start: block.bytes, count: block.count)
            if dimension == nil, let start = bytes.firstIndex(where: { $0 != UInt8(ascii: "\n") }) {
                var tokens = 0
                var inToken = false
                for byte in bytes[start...] {
                    if byte == UInt8(ascii: "\n") { break }
                    let blank = byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t")
                    if !blank && !inToken { tokens += 1 }
                    inToken = !blank
                }
                dimension = tokens
            }
            for byte in bytes {
                if byte == UInt8(ascii: "\n") && previous != UInt8(ascii: "\n") { rows += 1 }
                previous = byte
            }
        }
        if previous != UInt8(ascii: "\n") { rows += 1 }  // a last line without its newline
        return EmbeddingTextShape(rows: rows, dimension: dimension ?? 0)
    }
}
