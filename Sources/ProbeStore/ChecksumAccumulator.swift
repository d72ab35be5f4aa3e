import CZlib
import Foundation

extension ContentChecksum {
    /// A checksum of content given in pieces (the rows of a dataset, the values of a column), as if it were one file.
    ///
    /// Keys a dataset of a store by its own content, so that a change elsewhere in the store does
    /// not invalidate it and it is found without reading the whole file.
    public struct Accumulator: Sendable {
        private var crc = CZlib.crc32(0, nil, 0)
        private var total = 0

        /// An empty accumulator.
        public init() {}

        /// Adds the next piece.
        public mutating func add(_ bytes: UnsafeRawBufferPointer) {
            guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
            // zlib takes 32-bit lengths: feed large pieces in slices.
            var offset = 0
            while offset < bytes.count {
                let length = min(bytes.count - offset, 1 << 30)
                crc = CZlib.crc32(crc, base.advanced(by: offset).assumingMemoryBound(to: UInt8.self), uInt(length))
                offset += length
            }
            total += bytes.count
        }

        /// The checksum of everything added so far.
        public var checksum: ContentChecksum { ContentChecksum(bytes: total, crc32: UInt32(truncatingIfNeeded: crc)) }
    }

    /// A checksum from its parts.
    init(bytes: Int, crc32: UInt32) {
        self.bytes = bytes
        self.crc32 = crc32
    }
}
