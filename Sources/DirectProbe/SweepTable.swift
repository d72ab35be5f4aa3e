import Foundation
import ResultSchema

/// `sweep.csv` and the sweep summary's entries: one row per finished space, from its `summary.json`.
public enum SweepTable {
    /// The header of `sweep.csv`.
    public static let header = "iteration,layer,points,clusters,linear,first_error_state,set_aside,global_min_dis,mean_inside_mean_dis,"
        + "max_inside_max_dis,inside_max_over_outside_min,inside_mean_over_outside_min,accuracy,seconds,peak_memory"

    /// `sweep.csv`: the header and one row per finished space.
    static func csv(_ entries: [SweepSpaceSummary]) -> String {
        func number(_ value: Double?) -> String { value.map(ResultWriter.format) ?? "" }
        func integer(_ value: Int?) -> String { value.map(String.init) ?? "" }
        var text = header + "\n"
        for entry in entries {
            let fields: [String] = [
                entry.iteration, entry.layer, integer(entry.points), integer(entry.clusters),
                entry.linear.map { $0 ? "true" : "false" } ?? "", integer(entry.firstErrorState), integer(entry.setAside ?? 0),
                number(entry.measures?.globalMinDistance), number(entry.measures?.meanInsideMeanDistance),
                number(entry.measures?.maxInsideMaxDistance), number(entry.measures?.insideMaxOverOutsideMin),
                number(entry.measures?.insideMeanOverOutsideMin), number(entry.accuracy),
                entry.seconds.map { String(format: "%.3f", $0) } ?? "", integer(entry.peakMemoryBytes),
            ]
            text += fields.map(csvField).joined(separator: ",") + "\n"
        }
        return text
    }

    /// The summary entry of a finished space, from its `summary.json`.
    static func entry(_ space: SweepSpace, _ run: RunSummary) -> SweepSpaceSummary {
        var entry = SweepSpaceSummary(iteration: space.iteration, layer: space.layer, folder: space.folder)
        entry.points = run.inputs?.embeddings?.rows
        entry.dimension = run.inputs?.embeddings?.dimension
        entry.clusters = run.clusters
        entry.linear = run.linear
        entry.firstErrorState = run.firstErrorState
        entry.setAside = run.setAside?.count ?? 0
        entry.measures = run.measures
        entry.accuracy = run.accuracy
        entry.seconds = run.timingsSeconds?["total"]
        entry.peakMemoryBytes = run.peakMemoryBytes
        if let perLabel = run.perLabel {
            entry.outsideMin = Dictionary(perLabel.compactMap { value in value.outsideMin.map { (value.label, $0) } },
                                          uniquingKeysWith: { first, _ in first })
        }
        return entry
    }
}

/// A CSV field, quoted when it holds a comma, a quote or a line break.
func csvField(_ text: String) -> String {
    guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
    return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
}
