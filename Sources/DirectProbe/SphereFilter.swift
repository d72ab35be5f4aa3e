import ProbeKernels

/// The gap between two bounding spheres, `|c1 − c2| − r1 − r2` (negative when they overlap).
func sphereGap(_ a: Cluster, _ b: Cluster) -> Double {
    let distance = a.centroid.withUnsafeBufferPointer { x in
        b.centroid.withUnsafeBufferPointer { y in
            exactSquaredDistance(x.baseAddress!, y.baseAddress!, dimension: x.count).squareRoot()
        }
    }
    return distance - a.radius - b.radius
}

/// Finds the pairs of clusters of different labels whose closed bounding spheres intersect,
/// `r1 + r2 ≥ |c1 − c2|` (the reference's pre-filter before any solve), through the one tiled
/// kernel.
///
/// The reference tests `>` (open balls), which lets two identical points of different
/// labels (radius 0, distance 0) pass as separable; `≥` keeps every pair whose hulls can
/// touch.
enum SphereFilter {
    /// Candidate pairs (i < j), in ascending order; exactly the pairs of different labels
    /// whose closed spheres intersect (with `involving`, only those with one of these
    /// positions, ascending).
    static func candidatePairs(_ clusters: [Cluster], threads: Int, involving: [Int]? = nil) -> [(Int, Int)] {
        guard let d = clusters.first?.centroid.count else { return [] }
        return closePairs(clusters.map(\.centroid), dimension: d, threads: threads, involving: involving) { i, j in
            clusters[i].label != clusters[j].label ? clusters[i].radius + clusters[j].radius : nil
        }
    }
}

/// The candidate pairs of successive states of one merge history, each state's found from
/// the last one's.
///
/// Whether two clusters' spheres meet depends only on the two clusters, so a pair of
/// clusters that both took part in the last state is a candidate now exactly when it was
/// then; only the pairs with a cluster new since then are looked for, against all clusters.
/// The first error search tests states a few hundred to a few thousand merges apart, with
/// ~24 000 clusters each on a real layer: all its pairs cost ~2 s per state (layer 6 of the
/// full supersense task), the new ones a fraction of that.
struct IncrementalSphereFilter {
    /// The nodes of the last state's clusters.
    private var lastNodes: Set<Int> = []
    /// The last state's candidate pairs, by node.
    private var lastPairs: [NodePair] = []
    private var hasLast = false

    /// The candidate pairs of `clusters` (i < j, ascending), as ``SphereFilter/candidatePairs(_:threads:)``
    /// gives them.
    mutating func candidatePairs(_ clusters: [Cluster], threads: Int) -> [(Int, Int)] {
        let fresh = hasLast ? clusters.indices.filter { !lastNodes.contains(clusters[$0].node) } : Array(clusters.indices)
        var pairs: [(Int, Int)]
        // With half of the clusters new, a new search of all pairs costs about the same.
        if fresh.count * 2 >= clusters.count {
            pairs = SphereFilter.candidatePairs(clusters, threads: threads)
        } else {
            var position: [Int: Int] = [:]
            position.reserveCapacity(clusters.count)
            for (index, cluster) in clusters.enumerated() { position[cluster.node] = index }
            pairs = lastPairs.compactMap { pair in
                guard let i = position[pair.first], let j = position[pair.second] else { return nil }
                return (min(i, j), max(i, j))
            }
            if !fresh.isEmpty { pairs += SphereFilter.candidatePairs(clusters, threads: threads, involving: fresh) }
            pairs.sort { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
        }
        lastNodes = Set(clusters.map(\.node))
        lastPairs = pairs.map { NodePair(clusters[$0.0].node, clusters[$0.1].node) }
        hasLast = true
        return pairs
    }
}
