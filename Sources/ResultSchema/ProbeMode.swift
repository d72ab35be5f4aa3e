/// The job a result folder holds, as `summary.json` records it in `mode`.
public enum ProbeMode: String, Codable, Sendable, CaseIterable {
    /// Clustering, then the analysis of the clusters.
    case probing
    /// The analysis of given clusters (`probing_cluster_path`).
    case prediction
    /// Fixed clusters measured in every layer of every iteration.
    case batchProbing = "batch_probing"
    /// Every (iteration, layer) space probed on its own (`probe sweep`).
    case sweep
}
