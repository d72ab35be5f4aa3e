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
/// state also overlaps in the first state where both exist, max(birth P, birth Q), so every
/// overlapping test lowers the upper bound to the witness's birth. (It could descend further:
/// where a child of the later-born node still overlaps the other node, the pair overlaps
/// earlier still. Up to eight such steps per witness took half of the search's time on the
/// full supersense task, solving children of thousands of points, and moved the bound by at
/// most 50 states of a 1 769-state stride: layer 6 searched in 14.6 s without them against
/// 26.5 s, layer 0 in 9.9 s against 21.9 s, to the same state.) The states tested step down from
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
                high = min(high, birth(found))
                log.info("State \(high) overlaps (clusters of \(found.0.count) and \(found.1.count) points)")
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
}
