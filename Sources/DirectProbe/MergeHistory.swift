import Foundation
import ProbeKernels
import ProbeStore
import Synchronization

/// The merge sequence of "merge to the end" (probing's first step: within each label,
/// centroid linkage merges the two closest clusters until each label is one cluster), kept
/// as a dendrogram.
///
/// Points are nodes `0..<pointCount`; merge k joins two nodes of one label into node
/// `pointCount + k`. Any state (the assignment after k merges) is replayed from it with
/// union-find in O(n): no per-step copies of the assignment are kept.
public struct MergeHistory: Sendable {
    /// One merge: two clusters of the same label joined at the distance of their centroids.
    public struct Merge: Sendable, Equatable {
        /// The two merged nodes.
        public let left: Int32
        public let right: Int32
        /// Their label.
        public let label: Int32
        /// Centroid distance at the time of the merge.
        public let distance: Double
    }

    /// The number of points (leaf nodes).
    public let pointCount: Int
    /// The merges, in the global order.
    public let merges: [Merge]

    /// The number of merges, m: states are numbered 0...m.
    public var stateCount: Int { merges.count + 1 }

    /// Merges every label to one cluster by centroid linkage, labels in parallel, and
    /// interleaves the per-label sequences by always taking the label whose next merge is
    /// the closest (ties: the lower label index).
    static func mergeToEnd(_ points: LabeledPoints, kernel: DistanceKernel, threads: Int, scratch: String? = nil,
                           progress: ProgressBar?) throws -> MergeHistory {
        let n = points.count
        var membersByLabel = [[Int]](repeating: [], count: points.labelSet.count)
        for (row, label) in points.labels.enumerated() { membersByLabel[Int(label)].append(row) }
        let rowsByLabel = membersByLabel
        let order = membersByLabel.indices.sorted { membersByLabel[$0].count > membersByLabel[$1].count }
        let results = LockedArray<Result<[LocalMerge], Error>>(count: membersByLabel.count, initial: .success([]))
        let done = Mutex(0)
        let kernelPerLabel = DistanceKernel(threadCount: 1, tileSize: kernel.tileSize)
        DispatchQueue.concurrentPerform(iterations: min(max(1, threads), max(1, order.count))) { worker in
            var position = worker
            while position < order.count {
                let label = order[position]
                results[label] = Result {
                    try labelMerges(rowsByLabel[label], points: points, kernel: kernelPerLabel, scratch: scratch) { amount in
                        progress?.update(Double(done.withLock { $0 += amount; return $0 }))
                    }
                }
                position += max(1, min(threads, order.count))
            }
        }
        var sequences: [[LocalMerge]] = []
        for label in membersByLabel.indices { sequences.append(try results[label].get()) }

        // k-way merge of the label sequences by distance.
        var next = [Int](repeating: 0, count: sequences.count)
        var nodeOfLocal = sequences.map { [Int32](repeating: -1, count: $0.count) }
        var merges: [Merge] = []
        merges.reserveCapacity(max(0, n - sequences.filter { !$0.isEmpty }.count))
        while true {
            var best = -1
            for label in sequences.indices where next[label] < sequences[label].count {
                if best < 0 || sequences[label][next[label]].distance < sequences[best][next[best]].distance { best = label }
            }
            if best < 0 { break }
            let local = sequences[best][next[best]]
            func node(_ reference: Int) -> Int32 {
                reference >= 0 ? Int32(reference) : nodeOfLocal[best][-reference - 1]
            }
            nodeOfLocal[best][next[best]] = Int32(n + merges.count)
            merges.append(Merge(left: node(local.left), right: node(local.right), label: Int32(best), distance: local.distance))
            next[best] += 1
        }
        return MergeHistory(pointCount: n, merges: merges)
    }

    /// A merge within one label: a reference ≥ 0 is a point, −(k+1) the label's merge k.
    struct LocalMerge {
        let left: Int
        let right: Int
        let distance: Double
    }

    /// Centroid linkage of one label's points (rows), to one cluster.
    private static func labelMerges(_ rows: [Int], points: LabeledPoints, kernel: DistanceKernel, scratch: String?,
                                    progress: (Int) -> Void) throws -> [LocalMerge] {
        guard rows.count > 1 else { return [] }
        let d = points.dimension
        let centroids = try FloatScratch(count: rows.count * d, folder: scratch)
        try centroids.withUnsafeMutableBufferPointer { try points.matrix.gatherRows(rows, into: $0) }
        var linkage = try CentroidLinkage(centroids: centroids, sizes: Array(repeating: 1, count: rows.count),
                                          dimension: d, kernel: kernel)
        var reference = rows          // what each slot currently holds
        var merges: [LocalMerge] = []
        merges.reserveCapacity(rows.count - 1)
        var reported = 0
        while let pair = linkage.closestPair() {
            merges.append(LocalMerge(left: reference[pair.first], right: reference[pair.second], distance: pair.distance))
            let kept = linkage.merge(pair)
            reference[kept] = -merges.count
            if merges.count - reported >= 256 {
                progress(merges.count - reported)
                reported = merges.count
            }
        }
        progress(merges.count - reported)
        return merges
    }

    /// The first state in which `node` exists: 0 for a point, k + 1 for the node of merge k.
    func birthState(of node: Int) -> Int {
        node < pointCount ? 0 : node - pointCount + 1
    }

    /// The two nodes that merge `node` joined; nil for a point.
    func children(of node: Int) -> (Int, Int)? {
        guard node >= pointCount else { return nil }
        let merge = merges[node - pointCount]
        return (Int(merge.left), Int(merge.right))
    }

    /// The points under `node`, ascending.
    func members(of node: Int) -> [Int32] {
        var found: [Int32] = []
        var stack = [node]
        while let top = stack.popLast() {
            if let (left, right) = children(of: top) {
                stack.append(left)
                stack.append(right)
            } else {
                found.append(Int32(top))
            }
        }
        return found.sorted()
    }

    /// For every point, the node of its cluster after the first `k` merges.
    public func assignment(afterMerges k: Int) -> [Int32] {
        precondition(k >= 0 && k <= merges.count, "state \(k) outside 0...\(merges.count)")
        var parent = [Int32](repeating: -1, count: pointCount + k)
        for (index, merge) in merges.prefix(k).enumerated() {
            parent[Int(merge.left)] = Int32(pointCount + index)
            parent[Int(merge.right)] = Int32(pointCount + index)
        }
        var root = [Int32](repeating: 0, count: pointCount)
        // Resolve from the newest nodes down, so each node's root is known when its children ask.
        var nodeRoot = [Int32](repeating: -1, count: pointCount + k)
        for node in stride(from: pointCount + k - 1, through: 0, by: -1) {
            let p = parent[node]
            nodeRoot[node] = p < 0 ? Int32(node) : nodeRoot[Int(p)]
        }
        for point in 0..<pointCount { root[point] = nodeRoot[point] }
        return root
    }
}
