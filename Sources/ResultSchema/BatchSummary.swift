/// `summary.json` of a batch run (mode `batch_probing`): iterations, layers and linearity per layer.
///
/// Every field is optional on reading (older folders), and `probe` writes all it knows.
public struct BatchSummary: ResultDocument, Sendable, Equatable {
    /// The writing tool, `probe`.
    public var tool: String?
    /// `batch_probing`.
    public var mode: ProbeMode?
    /// The writing tool's version.
    public var version: String?
    /// When the run was made (ISO 8601, UTC).
    public var created: String?
    /// The iteration names, in natural order.
    public var iterations: [String]?
    /// The layer names of the first iteration, in natural order.
    public var layers: [String]?
    /// The layer names of every iteration.
    public var layersByIteration: [String: [String]]?
    /// Per iteration, per layer: whether the fixed clusters are linearly separable there.
    public var linear: [String: [String: Bool]]?
    /// Per iteration, per layer: the numbers (in `clusters.txt`) of the fixed clusters that hold coincident
    /// points of different labels there (so the layer overlaps); nil when not checked.
    public var coincidentOverlap: [String: [String: [Int]]]?
    /// The number of fixed clusters.
    public var clusters: Int?
    /// The labels, in sorted order.
    public var labels: [String]?
    /// Layers computed by this run.
    public var computedLayers: Int?
    /// Layers taken from `.batch-cache/`.
    public var reusedLayers: Int?
    /// Wall time per phase, in seconds.
    public var timingsSeconds: [String: Double]?
    /// The process's peak resident memory, in bytes.
    public var peakMemoryBytes: Int?
    /// Worker threads used.
    public var threads: Int?
    /// Clusters of `probing_cluster_path` that mix labels (each labelled by its majority); nil when none.
    public var mixedLabelClusters: [MixedLabelCluster]?

    /// An empty summary; the writer fills the fields it knows.
    public init() {}

    enum CodingKeys: String, CodingKey {
        case tool, mode, version, created, iterations, layers
        case layersByIteration = "layers_by_iteration"
        case linear
        case coincidentOverlap = "coincident_overlap"
        case clusters, labels
        case computedLayers = "computed_layers"
        case reusedLayers = "reused_layers"
        case timingsSeconds = "timings_seconds"
        case peakMemoryBytes = "peak_memory_bytes"
        case threads
        case mixedLabelClusters = "mixed_label_clusters"
    }
}
