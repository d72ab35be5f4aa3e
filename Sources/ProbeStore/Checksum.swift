import CZlib
import Foundation

/// The identity of an input file's content: its size and CRC-32 (zlib's, ~GB/s).
///
/// Used to key batch results by input content (so a re-run skips work already done on the
/// same inputs) and recorded in `summary.json`. CRC-32 is not a cryptographic hash; it
/// detects changed inputs, which is all it is used for here.
public struct ContentChecksum: Sendable, Equatable, Hashable, Codable, CustomStringConvertible {
    /// Size in bytes.
    public let bytes: Int
    /// CRC-32 of the content.
    public let crc32: UInt32

    /// Reads `path` once, streaming, and checksums it.
    public init(path: String) throws {
        let file = try InputFile(path: path)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 4 << 20, alignment: 64)
        defer { buffer.deallocate() }
        var crc = CZlib.crc32(0, nil, 0)
        var total = 0
        while true {
            let n = try file.read(into: buffer)
            if n == 0 { break }
            crc = CZlib.crc32(crc, buffer.baseAddress!.assumingMemoryBound(to: UInt8.self), uInt(n))
            total += n
        }
        bytes = total
        crc32 = UInt32(truncatingIfNeeded: crc)
    }

    /// `crc32:1a2b3c4d/bytes:12345`.
    public var description: String { String(format: "crc32:%08x/bytes:%d", crc32, bytes) }
}
