import Foundation
import ResultSchema
import ProbeStore

/// One batch CSV (`<measure>/<iter>.txt`): rows of values, one column per layer.
public struct MeasureTable: Sendable {
    /// The layer names of the header, in order.
    public let layers: [String]
    /// The row names: labels, or `A---B` pairs for `batch_vec`.
    public let rows: [String]
    /// The values, `values[row][layer]`.
    public let values: [[Double]]

    /// Reads a CSV whose header is ` ,<layer>,…` and whose rows are `name,v,…`; a ragged row or a non-number names file, line and field.
    public init(path: String) throws {
        let file = try TextFile(path: path)
        guard let header = file.lines.first else { throw InputError(file: path, "empty file: expected a header \" ,<layer>,…\"") }
        let headerFields = header.text.split(separator: ",", omittingEmptySubsequences: false)
        guard headerFields[0].allSatisfy({ $0 == " " }) else {
            throw file.error(line: header.number, column: 1, "expected a header \" ,<layer>,…\" (blank first field), found \"\(headerFields[0])\"")
        }
        guard headerFields.count >= 2 else {
            throw file.error(line: header.number, "expected a header \" ,<layer>,…\" with at least one layer")
        }
        layers = try headerFields.dropFirst().enumerated().map { offset, field in
            let name = field.trimmingCharacters(in: .whitespaces)
            guard !name.isEmpty else { throw file.error(line: header.number, column: offset + 2, "empty layer name") }
            return name
        }
        guard Set(layers).count == layers.count else { throw file.error(line: header.number, "a layer appears twice in the header") }
        var rows: [String] = []
        var values: [[Double]] = []
        var seen = Set<String>()
        for line in file.lines.dropFirst() {
            let fields = line.text.split(separator: ",", omittingEmptySubsequences: false)
            guard fields.count == headerFields.count else {
                throw file.error(line: line.number, "\(fields.count) fields, but the header has \(headerFields.count)")
            }
            let name = String(fields[0])
            guard !name.isEmpty else { throw file.error(line: line.number, column: 1, "empty row name") }
            guard seen.insert(name).inserted else { throw file.error(line: line.number, column: 1, "row \"\(name)\" appears twice") }
            rows.append(name)
            values.append(try fields.dropFirst().enumerated().map { offset, field in
                try file.number(field, line: line.number, column: offset + 2)
            })
        }
        self.rows = rows
        self.values = values
    }

    /// The column of a layer, or nil when the table has no such layer.
    public func column(_ layer: String) -> [Double]? {
        guard let index = layers.firstIndex(of: layer) else { return nil }
        return values.map { $0[index] }
    }

    /// The value of a row at a layer, or nil when either is absent.
    public func value(row: String, layer: String) -> Double? {
        guard let r = rows.firstIndex(of: row), let c = layers.firstIndex(of: layer) else { return nil }
        return values[r][c]
    }

    /// Whether every value of a layer's column is zero (the reference's mark of a non-separable layer).
    public func isZeroColumn(_ layer: String) -> Bool {
        guard let column = column(layer) else { return false }
        return column.allSatisfy { $0 == 0 }
    }
}

/// The four measures of one fine-tuning iteration of a batch run.
public struct BatchIteration: Sendable {
    /// The iteration's name (its file name without `.txt`).
    public let name: String
    /// `outside_min/<iter>.txt`, when present.
    public let outsideMin: MeasureTable?
    /// `inside_mean/<iter>.txt`, when present.
    public let insideMean: MeasureTable?
    /// `inside_max/<iter>.txt`, when present.
    public let insideMax: MeasureTable?
    /// `batch_vec/<iter>.txt`, when present.
    public let pairDistances: MeasureTable?

    /// The tables that are present.
    public var tables: [MeasureTable] { [outsideMin, insideMean, insideMax, pairDistances].compactMap { $0 } }

    /// The layers of this iteration, in header order.
    public var layers: [String] {
        var seen = Set<String>()
        return tables.flatMap(\.layers).filter { seen.insert($0).inserted }
    }

    /// Whether a layer's columns are all zero in every table (the reference writes zeros when the clusters overlap).
    public func hasOnlyZeros(layer: String) -> Bool {
        let present = tables.filter { $0.layers.contains(layer) }
        return !present.isEmpty && present.allSatisfy { $0.isZeroColumn(layer) }
    }
}

/// The results of a batch run (mode `batch_probing`: the fixed clusters of a clusters file measured in
/// every layer of every fine-tuning iteration): per iteration, per layer, the measures of those clusters.
public struct BatchResult: Sendable {
    /// The folder as it was named.
    public let folder: String
    /// The iterations, sorted numerically when their names are numbers.
    public let iterations: [BatchIteration]
    /// Every layer of any iteration, in header order (numerically sorted when all are numbers).
    public let layers: [String]
    /// Every label of any `outside_min`, `inside_mean` or `inside_max` table, in first-seen order.
    public let labels: [String]
    /// `summary.json`, when present.
    public let summary: BatchSummary?

    /// The four measure sub-folders of a batch folder.
    static let measureFolders = ["outside_min", "inside_mean", "inside_max", "batch_vec"]

    /// Whether `folder` looks like a batch results folder.
    public static func isBatchFolder(_ folder: String) -> Bool { holdsAny(of: measureFolders.map { $0 + "/" }, in: folder) }

    /// Reads a batch folder: every `<measure>/<iter>.txt` and, when present, `summary.json`.
    public init(folder: String) throws {
        try requireAny(of: Self.measureFolders.map { $0 + "/" }, in: folder, kind: "batch")
        self.folder = folder
        var names = Set<String>()
        for measure in Self.measureFolders {
            let directory = join(folder, measure)
            guard isDirectory(directory) else { continue }
            let entries: [String]
            do {
                entries = try FileManager.default.contentsOfDirectory(atPath: directory)
            } catch {
                throw InputError(file: directory, "cannot list the folder: \(error.localizedDescription)")
            }
            for entry in entries where entry.hasSuffix(".txt") && !entry.hasPrefix(".") {
                names.insert(String(entry.dropLast(4)))
            }
        }
        func table(_ measure: String, _ iteration: String) throws -> MeasureTable? {
            let path = join(join(folder, measure), iteration + ".txt")
            return isFile(path) ? try MeasureTable(path: path) : nil
        }
        iterations = try sortedNames(Array(names)).map { name in
            BatchIteration(name: name, outsideMin: try table("outside_min", name), insideMean: try table("inside_mean", name),
                           insideMax: try table("inside_max", name), pairDistances: try table("batch_vec", name))
        }
        guard !iterations.isEmpty else {
            throw InputError(file: folder, "no <iteration>.txt files in \(Self.measureFolders.joined(separator: "/, "))/")
        }
        var seenLayers = Set<String>()
        let allLayers = iterations.flatMap(\.layers).filter { seenLayers.insert($0).inserted }
        layers = allLayers.allSatisfy { Int($0) != nil } ? sortedNames(allLayers) : allLayers
        var seenLabels = Set<String>()
        labels = iterations.flatMap { [$0.outsideMin, $0.insideMean, $0.insideMax].compactMap { $0 }.flatMap(\.rows) }
            .filter { seenLabels.insert($0).inserted }
        let summaryPath = join(folder, "summary.json")
        summary = isFile(summaryPath) ? try BatchSummary(path: summaryPath) : nil
    }

    /// Whether the fixed clusters were linearly separable at a layer of an iteration: from `summary.json`
    /// when it says, else inferred (an all-zero layer is not separable); nil when the layer is absent.
    public func isLinear(iteration: String, layer: String) -> Bool? {
        if let verdict = summary?.linear?[iteration]?[layer] { return verdict }
        guard let run = iterations.first(where: { $0.name == iteration }), run.layers.contains(layer) else { return nil }
        return !run.hasOnlyZeros(layer: layer)
    }

    /// Whether the linearity verdicts come from `summary.json` (else from all-zero columns).
    public var linearityFromSummary: Bool { !(summary?.linear?.isEmpty ?? true) }
}
