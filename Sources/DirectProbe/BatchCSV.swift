import Foundation
import ProbeConfig
import ProbeStore
import ResultSchema

/// The reference's CSV files of a batch: `batch_vec/`, `outside_min/`, `inside_mean/` and
/// `inside_max/`, one `<iteration>.txt` each.
extension BatchProbe {
    /// Writes the four CSVs of one iteration: header ` ,<layer>,…`, one row per label pair or label.
    func writeCSVs(iteration: String, layers: [String], records: [String: LayerRecord], labels: [String],
                           writer: ResultWriter) throws {
        let header = " ," + layers.joined(separator: ",") + "\n"
        func table(_ rowNames: [String], _ column: (LayerRecord) -> [Double]) -> String {
            header + rowNames.enumerated().map { row, name in
                name + layers.map { layer in "," + ResultWriter.format(records[layer].map { column($0)[row] } ?? 0) }.joined() + "\n"
            }.joined()
        }
        let pairNames = labels.indices.flatMap { i in ((i + 1)..<labels.count).map { "\(labels[i])---\(labels[$0])" } }
        for folder in ["batch_vec", "outside_min", "inside_mean", "inside_max"] {
            try FileManager.default.createDirectory(atPath: writer.path(folder), withIntermediateDirectories: true)
        }
        try writer.write("batch_vec/\(iteration).txt", table(pairNames) { $0.vec })
        try writer.write("outside_min/\(iteration).txt", table(labels) { $0.outsideMin })
        try writer.write("inside_mean/\(iteration).txt", table(labels) { $0.insideMean })
        try writer.write("inside_max/\(iteration).txt", table(labels) { $0.insideMax })
    }
}
