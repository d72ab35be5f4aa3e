/// `summary.json` of one run (modes `probing` and `prediction`): what `probe` knew beyond the result files.
///
/// `probe` writes every field it knows; a reader accepts a file with any of them absent or
/// null (older folders, partial runs), and ignores unknown fields.
public struct RunSummary: ResultDocument, Sendable, Equatable {
    /// The writing tool, `probe`.
    public var tool: String?
    /// The writing tool's version, e.g. `0.1.0`.
    public var version: String?
    /// `probing` or `prediction`.
    public var mode: ProbeMode?
    /// When the run was made (ISO 8601, UTC).
    public var created: String?
    /// The config's `run.comments`.
    public var comments: String?
    /// The input files, with their content checksums.
    public var inputs: Inputs?
    /// The labels, in sorted order (the order of the result files).
    public var labels: [String]?
    /// The number of clusters at the end of probing (or in the given clusters file).
    public var clusters: Int?
    /// The number of clusters of more than 5 points (the analysed ones).
    public var clustersAnalysed: Int?
    /// Whether the space is linearly separable (mode `probing`).
    public var linear: Bool?
    /// The first overlapping state of the search (nil when linear, or not probed).
    public var firstErrorState: Int?
    /// The number of merges of the merge history.
    public var merges: Int?
    /// The log's summary numbers, at full precision.
    public var measures: Measures?
    /// The per-label values of the analysis, in label order.
    public var perLabel: [LabelValues]?
    /// Every label pair's mean hull distance, pairs A < B in label order.
    public var labelPairs: [LabelPairDistance]?
    /// Test-set accuracy (with a test set only).
    public var accuracy: Double?
    /// Wall time per phase, in seconds (`total` for the whole run).
    public var timingsSeconds: [String: Double]?
    /// The process's peak resident memory, in bytes.
    public var peakMemoryBytes: Int?
    /// Worker threads used.
    public var threads: Int?
    /// Training points set aside as singleton clusters (coincident with a point of another label).
    public var setAside: [SetAsidePoint]?
    /// Test points with the same vector as a training point of another label (with a test set).
    public var testCoincident: Int?
    /// Clusters of a given `clusters.txt` that mix labels (each labelled by its majority); nil when none.
    public var mixedLabelClusters: [MixedLabelCluster]?

    /// An empty summary; the writer fills the fields it knows.
    public init() {}

    enum CodingKeys: String, CodingKey {
        case tool, version, mode, created, comments, inputs, labels, clusters
        case clustersAnalysed = "clusters_analysed"
        case linear
        case firstErrorState = "first_error_state"
        case merges
        case measures = "summary"
        case perLabel = "per_label"
        case labelPairs = "label_pairs"
        case accuracy
        case timingsSeconds = "timings_seconds"
        case peakMemoryBytes = "peak_memory_bytes"
        case threads
        case setAside = "set_aside"
        case testCoincident = "test_coincident"
        case mixedLabelClusters = "mixed_label_clusters"
    }
}

extension RunSummary {
    /// One input file: its path as configured and the checksum of its content.
    public struct Input: Codable, Sendable, Equatable {
        /// The path as configured (a `.txt` file, or `store.h5:<key>`).
        public var path: String
        /// The content checksum of the file (of the whole store for `store.h5:<key>`), `crc32:<hex>/bytes:<n>`.
        public var checksum: String?
        /// The number of rows (points), where known.
        public var rows: Int?
        /// The vector dimension, where known.
        public var dimension: Int?

        /// Creates an input record.
        public init(path: String, checksum: String? = nil, rows: Int? = nil, dimension: Int? = nil) {
            (self.path, self.checksum, self.rows, self.dimension) = (path, checksum, rows, dimension)
        }
    }

    /// The inputs of a run, by role.
    public struct Inputs: Codable, Sendable, Equatable {
        /// `data.label_set_path`.
        public var labels: Input?
        /// `data.entities_path`.
        public var entities: Input?
        /// `data.embeddings_path`.
        public var embeddings: Input?
        /// `data.test_entities_path`.
        public var testEntities: Input?
        /// `data.test_embeddings_path`.
        public var testEmbeddings: Input?
        /// `clustering.probing_cluster_path` (mode `prediction`).
        public var clusters: Input?

        /// No inputs recorded.
        public init() {}

        enum CodingKeys: String, CodingKey {
            case labels, entities, embeddings
            case testEntities = "test_entities"
            case testEmbeddings = "test_embeddings"
            case clusters
        }
    }

    /// The log's five summary numbers (nil where undefined, e.g. no positive value).
    public struct Measures: Codable, Sendable, Equatable {
        /// `global min dis`: the smallest label-pair distance.
        public var globalMinDistance: Double?
        /// `mean_inside_mean_dis`.
        public var meanInsideMeanDistance: Double?
        /// `max inside max dis`.
        public var maxInsideMaxDistance: Double?
        /// `Inside max / outside min`.
        public var insideMaxOverOutsideMin: Double?
        /// `Inside mean / outside min`.
        public var insideMeanOverOutsideMin: Double?

        /// Creates the measures.
        public init(globalMinDistance: Double? = nil, meanInsideMeanDistance: Double? = nil, maxInsideMaxDistance: Double? = nil,
                    insideMaxOverOutsideMin: Double? = nil, insideMeanOverOutsideMin: Double? = nil) {
            self.globalMinDistance = globalMinDistance
            self.meanInsideMeanDistance = meanInsideMeanDistance
            self.maxInsideMaxDistance = maxInsideMaxDistance
            self.insideMaxOverOutsideMin = insideMaxOverOutsideMin
            self.insideMeanOverOutsideMin = insideMeanOverOutsideMin
        }

        enum CodingKeys: String, CodingKey {
            case globalMinDistance = "global_min_dis"
            case meanInsideMeanDistance = "mean_inside_mean_dis"
            case maxInsideMaxDistance = "max_inside_max_dis"
            case insideMaxOverOutsideMin = "inside_max_over_outside_min"
            case insideMeanOverOutsideMin = "inside_mean_over_outside_min"
        }
    }

    /// One label's values of the analysis.
    public struct LabelValues: Codable, Sendable, Equatable {
        /// The label.
        public var label: String
        /// `outside_min.txt`'s value.
        public var outsideMin: Double?
        /// `inside_mean.txt`'s value.
        public var insideMean: Double?
        /// `inside_max.txt`'s value.
        public var insideMax: Double?
        /// The label's analysed clusters.
        public var clusters: Int?
        /// The training points in those clusters.
        public var points: Int?

        /// Creates a label's values.
        public init(label: String, outsideMin: Double?, insideMean: Double?, insideMax: Double?, clusters: Int?, points: Int?) {
            self.label = label
            self.outsideMin = outsideMin
            self.insideMean = insideMean
            self.insideMax = insideMax
            self.clusters = clusters
            self.points = points
        }

        enum CodingKeys: String, CodingKey {
            case label
            case outsideMin = "outside_min"
            case insideMean = "inside_mean"
            case insideMax = "inside_max"
            case clusters, points
        }
    }

    /// One label pair's mean hull distance (`vec.txt`).
    public struct LabelPairDistance: Codable, Sendable, Equatable {
        /// The first label (A < B).
        public var a: String
        /// The second label.
        public var b: String
        /// The mean hull distance over their cluster pairs (0 if none).
        public var distance: Double

        /// Creates a pair's distance.
        public init(a: String, b: String, distance: Double) {
            (self.a, self.b, self.distance) = (a, b, distance)
        }
    }
}

/// A training point set aside as a singleton: it coincides with a point of another label.
public struct SetAsidePoint: Codable, Sendable, Equatable {
    /// The 1-based line of the training entities file.
    public var line: Int
    /// The entity text of that line.
    public var entity: String
    /// Its label.
    public var label: String
    /// Its group of coincident points, 1-based in order of the group's first line.
    public var group: Int

    /// Creates a set-aside record.
    public init(line: Int, entity: String, label: String, group: Int) {
        (self.line, self.entity, self.label, self.group) = (line, entity, label, group)
    }
}

/// A cluster of a given `clusters.txt` whose members carry more than one label.
public struct MixedLabelCluster: Codable, Sendable, Equatable {
    /// The cluster's number in `clusters.txt`.
    public var cluster: Int
    /// The majority label it is given.
    public var label: String
    /// Members per label, by label name.
    public var counts: [String: Int]

    /// Creates a record.
    public init(cluster: Int, label: String, counts: [String: Int]) {
        (self.cluster, self.label, self.counts) = (cluster, label, counts)
    }
}
