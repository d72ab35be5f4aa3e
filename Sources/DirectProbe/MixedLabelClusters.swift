import Foundation
import ResultSchema

/// Finding and reporting clusters of a given `clusters.txt` whose members carry more than one label.
///
/// DirectProbe's clusters are single-label by construction, so a mixed cluster means the
/// clusters file does not belong to these entities (or was edited). The reference labels
/// such a cluster by its majority; so does this tool, but it says so, in the log and in
/// `summary.json` (`mixed_label_clusters`).
extension MixedLabelCluster {
    /// The mixed clusters among `lists`, in cluster order.
    static func find(in lists: [ClusterMembers], labels: [String]) -> [MixedLabelCluster] {
        lists.filter { !$0.mixedLabelCounts.isEmpty }.map { list in
            MixedLabelCluster(cluster: list.number, label: labels[list.label],
                              counts: Dictionary(uniqueKeysWithValues: list.mixedLabelCounts.map { (labels[$0.key], $0.value) }))
        }
    }

    /// Logs one warning line for the mixed clusters (up to 20 listed), if any.
    static func warn(_ mixed: [MixedLabelCluster], clusterFile: String, log: RunLog) {
        guard !mixed.isEmpty else { return }
        let shown = mixed.prefix(20).map { entry in
            "\(entry.cluster) (\(entry.counts.sorted { $0.value > $1.value || ($0.value == $1.value && $0.key < $1.key) }.map { "\($0.key): \($0.value)" }.joined(separator: ", ")))"
        }.joined(separator: "; ")
        log.info("WARNING: \(mixed.count) cluster(s) in \(clusterFile) mix labels; each is labelled by its majority: \(shown)\(mixed.count > 20 ? "; …" : "")")
    }
}
