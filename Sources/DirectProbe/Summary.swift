import Foundation
import ProbeStore

/// The machine-readable summary of a run, written as `summary.json` next to `log.txt`.
public struct RunSummary: Codable, Sendable {
    /// One input file and its content checksum.
    public struct Input: Codable, Sendable {
        public var path: String
        public var checksum: String?
        public var rows: Int?
        public var dimension: Int?
    }
    /// The per-label values of the analysis.
    public struct LabelValues: Codable, Sendable {
        public var label: String
        public var outside_min: Double
        public var inside_mean: Double
        public var inside_max: Double
        public var clusters: Int
        public var points: Int
    }
    /// One label pair's mean hull distance.
    public struct LabelPair: Codable, Sendable {
        public var a: String
        public var b: String
        public var distance: Double
    }
    /// A training point set aside before probing (coincident with a point of another label).
    public struct SetAsideEntry: Codable, Sendable, Equatable {
        /// 1-based line of the training entities file.
        public var line: Int
        public var entity: String
        public var label: String
        /// The coincident group, 1-based in order of its first line.
        public var group: Int
    }
    /// The log's summary lines (nil where undefined, e.g. no positive value).
    public struct Totals: Codable, Sendable {
        public var global_min_dis: Double?
        public var mean_inside_mean_dis: Double?
        public var max_inside_max_dis: Double?
        public var inside_max_over_outside_min: Double?
        public var inside_mean_over_outside_min: Double?
    }

    public var tool = "probe"
    public var version = ProbeVersion.string
    public var mode: String
    public var created: String
    public var comments: String?
    public var inputs: [String: Input] = [:]
    public var labels: [String]
    public var clusters: Int
    public var clusters_analysed: Int
    public var linear: Bool?
    public var first_error_state: Int?
    public var merges: Int?
    public var summary: Totals
    public var per_label: [LabelValues]
    public var label_pairs: [LabelPair]
    public var accuracy: Double?
    public var timings_seconds: [String: Double]
    public var peak_memory_bytes: Int?
    public var threads: Int
    /// Training points set aside as singleton clusters (empty when none).
    public var set_aside: [SetAsideEntry] = []
    /// Test points with the same vector as a training point of another label (with a test set).
    public var test_coincident: Int? = nil
    /// Clusters of a given clusters.txt that mix labels (labelled by their majority); nil when none.
    public var mixed_label_clusters: [MixedLabelCluster]? = nil

    /// Encodes with sorted keys and pretty printing (stable, diff-friendly).
    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return String(decoding: try encoder.encode(self), as: UTF8.self) + "\n"
    }

    /// Fills the per-label and pair values from an analysis.
    mutating func record(_ analysis: Analysis) {
        let labels = analysis.labels
        per_label = labels.indices.map { index in
            let mine = analysis.clusters.filter { $0.label == index }
            return LabelValues(label: labels[index], outside_min: analysis.outsideMin[index], inside_mean: analysis.insideMean[index],
                               inside_max: analysis.insideMax[index], clusters: mine.count, points: mine.reduce(0) { $0 + $1.count })
        }
        label_pairs = zip(analysis.labelPairs, analysis.labelPairDistances).map { LabelPair(a: labels[$0.0], b: labels[$0.1], distance: $1) }
        summary = Totals(global_min_dis: analysis.globalMinimum, mean_inside_mean_dis: analysis.meanInsideMean,
                         max_inside_max_dis: analysis.maxInsideMax, inside_max_over_outside_min: analysis.insideMaxOverOutsideMin,
                         inside_mean_over_outside_min: analysis.insideMeanOverOutsideMin)
    }
}

/// The process's peak resident memory in bytes, if the platform reports it.
public func peakResidentMemory() -> Int? {
    var usage = rusage()
    #if os(Linux)
    guard getrusage(RUSAGE_SELF.rawValue, &usage) == 0 else { return nil }
    return Int(usage.ru_maxrss) * 1024
    #else
    guard getrusage(RUSAGE_SELF, &usage) == 0 else { return nil }
    return Int(usage.ru_maxrss)
    #endif
}

/// Now in ISO 8601 (UTC).
func isoNow() -> String {
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime]
    return formatter.string(from: Date())
}
