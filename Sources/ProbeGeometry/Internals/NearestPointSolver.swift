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

/// Which corrals a solve runs on.
enum CorralChoice {
    /// The fast GramCorral, resumed on the QR corral where it ends inconclusive: the default.
    case fastThenQR
    /// The QR corral alone (what the default falls back to; tests compare the two).
    case qrOnly
    /// The QR corral for a warm start from a corral the QR corral found
    /// (``HullSeparation/corralIsQR``); a cold retry still starts on the fast corral.
    case qrFirst
}

func solveNearestPoints(
    _ a: PointMatrix, _ b: PointMatrix, rule: StopRule, policy: WorkingSetPolicy = .standard,
    warmStart: [CorralVertex] = [], corrals: CorralChoice = .fastThenQR
) -> HullSeparation {
    precondition(
        a.dimension == b.dimension,
        "ProbeGeometry: point sets of dimension \(a.dimension) and \(b.dimension)")
    return a.withRows { rowsA in
        b.withRows { rowsB in
            func solve<C: WolfeCorral>(_: C.Type, from start: [CorralVertex], unlessStartDropped: Bool = false) -> HullSeparation {
                NearestPointSolver<C>(a: rowsA, b: rowsB, summaryA: a.summary, summaryB: b.summary, rule: rule, policy: policy)
                    .run(warmStart: start, unlessStartDropped: unlessStartDropped)
            }
            func onQR(from start: [CorralVertex]) -> HullSeparation {
                var qr = solve(Corral.self, from: start)
                qr.corralIsQR = true
                return qr
            }
            if case .qrOnly = corrals { return onQR(from: warmStart) }
            // The fast corral first; where it ends without a conclusive answer (rounding in its
            // factor, see GramCorral.swift), the QR corral resumes from its nearest points.
            func fastThenQR(from start: [CorralVertex], skippingFast: Bool = false) -> HullSeparation {
                if skippingFast { return onQR(from: start) }
                // Where the fast corral cannot take the whole warm start (vertices dependent
                // within its factor's rounding, near a degenerate nearest point), it would start
                // far from the warm start's point and end without a verdict after a few
                // iterations (layer 0 of the full supersense task: upper bounds ~0.29 against a
                // tolerance of ~1e-6); the QR corral takes the warm start itself at once.
                let fast = solve(GramCorral.self, from: start, unlessStartDropped: true)
                if fast.isConclusive(under: rule) { return fast }
                var resumed = onQR(from: fast.droppedWarmStart ? start : fast.corral)
                resumed.iterations += fast.iterations
                resumed.fullPasses += fast.fullPasses
                return resumed
            }
            let warm = fastThenQR(from: warmStart, skippingFast: corrals == .qrFirst)
            if warmStart.isEmpty || warm.isCertified { return warm }
            // A warm solve can still end with neither certificate, which would read as an
            // overlap; a cold start decides instead.
            var cold = fastThenQR(from: [])
            cold.iterations += warm.iterations
            cold.fullPasses += warm.fullPasses
            return cold
        }
    }
}

extension HullSeparation {
    /// Whether the verdict is backed by its certificate: an overlap by two convex combinations
    /// within the tolerance, a separation by a hyperplane with a positive margin. A solve can
    /// end with neither (rounding stops it first); the verdict is then overlapping, unproven.
    public var isCertified: Bool {
        verdict == .overlapping ? upperBound <= tolerance : lowerBound > 0
    }

    /// Whether this result settles what `rule` asks: overlap shown by two convex combinations
    /// within the tolerance, or separation by a margin above it (for a distance, also within
    /// the relative accuracy).
    func isConclusive(under rule: StopRule) -> Bool {
        if upperBound <= tolerance { return true }
        guard lowerBound > tolerance else { return false }
        switch rule {
        case .decision: return true
        case .accuracy(let relative): return upperBound - lowerBound <= relative * upperBound
        }
    }
}

private struct NearestPointSolver<CorralType: WolfeCorral> {
    let a: RowSet
    let b: RowSet
    let dimension: Int
    let summaryA: PointSummary?
    let summaryB: PointSummary?
    let rule: StopRule
    let policy: WorkingSetPolicy

    init(a: RowSet, b: RowSet, summaryA: PointSummary?, summaryB: PointSummary?, rule: StopRule, policy: WorkingSetPolicy) {
        self.a = a
        self.b = b
        self.dimension = a.dimension
        self.summaryA = summaryA
        self.summaryB = summaryB
        self.rule = rule
        self.policy = policy
    }

    /// Safety net only: Wolfe's method terminates, but rounding can make it cycle.
    var iterationLimit: Int { 50 * (dimension + 2) + 1000 }

    /// Working sets only pay when a side has more points than the policy keeps; otherwise
    /// every iteration makes a full pass, Wolfe's method as such.
    var useWorkingSets: Bool { policy.setSize < max(a.count, b.count) }

    /// The difference vertex a_i − b_j in float64.
    func vertex(_ i: Int, _ j: Int) -> [Double] {
        let pa = a.row(i), pb = b.row(j)
        return (0..<dimension).map { Double(pa[$0]) - Double(pb[$0]) }
    }

    /// The scale of one solve, from the sets' summaries before the first iteration.
    private struct Scale {
        /// The overlap tolerance, from the larger of the sets' largest point norms.
        let tolerance: Double
        /// The corral's shift, from the sets' radii.
        let shift: Double
    }

    /// What the iterations change.
    private struct State {
        var corral: CorralType
        /// The best lower bound of a full pass, with its hyperplane.
        var best = (lower: -Double.infinity, normal: [Double](), offset: 0.0)
        /// The nearest pair seen; Wolfe's ‖x‖ decreases, but rounding may break that.
        var nearest = (upper: Double.infinity, indexA: [Int](), indexB: [Int](), weights: [Double]())
        var iterations = 0
        var iterationsWithoutProgress = 0
        var setA: WorkingSet
        var setB: WorkingSet
        /// The products of the last full pass; the sets are chosen from them.
        var productsA: [Double]
        var productsB: [Double]
        /// Whether the oracle searches the working sets (from the first full pass on, unless
        /// they hold every point).
        var restricted = false
        /// Set when rounding spoilt a step on the working sets: certify where it stopped.
        var finishing = false
        var fullPasses = 0
        /// Restricted iterations since the last full pass, and how many one full pass is
        /// worth; `budgetSpent` marks a full pass made for that reason alone.
        var restrictedSteps = 0
        var stepBudget = 0
        var budgetSpent = false
        var stalledPasses = 0
        /// Whether the corral left out some of the warm start's vertices as dependent.
        var droppedWarmStart = false
    }

    /// The corral's current point x with ‖x‖², ‖x‖ and the rounding noise of its products.
    private struct Iterate {
        let x: [Double]
        let xx: Double
        let upper: Double
        let noise: Double
    }

    /// The oracle's answer at x: the extreme point `i` of A (least ⟨a, x⟩ = `minA`) and `j`
    /// of B (greatest ⟨b, x⟩ = `maxB`), so that a_i − b_j minimises ⟨v, x⟩ over the vertices.
    private struct OracleAnswer {
        let i: Int
        let minA: Double
        let j: Int
        let maxB: Double
    }

    /// Runs Wolfe's iterations from `warmStart`'s corral; with `unlessStartDropped`, returns
    /// at once, inconclusive and with no iteration, where the corral left out some of its
    /// vertices as dependent (the caller then solves on the more accurate corral).
    func run(warmStart: [CorralVertex] = [], unlessStartDropped: Bool = false) -> HullSeparation {
        var (scale, state) = start(warmStart: warmStart)
        if unlessStartDropped && state.droppedWarmStart { return result(state, scale) }
        while true {
            let point = iterate(&state, scale)
            if point.upper <= scale.tolerance { break }
            state.iterations += 1
            if state.restricted && !state.finishing && restrictedStep(&state, point, scale) { continue }
            // Converged on the sets, due, or the step was affinely dependent: a full pass decides.
            let answer = fullPass(&state, point)
            if stops(state, point, answer, scale) { break }
            // Once the sets hold every point, the full pass is the whole oracle.
            if useWorkingSets && !(state.setA.isComplete && state.setB.isComplete) {
                guard refreshWorkingSets(&state, point, answer) else { break }
            }
            guard state.corral.append(vertex(answer.i, answer.j), indexA: answer.i, indexB: answer.j),
                  minorCycle(&state.corral) else { break }
        }
        return result(state, scale)
    }

    /// The constants, and the first corral: a warm start's, else the vertex that is extreme
    /// along the line of the centroids.
    private func start(warmStart: [CorralVertex]) -> (Scale, State) {
        let d = dimension
        // Precomputed summaries (PointMatrix.summarized()) save a pass over each set.
        let (centroidA, radiusA, largestA) = summaryA.map { ($0.centroid, $0.radius, $0.largestNorm) } ?? a.centroidRadiusAndLargestNorm()
        let (centroidB, radiusB, largestB) = summaryB.map { ($0.centroid, $0.radius, $0.largestNorm) } ?? b.centroidRadiusAndLargestNorm()
        let tolerance = overlapTolerance(scale: max(largestA, largestB))

        var direction = (0..<d).map { centroidA[$0] - centroidB[$0] }
        if direction.allSatisfy({ $0 == 0 }) { direction[0] = 1 }
        let first = direction.withUnsafeBufferPointer { x in
            (a.minimum(along: x.baseAddress!).index, b.maximum(along: x.baseAddress!).index)
        }
        let firstVertex = vertex(first.0, first.1)
        let firstNormSquared = firstVertex.reduce(0) { $0 + $1 * $1 }
        let spread = radiusA + radiusB
        let shift = spread > 0 ? spread * spread : max(firstNormSquared, Double.leastNormalMagnitude)

        var corral = CorralType(dimension: d, shift: shift)
        var dropped = false
        if !startCorral(&corral, from: warmStart, dropped: &dropped) {
            _ = corral.append(firstVertex, indexA: first.0, indexB: first.1)
            corral.weights = [1]
        }
        let working = useWorkingSets
        let state = State(corral: corral,
                          setA: WorkingSet(pointCount: working ? a.count : 0, dimension: d,
                                           largestUnpackedSide: policy.largestUnpackedSide),
                          setB: WorkingSet(pointCount: working ? b.count : 0, dimension: d,
                                           largestUnpackedSide: policy.largestUnpackedSide),
                          productsA: [Double](repeating: 0, count: working ? a.count : 0),
                          productsB: [Double](repeating: 0, count: working ? b.count : 0),
                          droppedWarmStart: dropped)
        return (Scale(tolerance: tolerance, shift: shift), state)
    }

    /// The corral's current point; records it when it is the nearest yet.
    private func iterate(_ state: inout State, _ scale: Scale) -> Iterate {
        let x = state.corral.currentPoint()
        let xx = x.reduce(0) { $0 + $1 * $1 }
        let upper = xx.squareRoot()
        if upper < state.nearest.upper {
            state.nearest = (upper, state.corral.indexA, state.corral.indexB, state.corral.weights)
            state.iterationsWithoutProgress = 0
        } else {
            state.iterationsWithoutProgress += 1
        }
        return Iterate(x: x, xx: xx, upper: upper, noise: 1e-13 * upper * (upper + scale.shift.squareRoot()))
    }

    /// One iteration with the oracle on the working sets; false when a full pass is due
    /// instead (the sets converged, the step budget is spent, or the vertex is dependent).
    private func restrictedStep(_ state: inout State, _ point: Iterate, _ scale: Scale) -> Bool {
        let (i, minA) = point.x.withUnsafeBufferPointer { state.setA.extreme(along: $0.baseAddress!, sign: 1, rows: a) }
        let (j, maxB) = point.x.withUnsafeBufferPointer { state.setB.extreme(along: $0.baseAddress!, sign: -1, rows: b) }
        let xv = minA - maxB
        let lower = xv / point.upper
        // Converged on the sets: the stopping rule holds on them (for a decision, a
        // margin above the tolerance and within half of the distance, so that the
        // full pass is likely to confirm it), or a numerical end on them.
        let ruleHolds: Bool
        switch rule {
        case .decision:
            ruleHolds = lower > scale.tolerance && state.nearest.upper - lower <= 0.5 * state.nearest.upper
        case .accuracy(let relative):
            ruleHolds = lower > scale.tolerance && state.nearest.upper - lower <= relative * state.nearest.upper
        }
        let converged = ruleHolds || point.xx - xv <= point.noise || state.corral.contains(i, j)
            || state.iterations >= iterationLimit || state.iterationsWithoutProgress > 20
        state.restrictedSteps += 1
        // Far from the optimum the sets miss points that matter; a full pass every
        // `stepBudget` steps brings them in before many steps go the wrong way.
        state.budgetSpent = !converged && state.restrictedSteps >= state.stepBudget
        if !converged && !state.budgetSpent && state.corral.append(vertex(i, j), indexA: i, indexB: j) {
            if !minorCycle(&state.corral) { state.finishing = true }
            return true
        }
        return false
    }

    /// A full pass: the exact oracle over every point, the only source of lower bounds;
    /// keeps the best lower bound and its hyperplane.
    private func fullPass(_ state: inout State, _ point: Iterate) -> OracleAnswer {
        state.fullPasses += 1
        let (extremeA, extremeB) = point.x.withUnsafeBufferPointer { x in
            guard useWorkingSets else {
                return (a.minimum(along: x.baseAddress!), b.maximum(along: x.baseAddress!))
            }
            // Keep every product: the sets are chosen among them.
            return (
                state.productsA.withUnsafeMutableBufferPointer { values in
                    a.products(along: x.baseAddress!, into: values)
                    return extreme(UnsafeBufferPointer(values), sign: 1)
                },
                state.productsB.withUnsafeMutableBufferPointer { values in
                    b.products(along: x.baseAddress!, into: values)
                    return extreme(UnsafeBufferPointer(values), sign: -1)
                })
        }
        let answer = OracleAnswer(i: extremeA.index, minA: extremeA.value, j: extremeB.index, maxB: extremeB.value)
        let lower = (answer.minA - answer.maxB) / point.upper
        if lower > state.best.lower {
            state.best = (lower, point.x.map { $0 / point.upper }, -(answer.minA + answer.maxB) / (2 * point.upper))
        }
        return answer
    }

    /// Whether the solve ends after a full pass: the stopping rule holds over all points,
    /// or a numerical end (no vertex improves x beyond rounding, the improving vertex is
    /// affinely dependent on the corral within rounding, or the loop stopped making
    /// progress). The bounds reached are still valid certificates.
    private func stops(_ state: State, _ point: Iterate, _ answer: OracleAnswer, _ scale: Scale) -> Bool {
        if case .decision = rule, state.best.lower > scale.tolerance { return true }
        if case .accuracy(let relative) = rule, state.best.lower > scale.tolerance,
            state.nearest.upper - state.best.lower <= relative * state.nearest.upper
        {
            return true
        }
        return point.xx - (answer.minA - answer.maxB) <= point.noise || state.corral.contains(answer.i, answer.j)
            || state.iterations >= iterationLimit || state.finishing
            || (state.iterationsWithoutProgress > 20 && !state.restricted)
    }

    /// After a full pass, chooses the working sets anew from its products; false when the
    /// solve should end (the sets held every violator after converging, or it stalled on
    /// them too often).
    private func refreshWorkingSets(_ state: inout State, _ point: Iterate, _ answer: OracleAnswer) -> Bool {
        let (i, j) = (answer.i, answer.j)
        // Violators: points that make an improving vertex with the best point of the
        // other side, ⟨a, x⟩ − maxB < ‖x‖² (and likewise for b), beyond noise. No
        // other point can enter the corral at this x.
        let thresholdA = point.xx + answer.maxB - point.noise, thresholdB = -(answer.minA - point.xx + point.noise)
        if state.restricted {
            let outsideA = state.productsA.withUnsafeBufferPointer {
                state.setA.candidates($0, sign: 1, below: thresholdA, limit: 1)
            }
            let outsideB = state.productsB.withUnsafeBufferPointer {
                state.setB.candidates($0, sign: -1, below: thresholdB, limit: 1)
            }
            if outsideA.isEmpty && outsideB.isEmpty {
                // The sets hold every violator. If they had converged, yet the
                // rule fails over all points, only rounding is left: stop.
                if !state.budgetSpent { return false }
            } else if state.iterationsWithoutProgress > 20 {
                // Stalled on the sets while points outside still violate: give the
                // new points a chance, but not forever, where rounding cycles.
                state.stalledPasses += 1
                if state.stalledPasses > 2 { return false }
                state.iterationsWithoutProgress = 0
            }
        }
        // Rebuild the sets: the corral's points, the vertex about to join, and the
        // strongest violators of each side. Points that stopped mattering leave,
        // so the sets stay near the size of the corral plus `setSize`.
        state.setA.removeAll()
        state.setB.removeAll()
        for index in state.corral.indexA + [i] { state.setA.insert(index, from: a) }
        for index in state.corral.indexB + [j] { state.setB.insert(index, from: b) }
        // The first time, the best points whatever their value: x is still crude.
        let first = !state.restricted
        let setSize = policy.setSize
        for index in state.productsA.withUnsafeBufferPointer({
            state.setA.candidates($0, sign: 1, below: first ? .infinity : thresholdA, limit: setSize)
        }) { state.setA.insert(index, from: a) }
        for index in state.productsB.withUnsafeBufferPointer({
            state.setB.candidates($0, sign: -1, below: first ? .infinity : thresholdB, limit: setSize)
        }) { state.setB.insert(index, from: b) }
        state.restricted = !(state.setA.isComplete && state.setB.isComplete)
        // A full pass reads every point, a restricted step the sets and the corral
        // (O(k·d) per update).
        let fullCost = policy.fullPassWeight * Double(a.count + b.count)
        let stepCost = Double(state.setA.count + state.setB.count + 4 * (state.corral.size + 1))
        state.stepBudget = Int(min(fullCost / stepCost, Double(iterationLimit)))
        state.restrictedSteps = 0
        return true
    }

    /// The bounds, the nearest pair's weights and its corral (for a later warm start).
    private func result(_ state: State, _ scale: Scale) -> HullSeparation {
        let (nearest, best, tolerance) = (state.nearest, state.best, scale.tolerance)
        let separable = nearest.upper > tolerance && best.lower > 0
        var result = HullSeparation(
            upperBound: nearest.upper,
            lowerBound: separable ? best.lower : 0,
            weightsA: aggregate(nearest.indexA, nearest.weights),
            weightsB: aggregate(nearest.indexB, nearest.weights),
            normal: separable ? best.normal : [],
            offset: separable ? best.offset : 0,
            verdict: separable ? .separable : .overlapping,
            iterations: state.iterations,
            fullPasses: state.fullPasses,
            tolerance: tolerance)
        result.droppedWarmStart = state.droppedWarmStart
        result.corral = (0..<nearest.indexA.count).map {
            CorralVertex(indexA: nearest.indexA[$0], indexB: nearest.indexB[$0], weight: nearest.weights[$0])
        }
        return result
    }

    /// Fills an empty corral with the usable vertices of a warm start (in range, positive
    /// weight, affinely independent of those before), their weights renormalised to sum 1;
    /// false, leaving the corral empty, when none is usable. The point Σλv is then a convex
    /// combination of vertices of A − B, as Wolfe's iterations require; it need not be the
    /// corral's affine minimiser (the first minor cycle moves towards that). `dropped` is set
    /// when a usable vertex was left out as dependent: the start is then not the warm start's
    /// point.
    private func startCorral(_ corral: inout CorralType, from warmStart: [CorralVertex], dropped: inout Bool) -> Bool {
        var offered: [CorralCandidate] = [], offeredWeights: [Double] = []
        var seen = Set<Int>()
        for vertex in warmStart
        where vertex.indexA >= 0 && vertex.indexA < a.count && vertex.indexB >= 0 && vertex.indexB < b.count
            && vertex.weight > 0 && vertex.weight.isFinite && seen.insert(vertex.indexA * b.count + vertex.indexB).inserted
        {
            offered.append(CorralCandidate(vertex: self.vertex(vertex.indexA, vertex.indexB), indexA: vertex.indexA, indexB: vertex.indexB))
            offeredWeights.append(vertex.weight)
        }
        let joined = corral.append(contentsOf: offered)
        dropped = joined.contains(false)
        let weights = offeredWeights.indices.filter { joined[$0] }.map { offeredWeights[$0] }
        let total = weights.reduce(0, +)
        guard corral.size > 0, total > 0, total.isFinite else {
            while corral.size > 0 { corral.remove(at: corral.size - 1) }
            return false
        }
        corral.weights = weights.map { $0 / total }
        return true
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
