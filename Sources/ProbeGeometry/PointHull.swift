/// Distances from many points to the convex hull of one point set, with the set's Gram
/// matrix computed once.
///
/// Test-set prediction asks for the distance of every test point to every cluster's hull.
/// Wolfe's method needs inner products between the hull's points and the current point
/// only: with `G = A'A'ᵀ` (the points centred on their mean, float64) kept, and
/// `v = A'p'` computed once per query (for a batch of queries, one matrix product), each
/// iteration costs O(k·s) for k points and a corral of s vertices instead of O(k·d). The
/// corral keeps the Cholesky factor of its bordered Gram matrix (`TriangularFactor`, as the
/// general solver's fast corral does).
///
/// The answer is certified in coordinate space like the general solver's: the upper bound is
/// the distance of the explicit convex combination, the lower bound the margin of the
/// hyperplane normal to it over every point, both recomputed from the points (the margins
/// of a batch in one matrix product with the centred points). When
/// rounding in the Gram space keeps them from meeting the requested accuracy, the query
/// falls back to ``pointDistance(_:to:relativeAccuracy:)``, so the result is always that
/// solver's quality. Immutable after creation; safe to query from several threads.
public final class PointHull: Sendable {
    /// The points.
    public let points: PointMatrix
    private let count: Int
    private let dimension: Int
    private let centroid: [Double]
    /// The centred points, row-major float64.
    private let centred: [Double]
    /// `G[i·k + j] = ⟨a_i − c, a_j − c⟩`.
    private let gram: [Double]
    private let radius: Double
    private let largestNorm: Double

    /// The largest set the Gram path takes (its matrix has `count²` doubles); larger sets are
    /// queried with the general solver.
    public static let maximumCount = 2048

    /// Prepares `points` (non-empty, positive dimension).
    public init(_ points: PointMatrix) {
        self.points = points
        let k = points.count, d = points.dimension
        count = k
        dimension = d
        let (centre, radius, largest) = points.summary.map { ($0.centroid, $0.radius, $0.largestNorm) }
            ?? points.withRows { $0.centroidRadiusAndLargestNorm() }
        centroid = centre
        self.radius = radius
        largestNorm = largest
        guard k <= Self.maximumCount else {
            centred = []
            gram = []
            return
        }
        var centred = [Double](repeating: 0, count: k * d)
        for i in 0..<k {
            let row = points.point(i)
            var t = 0
            for value in row {
                centred[i * d + t] = Double(value) - centre[t]
                t += 1
            }
        }
        var gram = [Double](repeating: 0, count: k * k)
        centred.withUnsafeBufferPointer { a in
            gram.withUnsafeMutableBufferPointer { gramUpperTriangle(a, count: k, dimension: d, into: $0) }
        }
        for i in 0..<k { for j in 0..<i { gram[i * k + j] = gram[j * k + i] } }
        self.centred = centred
        self.gram = gram
    }

    /// The distance from `p` to the hull (0 inside), as ``pointDistance(_:to:relativeAccuracy:)``.
    public func distance(to p: [Float], relativeAccuracy: Double = 1e-6) -> HullSeparation {
        precondition(p.count == dimension, "ProbeGeometry: point of dimension \(p.count), hull of \(dimension)")
        return distances(to: PointMatrix(count: 1, dimension: dimension, values: p), relativeAccuracy: relativeAccuracy)[0]
    }

    /// The distance from each point of `queries` to the hull (0 inside), in order, each as
    /// ``distance(to:relativeAccuracy:)`` gives it.
    ///
    /// The two products over the hull's points that every query needs (its inner products
    /// with the points, and its certificate's margins) are made for all queries at once, as
    /// matrix products (`dgemm`). Single-threaded: BLAS's own threads would only contend with
    /// the caller's, which runs several batches at once.
    public func distances(to queries: PointMatrix, relativeAccuracy: Double = 1e-6) -> [HullSeparation] {
        precondition(queries.dimension == dimension, "ProbeGeometry: points of dimension \(queries.dimension), hull of \(dimension)")
        let m = queries.count, k = count, d = dimension
        guard m > 0 else { return [] }
        guard !gram.isEmpty else {
            return (0..<m).map { pointDistance(points, to: Array(queries.point($0)), relativeAccuracy: relativeAccuracy) }
        }
        let accuracy = max(relativeAccuracy, 1e-12)
        // The queries centred on the hull's centroid, p' = p − c, and V = P'A'ᵀ (row r: v = A'p').
        var shifted = [Double](repeating: 0, count: m * d)
        for r in 0..<m {
            var t = 0
            for value in queries.point(r) {
                shifted[r * d + t] = Double(value) - centroid[t]
                t += 1
            }
        }
        var products = [Double](repeating: 0, count: m * k)
        multiplyByPoints(shifted, rows: m, into: &products)

        var results = [HullSeparation?](repeating: nil, count: m)
        // Normals of the queries still to certify, one row each, and their queries.
        var normals: [Double] = []
        var pending: [(query: Int, corral: CholeskyCorral, upper: Double, iterations: Int, tolerance: Double)] = []
        for r in 0..<m {
            let p = queries.point(r)
            let pp = (0..<d).reduce(0.0) { $0 + shifted[r * d + $1] * shifted[r * d + $1] }
            let scale = max(largestNorm, p.reduce(0) { $0 + Double($1) * Double($1) }.squareRoot())
            let tolerance = overlapTolerance(scale: scale)
            let (corral, iterations) = products.withUnsafeBufferPointer {
                solveInGramSpace(v: $0.baseAddress! + r * k, pp: pp, tolerance: tolerance, relativeAccuracy: accuracy)
            }
            // x = Σ λ a_j − p from the float32 points: the upper bound is its length.
            var x = [Double](repeating: 0, count: d)
            for (slot, j) in corral.indices.enumerated() {
                let w = corral.weights[slot]
                var t = 0
                for value in points.point(j) {
                    x[t] += w * Double(value)
                    t += 1
                }
            }
            var t = 0
            for value in p {
                x[t] -= Double(value)
                t += 1
            }
            let upper = x.reduce(0) { $0 + $1 * $1 }.squareRoot()
            if upper <= tolerance {
                results[r] = HullSeparation(upperBound: upper, lowerBound: 0, weightsA: corral.sortedWeights, weightsB: [(0, 1)],
                                            normal: [], offset: 0, verdict: .overlapping, iterations: iterations,
                                            fullPasses: 1, tolerance: tolerance)
            } else {
                normals.append(contentsOf: x.map { $0 / upper })
                pending.append((r, corral, upper, iterations, tolerance))
            }
        }
        // The certificates: the margin of the hyperplane normal to x over every point,
        // min_i ⟨a_i, n⟩ − ⟨p, n⟩ = min_i ⟨a_i − c, n⟩ − ⟨p − c, n⟩.
        var margins = [Double](repeating: 0, count: pending.count * k)
        multiplyByPoints(normals, rows: pending.count, into: &margins)
        for (row, query) in pending.enumerated() {
            let r = query.query
            var minimum = Double.infinity
            for i in 0..<k { minimum = min(minimum, margins[row * k + i]) }
            var shiftedProduct = 0.0, centroidProduct = 0.0, pointProduct = 0.0
            var t = 0
            for value in queries.point(r) {
                let n = normals[row * d + t]
                shiftedProduct += n * shifted[r * d + t]
                centroidProduct += n * centroid[t]
                pointProduct += n * Double(value)
                t += 1
            }
            let lower = minimum - shiftedProduct
            guard lower > query.tolerance, query.upper - lower <= accuracy * query.upper else {
                results[r] = pointDistance(points, to: Array(queries.point(r)), relativeAccuracy: relativeAccuracy)
                continue
            }
            let pointMinimum = minimum + centroidProduct
            results[r] = HullSeparation(upperBound: query.upper, lowerBound: lower, weightsA: query.corral.sortedWeights,
                                        weightsB: [(0, 1)], normal: Array(normals[(row * d)..<(row * d + d)]),
                                        offset: -(pointMinimum + pointProduct) / 2, verdict: .separable,
                                        iterations: query.iterations, fullPasses: 1, tolerance: query.tolerance)
        }
        return results.map { $0! }
    }

    /// `out = X·A'ᵀ` for `rows` row vectors X (row-major, `dimension` each): each row's inner
    /// products with the centred points.
    private func multiplyByPoints(_ x: [Double], rows: Int, into out: inout [Double]) {
        guard rows > 0 else { return }
        let k = count, d = dimension
        x.withUnsafeBufferPointer { x in
            centred.withUnsafeBufferPointer { a in
                out.withUnsafeMutableBufferPointer { multiplyTransposed(x, rows: rows, a, columns: k, dimension: d, into: $0) }
            }
        }
    }

    /// Wolfe's method on the Gram matrix for one query, given `v = A'p'` and `pp = ‖p'‖²`:
    /// the corral at the nearest point found, and the number of iterations.
    private func solveInGramSpace(v: UnsafePointer<Double>, pp: Double, tolerance: Double,
                                  relativeAccuracy: Double) -> (corral: CholeskyCorral, iterations: Int) {
        let k = count, d = dimension
        // H(i, j) = ⟨a_i − p, a_j − p⟩, bordered with c (the squared spread, as in Corral).
        let border = max(radius * radius, pp, Double.leastNormalMagnitude)
        return gram.withUnsafeBufferPointer { gramBuffer in
            let gram = gramBuffer.baseAddress!
            func h(_ i: Int, _ j: Int) -> Double { gram[i * k + j] - v[i] - v[j] + pp }

            var corral = CholeskyCorral(border: border)
            // Start from the point nearest to p along the centroid direction: argmin_i ⟨a_i − c, c − p⟩.
            var start = 0
            for i in 1..<k where -v[i] < -v[start] { start = i }
            _ = corral.append(start, column: [h(start, start)])
            corral.weights = [1]
            var g = [Double](repeating: 0, count: k)   // g = G λ − v (over the corral's support)
            var iterations = 0
            let iterationLimit = 50 * (min(k, d) + 2) + 1000
            while true {
                // Row by row of G (symmetric), so that the inner loop runs over contiguous memory.
                g.withUnsafeMutableBufferPointer { g in
                    for i in 0..<k { g[i] = -v[i] }
                    for (slot, j) in corral.indices.enumerated() {
                        let w = corral.weights[slot]
                        let row = gram + j * k
                        for i in 0..<k { g[i] += w * row[i] }
                    }
                }
                var lambdaG = 0.0, lambdaV = 0.0
                for (slot, j) in corral.indices.enumerated() {
                    lambdaG += corral.weights[slot] * g[j]
                    lambdaV += corral.weights[slot] * v[j]
                }
                let xx = max(0, lambdaG - lambdaV + pp)
                var best = 0
                for i in 1..<k where g[i] < g[best] { best = i }
                let gap = lambdaG - g[best]
                let upper = xx.squareRoot()
                iterations += 1
                if upper <= tolerance { break }
                let lower = (xx - gap) / upper
                if lower > 0 && upper - lower <= relativeAccuracy * upper { break }
                if gap <= 1e-13 * (xx + border) || corral.indices.contains(best) || iterations >= iterationLimit { break }
                let column = corral.indices.map { h($0, best) } + [h(best, best)]
                guard corral.append(best, column: column), minorCycle(&corral) else { break }
            }
            return (corral, iterations)
        }
    }
}

/// Wolfe's corral in Gram space: point indices with convex weights and the upper-triangular
/// Cholesky factor R of `c·11ᵀ + H` over them (H the Gram matrix of the vertices a_j − p).
private struct CholeskyCorral: AffineCorral {
    let border: Double
    private(set) var indices: [Int] = []
    var weights: [Double] = []
    private var r = TriangularFactor()

    init(border: Double) { self.border = border }

    var size: Int { indices.count }

    /// The vertices with their weights, by increasing point index.
    var sortedWeights: [HullSeparation.Weight] {
        indices.enumerated().map { (index: $0.element, weight: weights[$0.offset]) }.sorted { $0.index < $1.index }
    }

    /// Appends vertex `index` given `column` = H(existing..., index) followed by H(index, index);
    /// false if it is affinely dependent on the corral within rounding.
    mutating func append(_ index: Int, column: [Double]) -> Bool {
        guard r.append(column.map { border + $0 }, dependenceTolerance: 1e-20) else { return false }
        indices.append(index)
        weights.append(0)
        return true
    }

    mutating func remove(at position: Int) {
        r.remove(at: position) { _, _, _ in }
        indices.remove(at: position)
        weights.remove(at: position)
    }

    /// The affine minimiser's weights: u = (RᵀR)⁻¹ 1, normalised.
    func affineMinimizer() -> [Double]? {
        let u = r.solve(r.solveTransposed([Double](repeating: 1, count: size)))
        let total = u.reduce(0, +)
        guard total.isFinite, total != 0 else { return nil }
        return u.map { $0 / total }
    }
}
