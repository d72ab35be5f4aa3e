import Testing
import TestSupport
@testable import DirectProbe

/// The first error search's incremental sphere filter against the filter run anew.
@Suite("Incremental sphere filter")
struct SphereFilterTests {
    @Test("each state's candidate pairs are those found anew, through small and large changes, in any cluster order")
    func matchesAFreshFilter() {
        var rng = SeededGenerator(seed: 13)
        let d = 12
        // A pool of clusters (nodes 0..<1 200); each state takes some of them.
        let pool = (0..<1_200).map { node in
            Cluster(node: node, label: node % 5, members: [Int32(node)], centroid: (0..<d).map { _ in Float(rng.gaussian()) },
                    radius: Double.random(in: 0..<2.5, using: &rng))
        }
        var current = Set((0..<600).map { $0 * 2 })
        var filter = IncrementalSphereFilter()
        // Small changes (a search's nearby states), then one that replaces most clusters.
        for (step, changed) in [0, 5, 40, 120, 1, 500, 30].enumerated() {
            for _ in 0..<changed {
                current.remove(current.randomElement(using: &rng) ?? 0)
                current.insert(Int.random(in: 0..<pool.count, using: &rng))
            }
            // The order of a state's clusters is their own (first member, in a real state).
            var nodes = current.sorted()
            if step % 2 == 1 { nodes.reverse() }
            let clusters = nodes.map { pool[$0] }
            let found = filter.candidatePairs(clusters, threads: 2).map { [$0.0, $0.1] }
            let expected = SphereFilter.candidatePairs(clusters, threads: 1).map { [$0.0, $0.1] }
            #expect(found == expected, "state \(step)")
            #expect(!expected.isEmpty)
        }
    }
}
