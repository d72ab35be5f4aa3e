/// `summary.json` of a sweep folder (`probe sweep`): one entry per (iteration, layer) space.
///
/// Each space's own `summary.json` (a ``RunSummary``) lies in `<iteration>/<layer>/`; this file
/// gathers the numbers of `sweep.csv` at full precision and names the spaces still missing.
public struct SweepSummary: ResultDocument, Sendable, Equatable {
    /// The writing tool, `probe`.
    public var tool: String?
    /// `sweep`.
    public var mode: ProbeMode?
    /// The writing tool's version.
    public var version: String?
    /// When the sweep was assembled (ISO 8601, UTC).
    public var created: String?
    /// The iteration names, in natural order.
    public var iterations: [String]?
    /// The layer names of every iteration, in natural order.
    public var layersByIteration: [String: [String]]?
    /// The labels, in sorted order.
    public var labels: [String]?
    /// The finished spaces, in sweep order (iteration, then layer).
    public var spaces: [SweepSpaceSummary]?
    /// The spaces without a finished result folder, as `<iteration>/<layer>`.
    public var missing: [String]?
    /// Spaces probed by the run that assembled this file.
    public var computedSpaces: Int?
    /// Spaces whose finished folders were reused.
    public var reusedSpaces: Int?

    /// An empty summary; the writer fills the fields it knows.
    public init() {}

    enum CodingKeys: String, CodingKey {
        case tool, mode, version, created, iterations
        case layersByIteration = "layers_by_iteration"
        case labels, spaces, missing
        case computedSpaces = "computed_spaces"
        case reusedSpaces = "reused_spaces"
    }
}

/// One finished space of a sweep: the columns of its `sweep.csv` row, at full precision.
public struct SweepSpaceSummary: Codable, Sendable, Equatable {
    /// The iteration (checkpoint) name.
    public var iteration: String
    /// The layer name.
    public var layer: String
    /// The result folder, relative to the sweep folder (`<iteration>/<layer>`).
    public var folder: String
    /// Training points.
    public var points: Int?
    /// The vector dimension.
    public var dimension: Int?
    /// Clusters at the end of probing.
    public var clusters: Int?
    /// Whether the space is linearly separable.
    public var linear: Bool?
    /// The first overlapping state (nil when linear).
    public var firstErrorState: Int?
    /// Points set aside as singletons (0 when none).
    public var setAside: Int?
    /// The summary numbers of the analysis.
    public var measures: RunSummary.Measures?
    /// Test-set accuracy (with a test set only).
    public var accuracy: Double?
    /// Wall time of the space's run, in seconds.
    public var seconds: Double?
    /// Peak resident memory of the process that probed the space, in bytes.
    public var peakMemoryBytes: Int?
    /// Per label: its smallest label-pair distance (`outside_min`), in label order.
    public var outsideMin: [String: Double]?

    /// Creates an entry for a space.
    public init(iteration: String, layer: String, folder: String) {
        (self.iteration, self.layer, self.folder) = (iteration, layer, folder)
    }

    enum CodingKeys: String, CodingKey {
        case iteration, layer, folder, points, dimension, clusters, linear
        case firstErrorState = "first_error_state"
        case setAside = "set_aside"
        case measures = "summary"
        case accuracy, seconds
        case peakMemoryBytes = "peak_memory_bytes"
        case outsideMin = "outside_min"
    }
}

/// The record that marks a finished sweep space: `<iteration>/<layer>/.sweep-space.json`.
///
/// `key` identifies the space's inputs by content (CRC-32 checksums, as the batch cache does);
/// a folder whose key differs from the current inputs' is stale and is probed again.
public struct SweepSpaceRecord: ResultDocument, Sendable, Equatable {
    /// The inputs' identity.
    public var key: String
    /// The iteration name.
    public var iteration: String
    /// The layer name.
    public var layer: String

    /// Creates a record.
    public init(key: String, iteration: String, layer: String) {
        (self.key, self.iteration, self.layer) = (key, iteration, layer)
    }
}
