// Wolfe's nearest-point (minimum-norm point) algorithm on the Minkowski difference A − B.
//
// The polytope A − B has |A|·|B| vertices, never enumerated: its linear-minimisation oracle
// separates, argmin_{v ∈ A−B} ⟨x, v⟩ = argmin_a ⟨x, a⟩ − argmax_b ⟨x, b⟩, one pass over
// the points. Each major iteration makes that pass, which also yields the duality gap:
// ‖x‖ ≥ distance ≥ min_v ⟨x, v⟩ / ‖x‖ (the margin of the hyperplane normal to x). The
// violator joins the corral; minor iterations move x to the affine minimiser of the corral,
// dropping vertices whose affine weight turns non-positive, until x lies inside it.
// In exact arithmetic ‖x‖ decreases strictly and the method ends after finitely many
// steps with the exact nearest points (Wolfe 1976).

/// When the solver may stop.
enum StopRule {
    /// As soon as the verdict is certain.
    case decision
    /// When `upper − lower ≤ relativeAccuracy · upper` and the verdict is certain.
    case accuracy(Double)
}

/// The overlap tolerance for a pair whose largest point norm is `scale`.
func overlapTolerance(scale: Double) -> Double {
    1e-7 * max(scale, 1e-30)
}

func solveNearestPoints(_ a: PointMatrix, _ b: PointMatrix, rule: StopRule) -> HullSeparation {
    precondition(
        a.dimension == b.dimension,
        "ProbeGeometry: point sets of dimension \(a.dimension) and \(b.dimension)")
    return a.withRows { rowsA in
        b.withRows { rowsB in
            NearestPointSolver(a: rowsA, b: rowsB).run(rule)
        }
    }
}

private struct NearestPointSolver {
    let a: RowSet
    let b: RowSet
    let dimension: Int

    init(a: RowSet, b: RowSet) {
        self.a = a
        self.b = b
        self.dimension = a.dimension
    }

    /// The difference vertex a_i − b_j in float64.
    func vertex(_ i: Int, _ j: Int) -> [Double] {
        let pa = a.row(i), pb = b.row(j)
        return (0..<dimension).map { Double(pa[$0]) - Double(pb[$0]) }
    }

    func run(_ rule: StopRule) -> HullSeparation {
        let d = dimension
        let tolerance = overlapTolerance(scale: max(a.largestNorm(), b.largestNorm()))
        let (centroidA, radiusA) = a.centroidAndRadius()
        let (centroidB, radiusB) = b.centroidAndRadius()

        // Start from the vertex that is extreme along the line of the centroids.
        var direction = (0..<d).map { centroidA[$0] - centroidB[$0] }
        if direction.allSatisfy({ $0 == 0 }) { direction[0] = 1 }
        let first = direction.withUnsafeBufferPointer { x in
            (a.minimum(along: x.baseAddress!).index, b.maximum(along: x.baseAddress!).index)
        }
        let firstVertex = vertex(first.0, first.1)
        let firstNormSquared = firstVertex.reduce(0) { $0 + $1 * $1 }
        let spread = radiusA + radiusB
        let shift = spread > 0 ? spread * spread : max(firstNormSquared, Double.leastNormalMagnitude)

        var corral = Corral(dimension: d, shift: shift)
        _ = corral.append(firstVertex, indexA: first.0, indexB: first.1)
        corral.weights = [1]

        var best = (lower: -Double.infinity, normal: [Double](), offset: 0.0)
        // The nearest pair seen; Wolfe's ‖x‖ decreases, but rounding may break that.
        var nearest = (upper: Double.infinity, indexA: [Int](), indexB: [Int](), weights: [Double]())
        var iterations = 0
        var iterationsWithoutProgress = 0
        // Safety net only: Wolfe's method terminates, but rounding can make it cycle.
        let iterationLimit = 50 * (d + 2) + 1000

        while true {
            let x = corral.currentPoint()
            let xx = x.reduce(0) { $0 + $1 * $1 }
            let upper = xx.squareRoot()
            if upper < nearest.upper {
                nearest = (upper, corral.indexA, corral.indexB, corral.weights)
                iterationsWithoutProgress = 0
            } else {
                iterationsWithoutProgress += 1
            }
            if upper <= tolerance { break }

            iterations += 1
            let (extremeA, extremeB) = x.withUnsafeBufferPointer { x in
                (a.minimum(along: x.baseAddress!), b.maximum(along: x.baseAddress!))
            }
            let (i, minA) = extremeA, (j, maxB) = extremeB
            let xv = minA - maxB
            let lower = xv / upper
            if lower > best.lower {
                best = (lower, x.map { $0 / upper }, -(minA + maxB) / (2 * upper))
            }
            if case .decision = rule, best.lower > tolerance { break }
            if case .accuracy(let relative) = rule, best.lower > tolerance,
                nearest.upper - best.lower <= relative * nearest.upper
            {
                break
            }

            // Numerical end: no vertex improves x beyond rounding, the improving vertex is
            // affinely dependent on the corral within rounding, or the loop stopped making
            // progress. The bounds reached are still valid certificates.
            let noise = 1e-13 * upper * (upper + shift.squareRoot())
            if xx - xv <= noise || corral.contains(i, j) || iterations >= iterationLimit
                || iterationsWithoutProgress > 20
            {
                break
            }
            guard corral.append(vertex(i, j), indexA: i, indexB: j), minorCycle(&corral) else { break }
        }
        let separable = nearest.upper > tolerance && best.lower > 0
        return HullSeparation(
            upperBound: nearest.upper,
            lowerBound: separable ? best.lower : 0,
            weightsA: aggregate(nearest.indexA, nearest.weights),
            weightsB: aggregate(nearest.indexB, nearest.weights),
            normal: separable ? best.normal : [],
            offset: separable ? best.offset : 0,
            verdict: separable ? .separable : .overlapping,
            iterations: iterations,
            tolerance: tolerance)
    }

    /// Moves the weights to the affine minimiser of the corral, dropping vertices on the way;
    /// false if rounding left no meaningful minimiser (the weights stay convex).
    private func minorCycle(_ corral: inout Corral) -> Bool {
        while true {
            guard let alpha = corral.affineMinimizer() else { return false }
            if alpha.allSatisfy({ $0 > 0 }) {
                corral.weights = alpha
                return true
            }
            // Step from λ towards α until the first weight reaches zero.
            var theta = 1.0
            var leaving = -1
            for p in 0..<corral.size where alpha[p] <= 0 {
                let lambda = corral.weights[p]
                let step = lambda - alpha[p] > 0 ? lambda / (lambda - alpha[p]) : 0
                if step < theta || leaving < 0 {
                    theta = step
                    leaving = p
                }
            }
            var weights = corral.weights
            for p in 0..<corral.size { weights[p] = theta * alpha[p] + (1 - theta) * weights[p] }
            weights[leaving] = 0
            corral.weights = weights
            for p in stride(from: corral.size - 1, through: 0, by: -1) where !(corral.weights[p] > 0) {
                corral.remove(at: p)
            }
            let total = corral.weights.reduce(0, +)
            corral.weights = corral.weights.map { $0 / total }
        }
    }
}

/// Sums the weights of repeated indices; sorted by index.
private func aggregate(_ indices: [Int], _ weights: [Double]) -> [HullSeparation.Weight] {
    var sums: [Int: Double] = [:]
    for (index, weight) in zip(indices, weights) { sums[index, default: 0] += weight }
    return sums.keys.sorted().map { (index: $0, weight: sums[$0] ?? 0) }
}
