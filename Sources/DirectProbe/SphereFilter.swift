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

/// Two closed bounding spheres intersect: `r1 + r2 ≥ |c1 − c2|`.
///
/// The reference tests `>` (open balls), which lets two identical points of different
/// labels (radius 0, distance 0) pass as separable; `≥` keeps every pair whose hulls can
/// touch.
func spheresIntersect(_ a: Cluster, _ b: Cluster) -> Bool {
    let d = a.centroid.withUnsafeBufferPointer { x in
        b.centroid.withUnsafeBufferPointer { y in
            exactSquaredDistance(x.baseAddress!, y.baseAddress!, dimension: x.count).squareRoot()
        }
    }
    return a.radius + b.radius >= d
}

/// Finds the pairs of clusters of different labels whose closed bounding spheres intersect
/// (the reference's pre-filter before any solve), through the one tiled kernel.
enum SphereFilter {
    /// Candidate pairs (i < j), in ascending order; exactly the pairs of different labels
    /// for which `spheresIntersect` holds.
    static func candidatePairs(_ clusters: [Cluster], threads: Int) -> [(Int, Int)] {
        guard let d = clusters.first?.centroid.count else { return [] }
        return closePairs(clusters.map(\.centroid), dimension: d, threads: threads) { i, j in
            clusters[i].label != clusters[j].label ? clusters[i].radius + clusters[j].radius : nil
        }
    }
}
