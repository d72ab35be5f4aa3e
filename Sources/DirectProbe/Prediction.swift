import Foundation
import ProbeGeometry
import ProbeStore

/// DirectProbe's test-set prediction: every test point gets the label of the
/// cluster whose convex hull is nearest (exact point-to-hull distance, 0 inside).
public struct TestPrediction: Sendable {
    /// For each test point, every cluster (position in `clusters`) with its distance, nearest first
    /// (ties: the lower cluster number).
    public let rankings: [[(cluster: Int, distance: Double)]]
    /// Gold label index of each test point.
    public let gold: [Int32]
    /// Fraction of test points whose nearest cluster has their gold label.
    public let accuracy: Double
}

/// Computes test-set predictions against a fixed set of clusters, in parallel over test points.
public struct Predictor {
    let training: LabeledPoints
    let threads: Int
    let showProgress: Bool

    /// Creates a predictor over the training points the clusters are made of.
    public init(training: LabeledPoints, threads: Int, showProgress: Bool) {
        self.training = training
        self.threads = max(1, threads)
        self.showProgress = showProgress
    }

    /// Ranks every cluster for every test point by point-to-hull distance.
    public func predict(_ test: LabeledPoints, clusters: [Cluster]) throws -> TestPrediction {
        guard test.dimension == training.dimension else {
            throw InputError(file: test.source, "test vectors have \(test.dimension) values, training vectors \(training.dimension)")
        }
        let geometry = ClusterGeometry(points: training)
        let bar = showProgress ? ProgressBar("prediction", total: Double(test.count * clusters.count)) : nil
        defer { bar?.finish() }
        let d = test.dimension
        let matrix = test.matrix
        // One cluster at a time: its points are gathered once (with their Gram matrix, see
        // PointHull) and the test points are measured against it in blocks (one matrix product
        // per block and step, see PointHull.distances), so memory holds one cluster.
        let blockRows = 64
        let blocks = (test.count + blockRows - 1) / blockRows
        var distances: [[Double]] = []
        distances.reserveCapacity(clusters.count)
        for (index, cluster) in clusters.enumerated() {
            let hull = PointHull(try geometry.pointMatrix(cluster.members).summarized())
            let measured = try parallelMap(blocks, threads: threads) { block -> [Double] in
                let rows = (block * blockRows)..<min(test.count, (block + 1) * blockRows)
                var values = [Float](repeating: 0, count: rows.count * d)
                try values.withUnsafeMutableBufferPointer { try matrix.readRows(rows, into: $0) }
                return hull.distances(to: PointMatrix(count: rows.count, dimension: d, values: values), relativeAccuracy: 1e-7)
                    .map { $0.verdict == .overlapping ? 0 : $0.upperBound }
            }
            distances.append(measured.flatMap { $0 })
            bar?.update(Double((index + 1) * test.count))
        }
        let rankings = (0..<test.count).map { row -> [(cluster: Int, distance: Double)] in
            clusters.indices.map { (cluster: $0, distance: distances[$0][row]) }
                .sorted { $0.distance < $1.distance || ($0.distance == $1.distance && $0.cluster < $1.cluster) }
        }
        var correct = 0
        for (row, ranking) in rankings.enumerated() {
            if let best = ranking.first, clusters[best.cluster].label == Int(test.labels[row]) { correct += 1 }
        }
        return TestPrediction(rankings: rankings, gold: test.labels, accuracy: test.count > 0 ? Double(correct) / Double(test.count) : 0)
    }
}
