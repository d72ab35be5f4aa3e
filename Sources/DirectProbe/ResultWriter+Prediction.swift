import Foundation

/// The result files of a test-set prediction: `prediction.txt` and `dis.txt`.
extension ResultWriter {
    /// Writes `prediction.txt`: `gold<TAB>k-Label,d<TAB>…` over all clusters by increasing distance.
    func writePredictions(_ prediction: TestPrediction, clusters: [Cluster], labels: [String]) throws {
        var text = ""
        for (row, ranking) in prediction.rankings.enumerated() {
            text += labels[Int(prediction.gold[row])]
            for entry in ranking {
                text += "\t\(clusters[entry.cluster].key)-\(labels[clusters[entry.cluster].label]),\(Self.format(entry.distance))"
            }
            text += "\n"
        }
        try write("prediction.txt", text)
    }

    /// Writes `dis.txt`: `(i-A, j-B): d` for every pair of clusters with different labels.
    func writeClusterDistances(_ pairs: [ClusterPairDistance], clusters: [Cluster], labels: [String]) throws {
        try write("dis.txt", pairs.map { pair in
            let a = clusters[pair.first], b = clusters[pair.second]
            return "(\(a.key)-\(labels[a.label]), \(b.key)-\(labels[b.label])): \(Self.format(pair.distance))\n"
        }.joined())
    }
}
