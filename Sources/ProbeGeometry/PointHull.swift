import CBLAS

/// Distances from many points to the convex hull of one point set, with the set's Gram
/// matrix computed once.
///
/// Test-set prediction asks for the distance of every test point to every cluster's hull.
/// Wolfe's method needs inner products between the hull's points and the current point
/// only: with `G = A'A'ᵀ` (the points centred on their mean, float64) kept, and
/// `v = A'p'` computed once per query (one pass over the points), each iteration costs
/// O(k·s) for k points and a corral of s vertices instead of O(k·d). The corral keeps the
/// Cholesky factor of its bordered Gram matrix (the R of the QR factorisation that
/// ``hullDistance(_:_:relativeAccuracy:)``'s corral keeps, without its Q).
///
/// The answer is certified in coordinate space like the general solver's: the upper bound is
/// the distance of the explicit convex combination, the lower bound the margin of the
/// hyperplane normal to it over every point, both recomputed from the float32 points. When
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
            gram.withUnsafeMutableBufferPointer { g in
                cblas_dsyrk(CblasRowMajor, CblasUpper, CblasNoTrans, Int32(k), Int32(d), 1, a.baseAddress, Int32(d), 0,
                            g.baseAddress, Int32(k))
            }
        }
        for i in 0..<k { for j in 0..<i { gram[i * k + j] = gram[j * k + i] } }
        self.centred = centred
        self.gram = gram
    }

    /// The distance from `p` to the hull (0 inside), as ``pointDistance(_:to:relativeAccuracy:)``.
    public func distance(to p: [Float], relativeAccuracy: Double = 1e-6) -> HullSeparation {
        precondition(p.count == dimension, "ProbeGeometry: point of dimension \(p.count), hull of \(dimension)")
        if !gram.isEmpty, let solved = solveInGramSpace(p, relativeAccuracy: max(relativeAccuracy, 1e-12)) { return solved }
        return pointDistance(points, to: p, relativeAccuracy: relativeAccuracy)
    }

    /// Wolfe's method on the Gram matrix; nil when the certified bounds miss the accuracy.
    private func solveInGramSpace(_ p: [Float], relativeAccuracy: Double) -> HullSeparation? {
        let k = count, d = dimension
        // p' = p − c and v = A'p'.
        let shifted = (0..<d).map { Double(p[$0]) - centroid[$0] }
        let pp = shifted.reduce(0) { $0 + $1 * $1 }
        // One product per point, by hand: callers run many queries on several threads, where
        // BLAS's own threads would only contend for the same cores.
        var v = [Double](repeating: 0, count: k)
        centred.withUnsafeBufferPointer { a in
            shifted.withUnsafeBufferPointer { x in
                for i in 0..<k { v[i] = dot(a.baseAddress! + i * d, x.baseAddress!, d) }
            }
        }
        let scale = max(largestNorm, p.reduce(0) { $0 + Double($1) * Double($1) }.squareRoot())
        let tolerance = overlapTolerance(scale: scale)
        // H(i, j) = ⟨a_i − p, a_j − p⟩, bordered with c (the squared spread, as in Corral).
        let border = max(radius * radius, pp, Double.leastNormalMagnitude)
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
            for i in 0..<k {
                var sum = -v[i]
                for (slot, j) in corral.indices.enumerated() { sum += corral.weights[slot] * gram[i * k + j] }
                g[i] = sum
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
            guard corral.append(best, column: column), corral.minorCycle() else { break }
        }
        return certify(p, corral: corral, tolerance: tolerance, relativeAccuracy: relativeAccuracy, iterations: iterations)
    }

    /// Recomputes the bounds from the points for the corral's convex combination.
    private func certify(_ p: [Float], corral: CholeskyCorral, tolerance: Double, relativeAccuracy: Double,
                         iterations: Int) -> HullSeparation? {
        let d = dimension
        var x = [Double](repeating: 0, count: d)   // x = Σ λ a_j − p
        for (slot, j) in corral.indices.enumerated() {
            let row = points.point(j)
            let w = corral.weights[slot]
            var t = 0
            for value in row {
                x[t] += w * Double(value)
                t += 1
            }
        }
        for t in 0..<d { x[t] -= Double(p[t]) }
        let upper = x.reduce(0) { $0 + $1 * $1 }.squareRoot()
        let weights = corral.indices.enumerated().map { (index: $0.element, weight: corral.weights[$0.offset]) }
            .sorted { $0.index < $1.index }
        if upper <= tolerance {
            return HullSeparation(upperBound: upper, lowerBound: 0, weightsA: weights, weightsB: [(0, 1)], normal: [], offset: 0,
                                  verdict: .overlapping, iterations: iterations, fullPasses: 1, tolerance: tolerance)
        }
        let normal = x.map { $0 / upper }
        let pointProduct = zip(normal, p).reduce(0) { $0 + $1.0 * Double($1.1) }
        let minimum = points.withRows { rows in normal.withUnsafeBufferPointer { rows.minimum(along: $0.baseAddress!).value } }
        let lower = minimum - pointProduct
        guard lower > tolerance, upper - lower <= relativeAccuracy * upper else { return nil }
        return HullSeparation(upperBound: upper, lowerBound: lower, weightsA: weights, weightsB: [(0, 1)], normal: normal,
                              offset: -(minimum + pointProduct) / 2, verdict: .separable, iterations: iterations,
                              fullPasses: 1, tolerance: tolerance)
    }
}

/// Wolfe's corral in Gram space: point indices with convex weights and the upper-triangular
/// Cholesky factor R of `c·11ᵀ + H` over them (H the Gram matrix of the vertices a_j − p).
private struct CholeskyCorral {
    let border: Double
    private(set) var indices: [Int] = []
    var weights: [Double] = []
    /// R column by column: column q holds rows 0...q.
    private var r: [[Double]] = []

    init(border: Double) { self.border = border }

    /// Appends vertex `index` given `column` = H(existing..., index) followed by H(index, index);
    /// false if it is affinely dependent on the corral within rounding.
    mutating func append(_ index: Int, column: [Double]) -> Bool {
        let s = indices.count
        // Solve Rᵀ y = (c + H(:, new)) for the existing part.
        var y = [Double](repeating: 0, count: s)
        for q in 0..<s {
            var sum = border + column[q]
            for t in 0..<q { sum -= r[q][t] * y[t] }
            y[q] = sum / r[q][q]
        }
        let diagonal = border + column[s]
        let rest = diagonal - y.reduce(0) { $0 + $1 * $1 }
        guard rest > 1e-20 * diagonal else { return false }
        r.append(y + [rest.squareRoot()])
        indices.append(index)
        weights.append(0)
        return true
    }

    /// Removes the vertex at `position`, restoring the triangular factor with Givens rotations.
    mutating func remove(at position: Int) {
        r.remove(at: position)
        // Columns from `position` on have one entry below the diagonal: rotate rows (q, q+1).
        for q in position..<r.count {
            let a = r[q][q], b = r[q][q + 1]
            let h = (a * a + b * b).squareRoot()
            let cs = a / h, sn = b / h
            for col in q..<r.count {
                let x = r[col][q], y = r[col][q + 1]
                r[col][q] = cs * x + sn * y
                r[col][q + 1] = cs * y - sn * x
            }
            r[q].removeLast()   // the entry below the diagonal is now zero
        }
        indices.remove(at: position)
        weights.remove(at: position)
    }

    /// The affine minimiser's weights: u = (RᵀR)⁻¹ 1, normalised.
    func affineMinimizer() -> [Double]? {
        let s = indices.count
        var y = [Double](repeating: 0, count: s)
        for q in 0..<s {
            var sum = 1.0
            for t in 0..<q { sum -= r[q][t] * y[t] }
            y[q] = sum / r[q][q]
        }
        var u = [Double](repeating: 0, count: s)
        for q in stride(from: s - 1, through: 0, by: -1) {
            var sum = y[q]
            for col in (q + 1)..<max(q + 1, s) { sum -= r[col][q] * u[col] }
            u[q] = sum / r[q][q]
        }
        let total = u.reduce(0, +)
        guard total.isFinite, total != 0 else { return nil }
        return u.map { $0 / total }
    }

    /// Moves the weights to the affine minimiser, dropping vertices on the way, as in Wolfe's
    /// minor cycle; false if rounding left no meaningful minimiser.
    mutating func minorCycle() -> Bool {
        while true {
            guard let alpha = affineMinimizer() else { return false }
            if alpha.allSatisfy({ $0 > 0 }) {
                weights = alpha
                return true
            }
            var theta = 1.0
            var leaving = -1
            for q in 0..<indices.count where alpha[q] <= 0 {
                let lambda = weights[q]
                let step = lambda - alpha[q] > 0 ? lambda / (lambda - alpha[q]) : 0
                if step < theta || leaving < 0 {
                    theta = step
                    leaving = q
                }
            }
            for q in 0..<indices.count { weights[q] = theta * alpha[q] + (1 - theta) * weights[q] }
            weights[leaving] = 0
            for q in stride(from: indices.count - 1, through: 0, by: -1) where !(weights[q] > 0) { remove(at: q) }
            guard !indices.isEmpty else { return false }
            let total = weights.reduce(0, +)
            weights = weights.map { $0 / total }
        }
    }
}
