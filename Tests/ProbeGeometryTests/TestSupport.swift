import ProbeGeometry
import TestSupport

/// Rows drawn uniformly from the box `[low, low + 1)^d`.
func boxRows(_ count: Int, dimension: Int, low: Float = 0, _ g: inout SeededGenerator) -> [[Float]] {
    (0..<count).map { _ in (0..<dimension).map { _ in low + g.unit() } }
}

/// Two boxes `[0,1]^d` and `[1+gap, 2+gap] × [0,1]^(d−1)` whose hull distance is exactly
/// `gap`: A gets the point (1, c), B the point (1+gap, c), and every other point of A has
/// first coordinate below 1 and every other point of B above 1+gap.
func boxesWithGap(_ gap: Float, count: Int, dimension: Int, seed: UInt64) -> (PointMatrix, PointMatrix) {
    var g = SeededGenerator(seed: seed)
    var rowsA = boxRows(count, dimension: dimension, &g)
    var rowsB = boxRows(count, dimension: dimension, &g).map { row in
        var row = row
        row[0] += 1 + gap
        return row
    }
    let shared = (0..<dimension).map { _ in g.unit() }
    var touchA = shared, touchB = shared
    touchA[0] = 1
    touchB[0] = 1 + gap
    // Put the touching points in the middle, so no solver can win by looking at row 0.
    rowsA.insert(touchA, at: count / 2)
    rowsB.insert(touchB, at: count / 3)
    return (PointMatrix(rows: rowsA), PointMatrix(rows: rowsB))
}

/// The exact hull distance of tiny sets by enumeration, independent of the solver.
///
/// The nearest point of conv(A − B) to the origin is the affine minimum-norm point of some
/// affinely independent set of at most d + 1 difference vertices, with non-negative
/// affine weights. Every such candidate is a point of the polytope, so the smallest
/// candidate norm is the distance.
func bruteForceDistance(_ a: [[Double]], _ b: [[Double]]) -> Double {
    let d = a[0].count
    var vertices: [[Double]] = []
    for p in a { for q in b { vertices.append(zip(p, q).map { $0 - $1 }) } }
    var best = Double.infinity
    let n = vertices.count
    func visit(_ start: Int, _ chosen: [Int]) {
        if !chosen.isEmpty, let norm = affineCandidateNorm(chosen.map { vertices[$0] }) {
            best = min(best, norm)
        }
        guard chosen.count < d + 1 else { return }
        for next in start..<n { visit(next + 1, chosen + [next]) }
    }
    visit(0, [])
    return best
}

/// The norm of the affine minimiser of `points` if its affine weights are all non-negative.
private func affineCandidateNorm(_ points: [[Double]]) -> Double? {
    let k = points.count
    let base = points[0]
    guard k > 1 else { return base.reduce(0) { $0 + $1 * $1 }.squareRoot() }
    // y = base + Σ β_p (points[p] − base): normal equations DᵀD β = −Dᵀ base, solved by
    // Gauss–Jordan elimination with partial pivoting.
    let directions = points.dropFirst().map { zip($0, base).map { $0 - $1 } }
    func inner(_ u: [Double], _ v: [Double]) -> Double { zip(u, v).reduce(0) { $0 + $1.0 * $1.1 } }
    let n = k - 1
    var m = directions.map { row in directions.map { inner(row, $0) } + [-inner(row, base)] }
    let scale = (0..<n).map { m[$0][$0] }.max() ?? 0
    for column in 0..<n {
        guard let pivot = (column..<n).max(by: { abs(m[$0][column]) < abs(m[$1][column]) }),
            abs(m[pivot][column]) > 1e-9 * scale
        else { return nil }
        m.swapAt(column, pivot)
        for row in 0..<n where row != column {
            let factor = m[row][column] / m[column][column]
            if factor != 0 { for c in column...n { m[row][c] -= factor * m[column][c] } }
        }
    }
    let beta = (0..<n).map { m[$0][n] / m[$0][$0] }
    let alpha = [1 - beta.reduce(0, +)] + beta
    guard alpha.allSatisfy({ $0 >= -1e-12 }) else { return nil }
    // Clip and renormalise so that the candidate is a point of the polytope.
    let clipped = alpha.map { max($0, 0) }
    let total = clipped.reduce(0, +)
    var y = [Double](repeating: 0, count: base.count)
    for (p, w) in clipped.enumerated() { for i in y.indices { y[i] += w / total * points[p][i] } }
    return y.reduce(0) { $0 + $1 * $1 }.squareRoot()
}

/// The rows of a matrix view in float64.
func doubleRows(_ m: PointMatrix) -> [[Double]] {
    (0..<m.count).map { m.point($0).map(Double.init) }
}

/// The shared generator, named here once so that every file of this target sees it.
typealias SeededGenerator = TestSupport.SeededGenerator
