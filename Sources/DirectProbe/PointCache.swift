import ProbeGeometry

/// Gathered cluster points (with their summaries), kept by node id (an immutable point set)
/// within a byte budget (a `GenerationalCache`). Thread-safe.
struct PointCache: Sendable {
    private let geometry: ClusterGeometry
    private let entries: GenerationalCache<Int, PointMatrix>

    init(geometry: ClusterGeometry, capacityBytes: Int) {
        self.geometry = geometry
        entries = GenerationalCache(capacityBytes: capacityBytes) { $0.values.count * MemoryLayout<Float>.size }
    }

    /// The cluster's points, from the cache or gathered from the store.
    func points(_ cluster: Cluster) throws -> PointMatrix {
        if let found = entries.value(cluster.node) { return found }
        let gathered = try geometry.pointMatrix(cluster.members).summarized()
        entries.store(cluster.node, gathered)
        return gathered
    }
}
