import Foundation
import ProbeStore
import ResultSchema

/// The closer-look comparison of two probed spaces (e.g. before and after fine-tuning).
public struct SpaceComparison: ResultDocument, Sendable {
    /// One label's change between the spaces.
    public struct LabelChange: Codable, Sendable {
        public var label: String
        /// outside_min in A and in B, and B − A.
        public var min_distance_a: Double
        public var min_distance_b: Double
        public var change: Double
        /// `apart`, `closer` or `unchanged` (|change| < 5e-5, below the files' 4 decimals).
        public var direction: String
        /// Distance between the label's centroids in A and B (same points in both spaces), if computed.
        public var centroid_displacement: Double?
        /// The displacement divided by the label's inside_mean in A, if both are known.
        public var relative_displacement: Double?
    }

    public var a: String
    public var b: String
    /// Pearson correlation of the label-pair distance vectors (vec.txt), over their common pairs.
    public var pearson: Double?
    public var label_pairs: Int
    public var labels: [LabelChange]
    public var moved_apart: Int
    public var moved_closer: Int
    public var unchanged: Int
    /// Why centroid displacements are missing, if they are.
    public var centroid_note: String?

    /// Compares the result folders `a` and `b`; centroids use `embeddingsA`/`embeddingsB` if
    /// given, else the embeddings recorded in each folder's `summary.json`.
    public static func compare(_ a: String, _ b: String, embeddingsA: String? = nil, embeddingsB: String? = nil,
                               entities: String? = nil, labelSet: String? = nil) throws -> SpaceComparison {
        let vecA = try namedValues((a as NSString).appendingPathComponent("vec.txt"))
        let vecB = try namedValues((b as NSString).appendingPathComponent("vec.txt"))
        let common = vecA.map(\.0).filter { key in vecB.contains { $0.0 == key } }
        let mapB = Dictionary(vecB, uniquingKeysWith: { x, _ in x })
        let mapA = Dictionary(vecA, uniquingKeysWith: { x, _ in x })
        let pearson = correlation(common.map { mapA[$0] ?? 0 }, common.map { mapB[$0] ?? 0 })

        let minA = try namedValues((a as NSString).appendingPathComponent("outside_min.txt"))
        let minB = Dictionary(try namedValues((b as NSString).appendingPathComponent("outside_min.txt")), uniquingKeysWith: { x, _ in x })
        let insideA = Dictionary((try? namedValues((a as NSString).appendingPathComponent("inside_mean.txt"))) ?? [], uniquingKeysWith: { x, _ in x })
        var changes: [LabelChange] = []
        for (label, valueA) in minA {
            guard let valueB = minB[label] else { continue }
            let change = valueB - valueA
            changes.append(LabelChange(label: label, min_distance_a: valueA, min_distance_b: valueB, change: change,
                                       direction: abs(change) < 5e-5 ? "unchanged" : (change > 0 ? "apart" : "closer"),
                                       centroid_displacement: nil, relative_displacement: nil))
        }

        guard !common.isEmpty || !changes.isEmpty else {
            throw InputError(file: b, "no label and no label pair in common with \(a) (labels \(minA.prefix(3).map(\.0).joined(separator: ", "))… vs \(minB.keys.sorted().prefix(3).joined(separator: ", "))…); compare two results of the same task")
        }

        var note: String? = nil
        do {
            let inputsA = try recordedInputs(a), inputsB = try recordedInputs(b)
            guard let pathA = embeddingsA ?? inputsA.embeddings?.path, let pathB = embeddingsB ?? inputsB.embeddings?.path,
                  let entitiesPath = entities ?? inputsA.entities?.path, let labelsPath = labelSet ?? inputsA.labels?.path else {
                throw InputError(file: a, "no embeddings recorded in summary.json; pass --embeddings-a and --embeddings-b")
            }
            let set = try LabelSet.read(labelsPath)
            let labels = try EntityFile.labelIndices(entitiesPath, labelSet: set)
            let scratch = NSTemporaryDirectory() + "probe-compare-\(getpid())"
            let scratchCleanup = CleanupRegistry.shared.register(folder: scratch)  // removed on Ctrl-C too
            defer { CleanupRegistry.shared.cleanUpNow(scratchCleanup) }
            let centroidsA = try labelCentroids(pathA, labels: labels, labelCount: set.count, entities: entitiesPath, scratch: scratch, name: "a")
            let centroidsB = try labelCentroids(pathB, labels: labels, labelCount: set.count, entities: entitiesPath, scratch: scratch, name: "b")
            guard centroidsA.first?.count == centroidsB.first?.count else {
                throw InputError(file: pathB, "the two spaces have different dimensions; centroids cannot be compared")
            }
            for index in changes.indices {
                guard let label = set.index(of: changes[index].label) else { continue }
                let shift = zip(centroidsA[label], centroidsB[label]).map { ($0 - $1) * ($0 - $1) }.reduce(0, +).squareRoot()
                changes[index].centroid_displacement = shift
                if let inside = insideA[changes[index].label], inside > 0 { changes[index].relative_displacement = shift / inside }
            }
        } catch {
            note = "centroid displacement not computed: \(error)"
        }
        return SpaceComparison(a: a, b: b, pearson: pearson, label_pairs: common.count, labels: changes,
                               moved_apart: changes.filter { $0.direction == "apart" }.count,
                               moved_closer: changes.filter { $0.direction == "closer" }.count,
                               unchanged: changes.filter { $0.direction == "unchanged" }.count, centroid_note: note)
    }

    /// A plain-text table for the terminal.
    public func table() -> String {
        var out = "A: \(a)\nB: \(b)\n"
        out += "Pearson correlation of label-pair distances: \(pearson.map { String(format: "%.4f", $0) } ?? "n/a") over \(label_pairs) pairs\n"
        out += "labels moved apart: \(moved_apart), closer: \(moved_closer), unchanged: \(unchanged)\n\n"
        out += "label".padding(toLength: 24, withPad: " ", startingAt: 0) + "   min A    min B   change  centroid shift\n"
        for change in labels {
            out += change.label.padding(toLength: 24, withPad: " ", startingAt: 0)
            out += String(format: " %8.4f %8.4f %+8.4f", change.min_distance_a, change.min_distance_b, change.change)
            out += change.centroid_displacement.map { String(format: "  %8.4f", $0) } ?? "       n/a"
            out += "\n"
        }
        if let centroid_note { out += "\n\(centroid_note)\n" }
        return out
    }

    private static func recordedInputs(_ folder: String) throws -> RunSummary.Inputs {
        let path = (folder as NSString).appendingPathComponent("summary.json")
        guard let data = FileManager.default.contents(atPath: path) else { throw InputError(file: path, "missing") }
        return try RunSummary.decode(data).inputs ?? RunSummary.Inputs()
    }

    private static func labelCentroids(_ path: String, labels: [Int32], labelCount: Int, entities: String,
                                       scratch: String, name: String) throws -> [[Double]] {
        let matrix = try EmbeddingInput.open(path, entityCount: labels.count, entitiesPath: entities,
                                             scratchFolder: scratch, name: name, showProgress: false)
        var sums = [[Double]](repeating: [Double](repeating: 0, count: matrix.dimension), count: labelCount)
        var counts = [Int](repeating: 0, count: labelCount)
        let d = matrix.dimension
        try matrix.forEachBlock(rows: 4096) { range, block in
            for (offset, row) in range.enumerated() {
                let label = Int(labels[row])
                counts[label] += 1
                for k in 0..<d { sums[label][k] += Double(block[offset * d + k]) }
            }
        }
        return sums.enumerated().map { label, sum in sum.map { $0 / Double(max(1, counts[label])) } }
    }
}

/// Pearson's correlation coefficient, or nil for fewer than two values or no variance.
func correlation(_ x: [Double], _ y: [Double]) -> Double? {
    guard x.count == y.count, x.count > 1 else { return nil }
    let mx = x.reduce(0, +) / Double(x.count), my = y.reduce(0, +) / Double(y.count)
    var sxy = 0.0, sxx = 0.0, syy = 0.0
    for (a, b) in zip(x, y) {
        sxy += (a - mx) * (b - my)
        sxx += (a - mx) * (a - mx)
        syy += (b - my) * (b - my)
    }
    guard sxx > 0, syy > 0 else { return nil }
    return sxy / (sxx * syy).squareRoot()
}

/// The `(name, value)` pairs of a `name,value` result file, in file order.
private func namedValues(_ path: String) throws -> [(String, Double)] {
    try readNamedValues(path).map { ($0.name, $0.value) }
}
