import Foundation
import ResultSchema
import ProbeStore

/// An unordered pair of labels, stored in the order the result files give them (`a` before `b`).
public struct LabelPair: Hashable, Sendable {
    /// The first label of the pair.
    public let a: String
    /// The second label of the pair.
    public let b: String

    /// Creates a pair.
    public init(_ a: String, _ b: String) {
        self.a = a
        self.b = b
    }
}

/// The results of one `probe` run (a single results folder), as typed values.
public struct RunResult: Sendable {
    /// The folder as it was named.
    public let folder: String
    /// Every label in the folder, in the order of the result files (sorted by `probe`).
    public let labels: [String]
    /// `outside_min.txt`, by label (empty when the file is absent).
    public let outsideMin: [String: Double]
    /// `inside_mean.txt`, by label (empty when the file is absent).
    public let insideMean: [String: Double]
    /// `inside_max.txt`, by label (empty when the file is absent).
    public let insideMax: [String: Double]
    /// `vec.txt`: the mean hull distance of each label pair.
    public let pairDistances: [LabelPair: Double]
    /// The number of training points in `clusters.txt`, when present.
    public let pointCount: Int?
    /// The number of distinct cluster numbers in `clusters.txt`, when present.
    public let clusterCount: Int?
    /// The result files that were absent, by name.
    public let missingFiles: [String]
    /// `summary.json`, when present.
    public let summary: RunSummary?
    /// Facts found in `log.txt` (empty when absent).
    public let logFacts: LogFacts
    /// `prediction.txt`, when present.
    public let predictions: PredictionSet?

    /// The per-label and pair files a run folder may hold; at least one must be present.
    static let measureFiles = ["outside_min.txt", "inside_mean.txt", "inside_max.txt", "vec.txt"]

    /// Whether `folder` looks like a single-run results folder.
    public static func isRunFolder(_ folder: String) -> Bool { holdsAny(of: measureFiles, in: folder) }

    /// Reads a results folder written by `probe` (or by the reference); absent optional files are allowed.
    public init(folder: String) throws {
        try requireAny(of: Self.measureFiles, in: folder, kind: "results")
        self.folder = folder
        var missing: [String] = []
        var order: [String] = []
        var seen = Set<String>()
        func note(_ label: String) {
            if seen.insert(label).inserted { order.append(label) }
        }
        func perLabel(_ name: String) throws -> [String: Double] {
            let path = join(folder, name)
            guard isFile(path) else { missing.append(name); return [:] }
            let values = try readLabelValues(path: path)
            values.forEach { note($0.label) }
            return Dictionary(values.map { ($0.label, $0.value) }, uniquingKeysWith: { first, _ in first })
        }
        outsideMin = try perLabel("outside_min.txt")
        insideMean = try perLabel("inside_mean.txt")
        insideMax = try perLabel("inside_max.txt")

        let vecPath = join(folder, "vec.txt")
        if isFile(vecPath) {
            let pairs = try readPairValues(path: vecPath, knownLabels: seen)
            var distances: [LabelPair: Double] = [:]
            for entry in pairs {
                note(entry.pair.a)
                note(entry.pair.b)
                distances[entry.pair] = entry.value
            }
            pairDistances = distances
        } else {
            missing.append("vec.txt")
            pairDistances = [:]
        }
        labels = order

        let clustersPath = join(folder, "clusters.txt")
        if isFile(clustersPath) {
            let file = try TextFile(path: clustersPath)
            var distinct = Set<Int>()
            for line in file.lines {
                guard let cluster = Int(line.text.trimmingCharacters(in: .whitespaces)) else {
                    throw file.error(line: line.number, "not a cluster number: \"\(line.text)\"")
                }
                distinct.insert(cluster)
            }
            pointCount = file.lines.count
            clusterCount = distinct.count
        } else {
            missing.append("clusters.txt")
            pointCount = nil
            clusterCount = nil
        }

        let summaryPath = join(folder, "summary.json")
        summary = isFile(summaryPath) ? try RunSummary(path: summaryPath) : nil
        let logPath = join(folder, "log.txt")
        logFacts = isFile(logPath) ? LogFacts(path: logPath) : LogFacts()
        let predictionPath = join(folder, "prediction.txt")
        predictions = isFile(predictionPath) ? try PredictionSet(path: predictionPath) : nil
        missingFiles = missing
    }

    /// The distance of a label pair in either order, or nil when `vec.txt` has no such pair.
    public func distance(_ a: String, _ b: String) -> Double? {
        pairDistances[LabelPair(a, b)] ?? pairDistances[LabelPair(b, a)]
    }

    /// The log's summary measures, taken from `summary.json`, else `log.txt`, else recomputed from the files.
    public var summaryMeasures: SummaryMeasures {
        if let measures = summary?.reportMeasures, measures.globalMinDistance != nil || measures.meanInsideMeanDistance != nil {
            return measures
        }
        if let measures = logFacts.measures { return measures }
        return SummaryMeasures(labels: labels, outsideMin: outsideMin, insideMean: insideMean, insideMax: insideMax)
    }
}

/// The five summary numbers `probe` logs at the end of an analysis, and where they came from.
public struct SummaryMeasures: Sendable, Equatable {
    /// Where the numbers were read.
    public enum Source: String, Sendable {
        /// Read from `summary.json` (full precision).
        case summaryFile = "summary.json"
        /// Read from `log.txt` (full precision).
        case log = "log.txt"
        /// Recomputed from the 4-decimal per-label files.
        case resultFiles = "the per-label files"
    }

    /// The smallest positive outside-min distance (`global min dis`).
    public var globalMinDistance: Double?
    /// The mean of the positive inside-mean distances (`mean_inside_mean_dis`).
    public var meanInsideMeanDistance: Double?
    /// The largest inside-max distance (`max inside max dis`).
    public var maxInsideMaxDistance: Double?
    /// The mean over labels of inside-max / outside-min, where both are non-zero.
    public var insideMaxOverOutsideMin: Double?
    /// The mean over labels of inside-mean / outside-min, where both are non-zero.
    public var insideMeanOverOutsideMin: Double?
    /// Where the numbers came from.
    public var source: Source

    /// Creates the numbers from known values.
    public init(globalMinDistance: Double?, meanInsideMeanDistance: Double?, maxInsideMaxDistance: Double?,
                insideMaxOverOutsideMin: Double?, insideMeanOverOutsideMin: Double?, source: Source) {
        self.globalMinDistance = globalMinDistance
        self.meanInsideMeanDistance = meanInsideMeanDistance
        self.maxInsideMaxDistance = maxInsideMaxDistance
        self.insideMaxOverOutsideMin = insideMaxOverOutsideMin
        self.insideMeanOverOutsideMin = insideMeanOverOutsideMin
        self.source = source
    }

    /// Recomputes the numbers from per-label values, as `probe` defines them: the smallest
    /// positive outside min; the mean of the positive inside means; the largest inside max;
    /// and the mean over labels of inside max / outside min and of inside mean / outside min,
    /// over the labels where both values are non-zero.
    public init(labels: [String], outsideMin: [String: Double], insideMean: [String: Double], insideMax: [String: Double]) {
        let positiveOutside = labels.compactMap { outsideMin[$0] }.filter { $0 > 0 }
        let positiveInsideMean = labels.compactMap { insideMean[$0] }.filter { $0 > 0 }
        func meanRatio(_ inside: [String: Double]) -> Double? {
            let ratios = labels.compactMap { label -> Double? in
                guard let numerator = inside[label], let denominator = outsideMin[label],
                      numerator != 0, denominator != 0 else { return nil }
                return numerator / denominator
            }
            return ratios.isEmpty ? nil : ratios.reduce(0, +) / Double(ratios.count)
        }
        self.init(
            globalMinDistance: positiveOutside.min(),
            meanInsideMeanDistance: positiveInsideMean.isEmpty ? nil : positiveInsideMean.reduce(0, +) / Double(positiveInsideMean.count),
            maxInsideMaxDistance: labels.compactMap { insideMax[$0] }.max(),
            insideMaxOverOutsideMin: meanRatio(insideMax),
            insideMeanOverOutsideMin: meanRatio(insideMean),
            source: .resultFiles)
    }
}

/// One `label,value` line.
struct LabelValue {
    let label: String
    let value: Double
}

/// Reads `A,value` lines; a label is everything before the last comma.
func readLabelValues(path: String) throws -> [LabelValue] {
    var seen = Set<String>()
    return try readNamedValues(path, format: "label,value").map { entry in
        guard !entry.name.isEmpty else { throw InputError(file: path, line: entry.line, column: 1, "empty label") }
        guard seen.insert(entry.name).inserted else {
            throw InputError(file: path, line: entry.line, column: 1, "label \"\(entry.name)\" appears twice")
        }
        return LabelValue(label: entry.name, value: entry.value)
    }
}

/// Splits `A---B` into its labels; when a label itself holds `---`, the split that gives two known labels wins.
func splitPair(_ key: Substring, knownLabels: Set<String>) -> LabelPair? {
    var candidates: [LabelPair] = []
    var searchStart = key.startIndex
    while let range = key.range(of: "---", range: searchStart..<key.endIndex) {
        let a = String(key[..<range.lowerBound]), b = String(key[range.upperBound...])
        if !a.isEmpty && !b.isEmpty { candidates.append(LabelPair(a, b)) }
        searchStart = key.index(after: range.lowerBound)
    }
    return candidates.first { knownLabels.contains($0.a) && knownLabels.contains($0.b) } ?? candidates.first
}

/// Reads `A---B,value` lines.
func readPairValues(path: String, knownLabels: Set<String>) throws -> [(pair: LabelPair, value: Double)] {
    var seen = Set<LabelPair>()
    return try readNamedValues(path, format: "A---B,value").map { entry in
        guard let pair = splitPair(Substring(entry.name), knownLabels: knownLabels) else {
            throw InputError(file: path, line: entry.line, column: 1, "expected a label pair \"A---B\"")
        }
        guard seen.insert(pair).inserted else {
            throw InputError(file: path, line: entry.line, column: 1, "pair \"\(pair.a)---\(pair.b)\" appears twice")
        }
        return (pair, entry.value)
    }
}
