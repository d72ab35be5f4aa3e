import Foundation
import ProbeStore

/// Writes result files into the output folder, each atomically (temporary name, then rename).
public struct ResultWriter: Sendable {
    /// The output folder.
    public let folder: String

    /// Prepares `folder`: creates it, and refuses a non-empty one unless `force` (the reference
    /// refuses it always; `--force` lets a re-run replace the files it writes).
    public init(folder: String, force: Bool) throws {
        self.folder = folder
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        if fm.fileExists(atPath: folder, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw InputError(file: folder, "the output path exists and is not a folder") }
            let entries = (try? fm.contentsOfDirectory(atPath: folder))?.filter { !$0.hasPrefix(".") } ?? []
            if !entries.isEmpty && !force {
                throw InputError(file: folder, "the output folder is not empty (\(entries.count) entries); choose another output_path or pass --force to overwrite the result files")
            }
        } else {
            try OutputTarget.createFolder(folder)
        }
    }

    /// The path of a result file.
    public func path(_ name: String) -> String { (folder as NSString).appendingPathComponent(name) }

    /// Writes `text` to `name` atomically.
    public func write(_ name: String, _ text: String) throws {
        let output = AtomicOutput(finalPath: path(name))
        guard FileManager.default.createFile(atPath: output.temporaryPath, contents: Data(text.utf8)) else {
            throw InputError(file: output.finalPath, "cannot write the result file")
        }
        try output.commit()
    }

    /// Writes a float the reference's way (`{:0.4f}`).
    static func format(_ value: Double) -> String { String(format: "%.4f", value) }

    /// Writes `clusters.txt`: the cluster number of every point.
    func writeClusters(_ assignment: [Int]) throws {
        try write("clusters.txt", assignment.map { "\($0)\n" }.joined())
    }

    /// Writes `vec.txt`, `outside_min.txt`, `inside_mean.txt`, `inside_max.txt`.
    func writeAnalysis(_ analysis: Analysis) throws {
        let labels = analysis.labels
        try write("vec.txt", zip(analysis.labelPairs, analysis.labelPairDistances)
            .map { "\(labels[$0.0])---\(labels[$0.1]),\(Self.format($1))\n" }.joined())
        func perLabel(_ values: [Double]) -> String {
            zip(labels, values).map { "\($0),\(Self.format($1))\n" }.joined()
        }
        try write("outside_min.txt", perLabel(analysis.outsideMin))
        try write("inside_mean.txt", perLabel(analysis.insideMean))
        try write("inside_max.txt", perLabel(analysis.insideMax))
    }
}
