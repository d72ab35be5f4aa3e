import Foundation

/// What one streaming pass over an embeddings matrix found: every value finite, and the
/// largest magnitude (so that later stages can choose units in which float32 neither
/// overflows nor underflows).
public struct ValueScan: Sendable, Equatable {
    /// The largest absolute value (0 for an all-zero or empty matrix).
    public let largestMagnitude: Float

    /// A scan result with this largest magnitude.
    public init(largestMagnitude: Float) { self.largestMagnitude = largestMagnitude }
}

extension EmbeddingMatrix {
    /// Reads every value once, in blocks of about 4 MiB, and fails on the first NaN or
    /// infinity, naming its row and column (1-based) in the store; else returns the
    /// largest magnitude.
    ///
    /// Every input path (text converted to a store, `.h5` datasets, other formats opened as
    /// an `EmbeddingMatrix`) goes through this pass, so no non-finite value reaches the
    /// solvers, where it would make a NaN distance or a wrong verdict.
    public func scanValues(source: String? = nil) throws -> ValueScan {
        let d = dimension
        var largest: Float = 0
        let blockRows = max(1, (4 << 20) / max(1, d * MemoryLayout<Float>.size))
        try forEachBlock(rows: blockRows) { range, block in
            var blockLargest: Float = 0
            var finite = true
            for value in block {
                let magnitude = abs(value)
                // NaN fails `<=`, infinity exceeds greatestFiniteMagnitude: one comparison per value.
                if !(magnitude <= .greatestFiniteMagnitude) { finite = false; break }
                blockLargest = max(blockLargest, magnitude)
            }
            if !finite, let index = block.firstIndex(where: { !$0.isFinite }) {
                let row = range.lowerBound + index / d, column = index % d
                let what = block[index].isNaN ? "NaN" : (block[index] > 0 ? "+infinity" : "-infinity")
                throw InputError(file: source ?? "\(path):\(dataset)",
                                 "\(what) at row \(row + 1), column \(column + 1) of dataset \(dataset); embeddings must be finite numbers (check the model's output for overflow or a failed normalisation)")
            }
            largest = max(largest, blockLargest)
        }
        return ValueScan(largestMagnitude: largest)
    }
}
