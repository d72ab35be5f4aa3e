// Wolfe's nearest-point (minimum-norm point) algorithm on the Minkowski difference A − B.
//
// The polytope A − B has |A|·|B| vertices, never enumerated: its linear-minimisation oracle
// separates, argmin_{v ∈ A−B} ⟨x, v⟩ = argmin_a ⟨x, a⟩ − argmax_b ⟨x, b⟩, one pass over
// the points. Over all points that pass also yields the duality gap:
// ‖x‖ ≥ distance ≥ min_v ⟨x, v⟩ / ‖x‖ (the margin of the hyperplane normal to x). The
// violator joins the corral; minor iterations move x to the affine minimiser of the corral,
// dropping vertices whose affine weight turns non-positive, until x lies inside it.
// In exact arithmetic ‖x‖ decreases strictly and the method ends after finitely many
// steps with the exact nearest points (Wolfe 1976).
//
// Large sets run the oracle on working sets (see WorkingSet.swift): the first iteration
// makes a full pass and keeps its best points of each side; later iterations search only
// those until the stopping rule holds on them, and then one full pass either certifies
// the bounds over all points or adds the best violators outside the sets and goes on.
// Lower bounds, and so every separable verdict, come from full passes only; upper bounds
// are distances between actual convex combinations wherever they come from.

/// When the solver may stop.
enum StopRule {
    /// As soon as the verdict is certain.
    case decision
    /// When `upper − lower ≤ relativeAccuracy · upper` and the verdict is certain.
    case accuracy(Double)
}

/// The overlap tolerance for a pair whose largest point norm is `scale`: `1e-7 · scale`.
public func overlapTolerance(scale: Double) -> Double {
    1e-7 * max(scale, 1e-30)
}

func solveNearestPoints(
    _ a: PointMatrix, _ b: PointMatrix, rule: StopRule, policy: WorkingSetPolicy = .standard,
    warmStart: [CorralVertex] = []
) -> HullSeparation {
    precondition(
        a.dimension == b.dimension,
        "ProbeGeometry: point sets of dimension \(a.dimension) and \(b.dimension)")
    return a.withRows { rowsA in
        b.withRows { rowsB in
            NearestPointSolver(a: rowsA, b: rowsB, summaryA: a.summary, summaryB: b.summary).run(rule, policy: policy, warmStart: warmStart)
        }
    }
}

private struct NearestPointSolver {
    let a: RowSet
    let b: RowSet
    let dimension: Int
    let summaryA: PointSummary?
    let summaryB: PointSummary?

    init(a: RowSet, b: RowSet, summaryA: PointSummary? = nil, summaryB: PointSummary? = nil) {
        self.a = a
        self.b = b
        self.dimension = a.dimension
        self.summaryA = summaryA
        self.summaryB = summaryB
    }

    /// The difference vertex a_i − b_j in float64.
    func vertex(_ i: Int, _ j: Int) -> [Double] {
        let pa = a.row(i), pb = b.row(j)
        return (0..<dimension).map { Double(pa[$0]) - Double(pb[$0]) }
    }

    func run(_ rule: StopRule, policy: WorkingSetPolicy, warmStart: [CorralVertex] = []) -> HullSeparation {
        let d = dimension
        // Precomputed summaries (PointMatrix.summarized()) save a pass over each set.
        let (centroidA, radiusA, largestA) = summaryA.map { ($0.centroid, $0.radius, $0.largestNorm) } ?? a.centroidRadiusAndLargestNorm()
        let (centroidB, radiusB, largestB) = summaryB.map { ($0.centroid, $0.radius, $0.largestNorm) } ?? b.centroidRadiusAndLargestNorm()
        let tolerance = overlapTolerance(scale: max(largestA, largestB))

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
        if !startCorral(&corral, from: warmStart) {
            _ = corral.append(firstVertex, indexA: first.0, indexB: first.1)
            corral.weights = [1]
        }

        var best = (lower: -Double.infinity, normal: [Double](), offset: 0.0)
        // The nearest pair seen; Wolfe's ‖x‖ decreases, but rounding may break that.
        var nearest = (upper: Double.infinity, indexA: [Int](), indexB: [Int](), weights: [Double]())
        var iterations = 0
        var iterationsWithoutProgress = 0
        // Safety net only: Wolfe's method terminates, but rounding can make it cycle.
        let iterationLimit = 50 * (d + 2) + 1000

        // Working sets only pay when a side has more points than the policy keeps;
        // otherwise every iteration makes a full pass, Wolfe's method as such.
        let useWorkingSets = policy.setSize < max(a.count, b.count)
        var setA = WorkingSet(pointCount: useWorkingSets ? a.count : 0, dimension: d)
        var setB = WorkingSet(pointCount: useWorkingSets ? b.count : 0, dimension: d)
        // The products of the last full pass; the sets are chosen from them.
        var productsA = [Double](repeating: 0, count: useWorkingSets ? a.count : 0)
        var productsB = [Double](repeating: 0, count: useWorkingSets ? b.count : 0)
        // Whether the oracle searches the working sets (from the first full pass on, unless
        // they hold every point).
        var restricted = false
        // Set when rounding spoilt a step on the working sets: certify where it stopped.
        var finishing = false
        var fullPasses = 0
        // Restricted iterations since the last full pass, and how many one full pass is
        // worth; `budgetSpent` marks a full pass made for that reason alone.
        var restrictedSteps = 0
        var stepBudget = 0
        var budgetSpent = false
        var stalledPasses = 0

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
            let noise = 1e-13 * upper * (upper + shift.squareRoot())

            if restricted && !finishing {
                let (i, minA) = x.withUnsafeBufferPointer { setA.extreme(along: $0.baseAddress!, sign: 1) }
                let (j, maxB) = x.withUnsafeBufferPointer { setB.extreme(along: $0.baseAddress!, sign: -1) }
                let xv = minA - maxB
                let lower = xv / upper
                // Converged on the sets: the stopping rule holds on them (for a decision, a
                // margin above the tolerance and within half of the distance, so that the
                // full pass is likely to confirm it), or a numerical end on them.
                let ruleHolds: Bool
                switch rule {
                case .decision:
                    ruleHolds = lower > tolerance && nearest.upper - lower <= 0.5 * nearest.upper
                case .accuracy(let relative):
                    ruleHolds = lower > tolerance && nearest.upper - lower <= relative * nearest.upper
                }
                let converged = ruleHolds || xx - xv <= noise || corral.contains(i, j)
                    || iterations >= iterationLimit || iterationsWithoutProgress > 20
                restrictedSteps += 1
                // Far from the optimum the sets miss points that matter; a full pass every
                // `stepBudget` steps brings them in before many steps go the wrong way.
                budgetSpent = !converged && restrictedSteps >= stepBudget
                if !converged && !budgetSpent && corral.append(vertex(i, j), indexA: i, indexB: j) {
                    if !minorCycle(&corral) { finishing = true }
                    continue
                }
                // Converged, due, or the step was affinely dependent: a full pass decides.
            }

            // A full pass: the exact oracle over every point, the only source of lower bounds.
            fullPasses += 1
            let (extremeA, extremeB) = x.withUnsafeBufferPointer { x in
                guard useWorkingSets else {
                    return (a.minimum(along: x.baseAddress!), b.maximum(along: x.baseAddress!))
                }
                // Keep every product: the sets are chosen among them.
                return (
                    productsA.withUnsafeMutableBufferPointer { values in
                        a.products(along: x.baseAddress!, into: values)
                        return extreme(UnsafeBufferPointer(values), sign: 1)
                    },
                    productsB.withUnsafeMutableBufferPointer { values in
                        b.products(along: x.baseAddress!, into: values)
                        return extreme(UnsafeBufferPointer(values), sign: -1)
                    })
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
            if xx - xv <= noise || corral.contains(i, j) || iterations >= iterationLimit || finishing
                || (iterationsWithoutProgress > 20 && !restricted)
            {
                break
            }
            // Once the sets hold every point, the full pass is the whole oracle.
            if useWorkingSets && !(setA.isComplete && setB.isComplete) {
                // Violators: points that make an improving vertex with the best point of the
                // other side, ⟨a, x⟩ − maxB < ‖x‖² (and likewise for b), beyond noise. No
                // other point can enter the corral at this x.
                let thresholdA = xx + maxB - noise, thresholdB = -(minA - xx + noise)
                if restricted {
                    let outsideA = productsA.withUnsafeBufferPointer {
                        setA.candidates($0, sign: 1, below: thresholdA, limit: 1)
                    }
                    let outsideB = productsB.withUnsafeBufferPointer {
                        setB.candidates($0, sign: -1, below: thresholdB, limit: 1)
                    }
                    if outsideA.isEmpty && outsideB.isEmpty {
                        // The sets hold every violator. If they had converged, yet the
                        // rule fails over all points, only rounding is left: stop.
                        if !budgetSpent { break }
                    } else if iterationsWithoutProgress > 20 {
                        // Stalled on the sets while points outside still violate: give the
                        // new points a chance, but not forever, where rounding cycles.
                        stalledPasses += 1
                        if stalledPasses > 2 { break }
                        iterationsWithoutProgress = 0
                    }
                }
                // Rebuild the sets: the corral's points, the vertex about to join, and the
                // strongest violators of each side. Points that stopped mattering leave,
                // so the sets stay near the size of the corral plus `setSize`.
                setA.removeAll()
                setB.removeAll()
                for index in corral.indexA + [i] { setA.insert(index, from: a) }
                for index in corral.indexB + [j] { setB.insert(index, from: b) }
                // The first time, the best points whatever their value: x is still crude.
                let first = !restricted
                for index in productsA.withUnsafeBufferPointer({
                    setA.candidates($0, sign: 1, below: first ? .infinity : thresholdA, limit: policy.setSize)
                }) { setA.insert(index, from: a) }
                for index in productsB.withUnsafeBufferPointer({
                    setB.candidates($0, sign: -1, below: first ? .infinity : thresholdB, limit: policy.setSize)
                }) { setB.insert(index, from: b) }
                restricted = !(setA.isComplete && setB.isComplete)
                // A full pass reads every point, a restricted step the sets and the corral
                // (O(k·d) per update).
                let fullCost = policy.fullPassWeight * Double(a.count + b.count)
                let stepCost = Double(setA.count + setB.count + 4 * (corral.size + 1))
                stepBudget = Int(min(fullCost / stepCost, Double(iterationLimit)))
                restrictedSteps = 0
            }
            guard corral.append(vertex(i, j), indexA: i, indexB: j), minorCycle(&corral) else { break }
        }
        let separable = nearest.upper > tolerance && best.lower > 0
        var result = HullSeparation(
            upperBound: nearest.upper,
            lowerBound: separable ? best.lower : 0,
            weightsA: aggregate(nearest.indexA, nearest.weights),
            weightsB: aggregate(nearest.indexB, nearest.weights),
            normal: separable ? best.normal : [],
            offset: separable ? best.offset : 0,
            verdict: separable ? .separable : .overlapping,
            iterations: iterations,
            fullPasses: fullPasses,
            tolerance: tolerance)
        result.corral = (0..<nearest.indexA.count).map {
            CorralVertex(indexA: nearest.indexA[$0], indexB: nearest.indexB[$0], weight: nearest.weights[$0])
        }
        return result
    }

    /// Fills an empty corral with the usable vertices of a warm start (in range, positive
    /// weight, affinely independent of those before), their weights renormalised to sum 1;
    /// false, leaving the corral empty, when none is usable. The point Σλv is then a convex
    /// combination of vertices of A − B, as Wolfe's iterations require; it need not be the
    /// corral's affine minimiser (the first minor cycle moves towards that).
    private func startCorral(_ corral: inout Corral, from warmStart: [CorralVertex]) -> Bool {
        var weights: [Double] = []
        for vertex in warmStart
        where vertex.indexA >= 0 && vertex.indexA < a.count && vertex.indexB >= 0 && vertex.indexB < b.count
            && vertex.weight > 0 && vertex.weight.isFinite && !corral.contains(vertex.indexA, vertex.indexB)
        {
            if corral.append(self.vertex(vertex.indexA, vertex.indexB), indexA: vertex.indexA, indexB: vertex.indexB) {
                weights.append(vertex.weight)
            }
        }
        let total = weights.reduce(0, +)
        guard corral.size > 0, total > 0, total.isFinite else {
            while corral.size > 0 { corral.remove(at: corral.size - 1) }
            return false
        }
        corral.weights = weights.map { $0 / total }
        return true
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

/// The index with the smallest `sign·values[i]` and its value, the lowest index on ties, as
/// ``RowSet/minimum(along:)`` (sign 1) and ``RowSet/maximum(along:)`` (sign −1) find it.
private func extreme(_ values: UnsafeBufferPointer<Double>, sign: Double) -> (index: Int, value: Double) {
    var best = (index: 0, value: sign * Double.infinity)
    for index in 0..<values.count where sign * values[index] < sign * best.value {
        best = (index, values[index])
    }
    // A NaN in the data never wins a comparison; index 0 stands in, as in a plain pass.
    return best
}

/// Sums the weights of repeated indices; sorted by index.
private func aggregate(_ indices: [Int], _ weights: [Double]) -> [HullSeparation.Weight] {
    var sums: [Int: Double] = [:]
    for (index, weight) in zip(indices, weights) { sums[index, default: 0] += weight }
    return sums.keys.sorted().map { (index: $0, weight: sums[$0] ?? 0) }
}
