import Foundation
import ResultSchema
import ProbeStore

/// The results of a sweep (`probe sweep`): one probed space per (iteration, layer), gathered in `summary.json`.
public struct SweepResult: Sendable {
    /// The folder as it was named.
    public let folder: String
    /// `summary.json` of the sweep.
    public let summary: SweepSummary
    /// The iterations (checkpoints), in order.
    public let iterations: [String]
    /// Every layer of any iteration, in natural order.
    public let layers: [String]
    /// The labels, in order.
    public let labels: [String]
    /// The finished spaces by iteration, then layer.
    public let spaces: [String: [String: SweepSpaceSummary]]

    /// Whether `folder` looks like a sweep folder (it has `sweep.csv`).
    public static func isSweepFolder(_ folder: String) -> Bool {
        isFile(join(folder, "sweep.csv"))
    }

    /// Reads a sweep folder's `summary.json`.
    public init(folder: String) throws {
        let path = join(folder, "summary.json")
        guard isFile(path) else {
            throw InputError(file: path, "a sweep folder needs its summary.json; run `probe sweep` again to assemble it")
        }
        let summary: SweepSummary = try decodeJSONFile(path: path)
        guard summary.mode == .sweep else {
            throw InputError(file: path, "field mode: expected \"sweep\" in a folder with sweep.csv")
        }
        self.folder = folder
        self.summary = summary
        let entries = summary.spaces ?? []
        var seenIterations = Set<String>()
        iterations = (summary.iterations ?? []) + entries.map(\.iteration).filter { !(summary.iterations ?? []).contains($0) && seenIterations.insert($0).inserted }
        var byIteration: [String: [String: SweepSpaceSummary]] = [:]
        for entry in entries { byIteration[entry.iteration, default: [:]][entry.layer] = entry }
        spaces = byIteration
        let allLayers = Set(entries.map(\.layer)).union((summary.layersByIteration ?? [:]).values.flatMap { $0 })
        layers = sortedNames(Array(allLayers))
        labels = summary.labels ?? sortedNames(Array(Set(entries.flatMap { ($0.outsideMin ?? [:]).keys })))
    }

    /// The finished space at (iteration, layer), if any.
    public func space(_ iteration: String, _ layer: String) -> SweepSpaceSummary? {
        spaces[iteration]?[layer]
    }
}
