import Foundation
import ProbeStore

/// DirectProbe's test-set predictions (`prediction.txt`).
public struct PredictionSet: Sendable {
    /// One cluster of a test point's ranking.
    public struct RankedCluster: Sendable, Equatable {
        /// The cluster number.
        public var cluster: Int
        /// The cluster's label.
        public var label: String
        /// The distance from the test point to the cluster.
        public var distance: Double
    }

    /// One test point: its gold label and the clusters by increasing distance.
    public struct Prediction: Sendable {
        /// The gold label.
        public var gold: String
        /// The clusters by increasing distance; the first is the prediction.
        public var ranking: [RankedCluster]
        /// The predicted label (that of the nearest cluster).
        public var predicted: String? { ranking.first?.label }
    }

    /// The test points in file order.
    public let predictions: [Prediction]

    /// Reads `gold<TAB>k-Label,d<TAB>…` lines.
    public init(path: String) throws {
        let file = try TextFile(path: path)
        predictions = try file.lines.map { line in
            let fields = line.text.split(separator: "\t", omittingEmptySubsequences: false)
            guard let gold = fields.first, !gold.isEmpty else {
                throw file.error(line: line.number, column: 1, "empty gold label")
            }
            let ranking = try fields.dropFirst().enumerated().map { offset, field -> RankedCluster in
                let column = offset + 2
                guard let comma = field.lastIndex(of: ","), let dash = field.firstIndex(of: "-"), dash < comma else {
                    throw file.error(line: line.number, column: column, "expected \"cluster-Label,distance\", found \"\(field)\"")
                }
                guard let cluster = Int(field[..<dash]) else {
                    throw file.error(line: line.number, column: column, "not a cluster number: \"\(field[..<dash])\"")
                }
                let distance = try file.number(field[field.index(after: comma)...], line: line.number, column: column)
                return RankedCluster(cluster: cluster, label: String(field[field.index(after: dash)..<comma]), distance: distance)
            }
            guard !ranking.isEmpty else { throw file.error(line: line.number, "no ranked clusters after the gold label") }
            return Prediction(gold: String(gold), ranking: ranking)
        }
    }

    /// The fraction of test points whose nearest cluster has their gold label (nil when there are none).
    public var accuracy: Double? {
        guard !predictions.isEmpty else { return nil }
        return Double(predictions.filter { $0.predicted == $0.gold }.count) / Double(predictions.count)
    }

    /// Per gold label: test points and correct predictions, labels sorted.
    public var perLabel: [(label: String, total: Int, correct: Int)] {
        var totals: [String: (Int, Int)] = [:]
        for prediction in predictions {
            let old = totals[prediction.gold, default: (0, 0)]
            totals[prediction.gold] = (old.0 + 1, old.1 + (prediction.predicted == prediction.gold ? 1 : 0))
        }
        return totals.keys.sorted().map { label in
            let counts = totals[label, default: (0, 0)]
            return (label, counts.0, counts.1)
        }
    }
}
