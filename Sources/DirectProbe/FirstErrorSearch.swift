import Foundation

/// Finds the first overlapping state of a merge history (DirectProbe's step 4).
///
/// The reference searches with a coarse backward stride and a binary search. Both find the
/// first overlapping state, because overlap is monotone in the state: every cluster of state
/// k is a subset of a cluster of state k' > k with the same label, hull distances can only
/// shrink on supersets, and the overlap tolerance (a multiple of the largest point norm) can
/// only grow. So if state k' has no overlap, no earlier state has, and the answer does not
/// depend on which states are tested — only the cost does.
///
/// This search uses the witnesses. An overlapping pair (P, Q) of dendrogram nodes found in a
/// state also overlaps in the first state where both exist, max(birth P, birth Q); and if a
/// child of the later-born node still overlaps the other node, the pair exists (and
/// overlaps) earlier still. So every overlapping test lowers the upper bound to the witness's
/// birth (after a few descent steps, a solve or two each). The states tested step down from
/// the upper bound by the reference's stride (tests of overlapping states are the cheaper
/// ones: pairs are tried deepest first and the first overlap ends the test, while a state
/// without overlap needs every pair, and states far below the answer hold the most
/// clusters); the first state without overlap bounds the answer from below, and a binary
/// search between the bounds ends it. Verdicts are cached by node pair, so no pair is
/// solved twice.
struct FirstErrorSearch {
    let history: MergeHistory
    let checker: OverlapChecker
    let log: RunLog
    let prober: Prober

    /// Whether overlapping pairs lower the upper bound (off: the reference's search as such).
    var usesWitnesses = true

    /// Descent steps per witness (each may solve a pair of large clusters).
    static let descentSteps = 8

    /// The first overlapping state, given an overlapping pair of the end state.
    func run(endWitness: (Cluster, Cluster), rate: Double) throws -> Int {
        let m = history.merges.count
        var low = 0, high = m
        var witness: (Cluster, Cluster)? = endWitness
        let stride = Int(Double(m) * rate) + 1
        var bisecting = false
        // Candidate pairs from one tested state to the next (the same pairs as found anew).
        var sphereFilter = IncrementalSphereFilter()
        while low < high {
            if usesWitnesses, let found = witness {
                let lowered = try descend(found)
                high = min(high, birth(lowered))
                log.info("State \(high) overlaps (clusters of \(lowered.0.count) and \(lowered.1.count) points)")
                guard low < high else { break }
            }
            let state = bisecting ? (low + high) / 2 : max(low, high - stride)
            log.info("Test for state \(state)")
            // A state's clusters are merge-history nodes: a child's stored hyperplane (from an
            // earlier test of a lower state) is re-checked on the other child before a solve.
            let history = self.history
            let clusters = try prober.clusters(of: history, state: state)
            witness = try checker.firstOverlap(in: clusters, candidates: sphereFilter.candidatePairs(clusters, threads: prober.options.threads),
                                               parts: { history.children(of: $0.node) }, members: { history.members(of: $0) })
            if witness != nil {
                high = state
            } else {
                low = state + 1
                bisecting = true
            }
        }
        return high
    }

    /// The first state in which both clusters of the pair exist.
    private func birth(_ pair: (Cluster, Cluster)) -> Int {
        max(history.birthState(of: pair.0.node), history.birthState(of: pair.1.node))
    }

    /// Replaces the later-born cluster of an overlapping pair by one of its children while
    /// the child still overlaps the other cluster.
    private func descend(_ pair: (Cluster, Cluster)) throws -> (Cluster, Cluster) {
        var (later, other) = history.birthState(of: pair.0.node) >= history.birthState(of: pair.1.node) ? pair : (pair.1, pair.0)
        var steps = 0
        while steps < Self.descentSteps, let (left, right) = history.children(of: later.node) {
            steps += 1
            // The earlier-born child first: it gives the earlier state if it overlaps.
            let children = [left, right].sorted { history.birthState(of: $0) < history.birthState(of: $1) }
            var next: Cluster? = nil
            for child in children {
                let candidate = try prober.geometry.summary(node: child, label: later.label, members: history.members(of: child))
                if spheresIntersect(candidate, other), try checker.overlapsAny(candidate, candidates: [other]) {
                    next = candidate
                    break
                }
            }
            guard let next else { break }
            (later, other) = history.birthState(of: next.node) >= history.birthState(of: other.node) ? (next, other) : (other, next)
        }
        return (later, other)
    }
}
