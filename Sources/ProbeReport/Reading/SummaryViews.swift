import Foundation
import ResultSchema

extension RunSummary {
    /// Reads and decodes a run's `summary.json`; malformed JSON or a field of the wrong type names the file and field.
    public init(path: String) throws {
        self = try decodeJSONFile(path: path)
    }

    /// The summary numbers as the report shows them (source: `summary.json`), when recorded.
    public var reportMeasures: SummaryMeasures? {
        measures.map {
            SummaryMeasures(globalMinDistance: $0.globalMinDistance, meanInsideMeanDistance: $0.meanInsideMeanDistance,
                            maxInsideMaxDistance: $0.maxInsideMaxDistance, insideMaxOverOutsideMin: $0.insideMaxOverOutsideMin,
                            insideMeanOverOutsideMin: $0.insideMeanOverOutsideMin, source: .summaryFile)
        }
    }

    /// Per label: its number of analysed clusters and of training points.
    public var labelCounts: [String: (clusters: Int?, points: Int?)] {
        var counts: [String: (clusters: Int?, points: Int?)] = [:]
        for entry in perLabel ?? [] { counts[entry.label] = (entry.clusters, entry.points) }
        return counts
    }

    /// Wall times per phase in a stable order: probing, analysis, prediction, the others by name, `total` last.
    public var timings: [(phase: String, seconds: Double)] {
        let phaseOrder = ["probing": 0, "analysis": 1, "prediction": 2, "total": 100]
        return (timingsSeconds ?? [:]).map { (phase: $0.key, seconds: $0.value) }
            .sorted { (phaseOrder[$0.phase] ?? 50, $0.phase) < (phaseOrder[$1.phase] ?? 50, $1.phase) }
    }
}

extension BatchSummary {
    /// Reads and decodes a batch `summary.json`; malformed JSON or a field of the wrong type names the file and field.
    public init(path: String) throws {
        self = try decodeJSONFile(path: path)
    }
}
