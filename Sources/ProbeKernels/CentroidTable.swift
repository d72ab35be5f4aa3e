/// The centroids of one label's clusters during centroid-linkage clustering
/// (Müllner 2011, the generic algorithm of fastcluster), held in memory as float32
/// rows, one slot per initial point.
///
/// The algorithm needs: for every slot i, its nearest active slot j > i
/// (`nearestLaterNeighbours`, tiled, once at the start); the same for one slot after
/// a merge (`nearestLater(than:)`); and merging two slots into one
/// (`merge(_:into:sizes:)`). All distances here are computed directly in float64 from
/// the stored floats, so the batch and the single-slot answers agree bit for bit.
/// A value type; a copy is independent.
public struct CentroidTable: RowBlockSource, Sendable {
    /// The number of floats in a centroid.
    public let dimension: Int
    /// The number of slots (active or not).
    public let rowCount: Int
    private var values: [Float]
    private var active: [Bool]

    /// Creates a table with one active slot per point of `points`, its centroid the point.
    public init(_ points: PointSet) throws {
        dimension = points.dimension
        rowCount = points.count
        values = [Float](repeating: 0, count: points.count * points.dimension)
        try values.withUnsafeMutableBufferPointer { try points.read(0..<points.count, into: $0) }
        active = [Bool](repeating: true, count: points.count)
    }

    /// Whether slot `i` still holds a cluster.
    public func isActive(_ i: Int) -> Bool { active[i] }

    /// The centroid in slot `i`.
    public func centroid(_ i: Int) -> ArraySlice<Float> {
        values[(i * dimension)..<((i + 1) * dimension)]
    }

    /// The Euclidean distance between the centroids in slots `i` and `j`.
    public func distance(_ i: Int, _ j: Int) -> Double {
        values.withUnsafeBufferPointer { v in
            guard let base = v.baseAddress else { return 0 }
            return directSquaredDistance(base + i * dimension, base + j * dimension, dimension).squareRoot()
        }
    }

    /// The nearest active slot j > i to slot i (ties: lowest j); nil if there is none.
    public func nearestLater(than i: Int) -> Neighbour? {
        nearest(to: i, among: (i + 1)..<rowCount)
    }

    /// The nearest active slot in `slots` other than i to slot i (ties: lowest); nil if none.
    public func nearest(to i: Int, among slots: Range<Int>) -> Neighbour? {
        let d = dimension
        return values.withUnsafeBufferPointer { v -> Neighbour? in
            guard let base = v.baseAddress else { return nil }
            var bestValue = Double.infinity, bestSlot = -1
            for j in slots where j != i && active[j] {
                let s = directSquaredDistance(base + i * d, base + j * d, d)
                if s < bestValue { bestValue = s; bestSlot = j }
            }
            return bestSlot < 0 ? nil : Neighbour(position: bestSlot, distance: bestValue.squareRoot())
        }
    }

    /// For every slot i, the nearest active slot j > i, tiled through `kernel`; every
    /// slot must be active (call it before the first merge). Equal, distances bit for
    /// bit, to calling `nearestLater(than:)` for each slot: the tiles only pre-select
    /// candidates, and the direct float64 distances decide.
    public func nearestLaterNeighbours(kernel: DistanceKernel) throws -> [Neighbour?] {
        guard active.allSatisfy({ $0 }) else {
            throw KernelError("CentroidTable.nearestLaterNeighbours: called after a merge")
        }
        return try kernel.nearestNeighbours(within: PointSet(self), scope: .laterOnly)
    }

    /// Merges the cluster in slot `i` into slot `j`: slot j gets the size-weighted mean
    /// (computed in float64, stored as float32) and slot i becomes inactive.
    public mutating func merge(_ i: Int, into j: Int, sizes: (Int, Int)) {
        let d = dimension
        let wi = Double(sizes.0), wj = Double(sizes.1), total = wi + wj
        for k in 0..<d {
            let merged = (wi * Double(values[i * d + k]) + wj * Double(values[j * d + k])) / total
            values[j * d + k] = Float(merged)
        }
        active[i] = false
    }

    /// Replaces the centroid in slot `i` (e.g. with the exact mean of its members).
    public mutating func setCentroid(_ i: Int, to centroid: [Double]) throws {
        guard centroid.count == dimension else {
            throw KernelError("CentroidTable.setCentroid: \(centroid.count) values, dimension \(dimension)")
        }
        for k in 0..<dimension { values[i * dimension + k] = Float(centroid[k]) }
    }

    /// Marks slot `i` as holding no cluster.
    public mutating func deactivate(_ i: Int) { active[i] = false }

    /// Copies the centroids in `rows` (active or not) into `buffer`.
    public func readRows(_ rows: Range<Int>, into buffer: UnsafeMutableBufferPointer<Float>) throws {
        guard rows.lowerBound >= 0, rows.upperBound <= rowCount, buffer.count >= rows.count * dimension else {
            throw KernelError("CentroidTable: rows \(rows) out of 0..<\(rowCount) or buffer too small")
        }
        for (o, k) in ((rows.lowerBound * dimension)..<(rows.upperBound * dimension)).enumerated() {
            buffer[o] = values[k]
        }
    }
}
