/// One block of consecutive points of a `PointSet`, held twice: as read (for direct
/// distances) and shifted by a common point (for the sgemm tile, where smaller norms
/// mean smaller rounding error), with the squared norms of the shifted rows.
final class Block {
    let capacity: Int
    let dimension: Int
    let raw: UnsafeMutableBufferPointer<Float>
    let shifted: UnsafeMutableBufferPointer<Float>
    let norms: UnsafeMutableBufferPointer<Float>
    /// Positions in the set that the block holds.
    private(set) var positions: Range<Int> = 0..<0
    /// The largest of `norms`.
    private(set) var maxNorm: Float = 0

    init(capacity: Int, dimension: Int) {
        self.capacity = capacity
        self.dimension = dimension
        let size = max(1, capacity * dimension)
        raw = .allocate(capacity: size)
        raw.initialize(repeating: 0)
        shifted = .allocate(capacity: size)
        shifted.initialize(repeating: 0)
        norms = .allocate(capacity: max(1, capacity))
        norms.initialize(repeating: 0)
    }

    deinit {
        raw.deallocate()
        shifted.deallocate()
        norms.deallocate()
    }

    var count: Int { positions.count }
    var rawBase: UnsafeMutablePointer<Float> { raw.baseAddress! }  // allocated above, never nil
    var shiftedBase: UnsafeMutablePointer<Float> { shifted.baseAddress! }
    var normsBase: UnsafeMutablePointer<Float> { norms.baseAddress! }

    /// Reads `positions` of `set` and prepares the shifted rows and their norms.
    func load(_ set: PointSet, _ positions: Range<Int>, shift: [Float]) throws {
        precondition(positions.count <= capacity)
        self.positions = positions
        let d = dimension
        try set.read(positions, into: UnsafeMutableBufferPointer(rebasing: raw[0..<(positions.count * d)]))
        shift.withUnsafeBufferPointer { s in
            for i in 0..<positions.count {
                let r = rawBase + i * d, o = shiftedBase + i * d
                for k in 0..<d { o[k] = r[k] - s[k] }
            }
        }
        rowNorms(shiftedBase, count: positions.count, dimension: d, into: normsBase)
        maxNorm = UnsafeBufferPointer(rebasing: norms[0..<positions.count]).max() ?? 0
    }

    /// This block after ``load(_:_:shift:)``: the column block of a tile, where the diagonal
    /// tile uses the row block instead.
    func loading(_ set: PointSet, _ positions: Range<Int>, shift: [Float]) throws -> Block {
        try load(set, positions, shift: shift)
        return self
    }
}

/// The mean of the first `min(count, rows)` points of `set`, rounded to float32: a point
/// near the data to shift by. It depends only on the data and `rows`.
func shiftPoint(of set: PointSet, rows: Int) throws -> [Float] {
    let d = set.dimension
    let count = min(set.count, rows)
    guard count > 0, d > 0 else { return [Float](repeating: 0, count: d) }
    var buffer = [Float](repeating: 0, count: count * d)
    try buffer.withUnsafeMutableBufferPointer { try set.read(0..<count, into: $0) }
    var sum = [Double](repeating: 0, count: d)
    for i in 0..<count {
        for k in 0..<d { sum[k] += Double(buffer[i * d + k]) }
    }
    return sum.map { Float($0 / Double(count)) }
}
