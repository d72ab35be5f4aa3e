import Foundation

/// `summary.json` of a single run: what `probe` knew beyond the result files.
///
/// Every field is optional (older folders have no such file, and a field may be null);
/// unknown fields are ignored.
public struct RunSummary: Sendable {
    /// The writing tool and its version, e.g. `probe` and `0.1.0`.
    public var tool: String?
    /// The writing tool's version.
    public var version: String?
    /// `probing` or `prediction`.
    public var mode: String?
    /// When the run was made (as written, ISO 8601).
    public var created: String?
    /// The labels, in order.
    public var labels: [String]?
    /// The number of clusters at the end of probing.
    public var clusters: Int?
    /// The number of clusters left after dropping small ones.
    public var clustersAnalysed: Int?
    /// Whether the space was linearly separable.
    public var linear: Bool?
    /// The first overlapping state of the search (nil when linear).
    public var firstErrorState: Int?
    /// The summary measures, at full precision.
    public var measures: SummaryMeasures?
    /// Per label: its number of clusters and of training points.
    public var labelCounts: [String: (clusters: Int?, points: Int?)]
    /// Test-set accuracy (only with a test set).
    public var accuracy: Double?
    /// Wall times per phase, in a stable order (`total` last).
    public var timings: [(phase: String, seconds: Double)]
    /// The embeddings read: path, checksum, rows and dimension, where known.
    public var embeddings: EmbeddingsInput?
    /// The process's peak resident memory, in bytes.
    public var peakMemoryBytes: Int?

    /// The embeddings file a run read.
    public struct EmbeddingsInput: Sendable {
        /// The path as given to `probe`.
        public var path: String?
        /// The SHA-256 of the file, in hex.
        public var sha256: String?
        /// The number of rows (training points).
        public var rows: Int?
        /// The vector dimension.
        public var dimension: Int?
    }

    /// Reads and decodes `summary.json`; malformed JSON or a field of the wrong type names the file and field.
    public init(path: String) throws {
        let raw: RawRunSummary = try decodeJSONFile(path: path)
        tool = raw.tool
        version = raw.version
        mode = raw.mode
        created = raw.created
        labels = raw.labels
        clusters = raw.clusters
        clustersAnalysed = raw.clusters_analysed
        linear = raw.linear
        firstErrorState = raw.first_error_state
        if let s = raw.summary {
            measures = SummaryMeasures(
                globalMinDistance: s.global_min_dis, meanInsideMeanDistance: s.mean_inside_mean_dis,
                maxInsideMaxDistance: s.max_inside_max_dis, insideMaxOverOutsideMin: s.inside_max_over_outside_min,
                insideMeanOverOutsideMin: s.inside_mean_over_outside_min, source: .summaryFile)
        }
        var counts: [String: (clusters: Int?, points: Int?)] = [:]
        for entry in raw.per_label ?? [] {
            if let label = entry.label { counts[label] = (entry.clusters, entry.points) }
        }
        labelCounts = counts
        accuracy = raw.accuracy
        let phaseOrder = ["probing": 0, "analysis": 1, "prediction": 2, "total": 100]
        timings = (raw.timings_seconds ?? [:]).compactMap { key, value in value.map { (key, $0) } }
            .sorted { (phaseOrder[$0.phase] ?? 50, $0.phase) < (phaseOrder[$1.phase] ?? 50, $1.phase) }
        if let e = raw.inputs?.embeddings {
            embeddings = EmbeddingsInput(path: e.path, sha256: e.sha256, rows: e.rows, dimension: e.dimension)
        }
        peakMemoryBytes = raw.peak_memory_bytes
    }
}

/// `summary.json` of a batch folder.
public struct BatchSummary: Sendable {
    /// The iteration names, in order.
    public var iterations: [String]?
    /// The layer names, in order.
    public var layers: [String]?
    /// Per iteration, per layer: whether the fixed clusters were linearly separable.
    public var linear: [String: [String: Bool]]
    /// The number of fixed clusters used.
    public var clusters: Int?
    /// When the run was made (as written).
    public var created: String?

    /// Reads and decodes a batch `summary.json`.
    public init(path: String) throws {
        let raw: RawBatchSummary = try decodeJSONFile(path: path)
        iterations = raw.iterations
        layers = raw.layers
        linear = (raw.linear ?? [:]).mapValues { layers in layers.compactMapValues { $0 } }
        clusters = raw.clusters
        created = raw.created
    }
}

// The file formats, field for field; every field optional so that nulls and absences both decode.
private struct RawRunSummary: Decodable {
    struct Measures: Decodable {
        var global_min_dis, mean_inside_mean_dis, max_inside_max_dis: Double?
        var inside_max_over_outside_min, inside_mean_over_outside_min: Double?
    }
    struct PerLabel: Decodable {
        var label: String?
        var clusters, points: Int?
    }
    struct Inputs: Decodable {
        struct Embeddings: Decodable {
            var path, sha256: String?
            var rows, dimension: Int?
        }
        var embeddings: Embeddings?
    }
    var tool, version, mode, created: String?
    var labels: [String]?
    var clusters, clusters_analysed, first_error_state: Int?
    var linear: Bool?
    var summary: Measures?
    var per_label: [PerLabel]?
    var accuracy: Double?
    var timings_seconds: [String: Double?]?
    var inputs: Inputs?
    var peak_memory_bytes: Int?
}

private struct RawBatchSummary: Decodable {
    var iterations, layers: [String]?
    var linear: [String: [String: Bool?]]?
    var clusters: Int?
    var created: String?
}

/// Decodes a JSON file, turning decoding failures into a `ReportInputError` naming the file and the field.
func decodeJSONFile<T: Decodable>(path: String) throws -> T {
    guard let data = FileManager.default.contents(atPath: path) else {
        throw ReportInputError(file: path, message: "cannot read the file")
    }
    do {
        return try JSONDecoder().decode(T.self, from: data)
    } catch let error as DecodingError {
        throw ReportInputError(file: path, line: jsonErrorLine(error), message: describe(error))
    }
}

private func fieldPath(_ codingPath: [any CodingKey]) -> String {
    // Array positions print as "[n]"; object keys (even numeric ones such as iteration names) as ".key".
    let path = codingPath.map { key in
        if let index = key.intValue, key.stringValue.hasPrefix("Index ") { return "[\(index)]" }
        return "." + key.stringValue
    }.joined()
    return path.isEmpty ? "(top level)" : String(path.drop { $0 == "." })
}

private func describe(_ error: DecodingError) -> String {
    switch error {
    case .typeMismatch(let type, let context):
        return "field \(fieldPath(context.codingPath)): expected \(type)"
    case .valueNotFound(let type, let context):
        return "field \(fieldPath(context.codingPath)): missing \(type)"
    case .keyNotFound(let key, let context):
        return "field \(fieldPath(context.codingPath + [key])): missing"
    case .dataCorrupted(let context):
        let underlying = context.underlyingError.map { " (\($0))" } ?? ""
        if context.codingPath.isEmpty { return "malformed JSON: \(context.debugDescription)\(underlying)" }
        return "field \(fieldPath(context.codingPath)): \(context.debugDescription)"
    @unknown default:
        return "malformed JSON: \(error)"
    }
}

/// The line a JSON syntax error reports in its text ("… line N …"), when it names one.
private func jsonErrorLine(_ error: DecodingError) -> Int? {
    guard case .dataCorrupted(let context) = error else { return nil }
    let text = context.debugDescription + " " + (context.underlyingError.map { "\($0)" } ?? "")
    guard let range = text.range(of: "line ") else { return nil }
    return Int(text[range.upperBound...].prefix { $0.isNumber })
}
