@testable import ProbeKernels
import TestSupport

/// n random points in d dimensions around `offset` (each coordinate), spread `scale`.
func randomRows(_ n: Int, _ d: Int, seed: UInt64, offset: Float = 0, scale: Float = 1) -> DenseRows {
    var g = SeededGenerator(seed: seed)
    let values = (0..<(n * d)).map { _ in offset + scale * Float.random(in: -1...1, using: &g) }
    // d > 0 in every caller and the count is a whole number of rows.
    return try! DenseRows(dimension: d, values: values)
}

/// The float64 distance computed the plain way.
func naiveDistance(_ a: ArraySlice<Float>, _ b: ArraySlice<Float>) -> Double {
    var s = 0.0
    for (x, y) in zip(a, b) { let t = Double(x) - Double(y); s += t * t }
    return s.squareRoot()
}

/// Brute-force mean and max over pairs of the rows at `indices`.
func naivePairwise(_ rows: DenseRows, _ indices: [Int]) -> (mean: Double, max: Double) {
    let n = indices.count
    guard n >= 2 else { return (0, 0) }
    var sum = 0.0, mx = 0.0
    for a in 0..<n {
        for b in (a + 1)..<n {
            let v = naiveDistance(rows.row(indices[a]), rows.row(indices[b]))
            sum += v
            mx = max(mx, v)
        }
    }
    return (sum / Double(n * (n - 1) / 2), mx)
}

/// Brute-force nearest neighbour (ties: lowest position); `skip` decides exclusions.
func naiveNearest(query: ArraySlice<Float>, candidates: DenseRows, indices: [Int], skip: (Int) -> Bool) -> (Int, Double)? {
    var best: (Int, Double)? = nil
    for (p, r) in indices.enumerated() where !skip(p) {
        let v = naiveDistance(query, candidates.row(r))
        if best == nil || v < best!.1 { best = (p, v) }
    }
    return best
}

func relativeError(_ a: Double, _ b: Double) -> Double {
    a == b ? 0 : abs(a - b) / max(abs(a), abs(b))
}

/// The shared generator, named here once so that every file of this target sees it.
typealias SeededGenerator = TestSupport.SeededGenerator
