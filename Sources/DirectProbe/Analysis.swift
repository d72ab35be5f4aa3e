import Foundation
import ProbeGeometry
import ProbeKernels
import ProbeStore

/// The closer-look measures of a clustering, per label and per label pair, over the clusters
/// of more than 5 points: for each pair of labels, the mean hull distance between their
/// clusters; for each label, the smallest of its pair distances (outside min) and, over its
/// clusters, the mean and the largest distance between two members (inside mean, inside max).
public struct Analysis: Sendable {
    /// Labels in sorted order.
    public let labels: [String]
    /// Mean hull distance per label pair (i < j, row-major over the upper triangle); 0 if no pair.
    public let labelPairDistances: [Double]
    /// Per label: the smallest of its label-pair distances (0 if none).
    public let outsideMin: [Double]
    /// Per label: mean over its clusters of the mean pairwise member distance (0 if none).
    public let insideMean: [Double]
    /// Per label: max over its clusters of the largest pairwise member distance (0 if none).
    public let insideMax: [Double]
    /// Every pair of analysed clusters with different labels and its hull distance.
    public let clusterPairs: [ClusterPairDistance]
    /// The analysed clusters (more than 5 points), in order.
    public let clusters: [Cluster]

    /// The label pairs in the order of `labelPairDistances`.
    public var labelPairs: [(Int, Int)] {
        (0..<labels.count).flatMap { i in ((i + 1)..<labels.count).map { (i, $0) } }
    }

    /// The smallest positive outside-min distance (`global min dis`), or nil.
    public var globalMinimum: Double? { outsideMin.filter { $0 > 0 }.min() }
    /// The mean of the positive inside-mean distances, or nil.
    public var meanInsideMean: Double? { mean(insideMean.filter { $0 > 0 }) }
    /// The largest positive inside-max distance, or nil.
    public var maxInsideMax: Double? { insideMax.filter { $0 > 0 }.max() }
    /// Mean over labels of inside max / outside min, where both are non-zero.
    public var insideMaxOverOutsideMin: Double? { mean(zip(insideMax, outsideMin).filter { $0 != 0 && $1 != 0 }.map { $0 / $1 }) }
    /// Mean over labels of inside mean / outside min, where both are non-zero.
    public var insideMeanOverOutsideMin: Double? { mean(zip(insideMean, outsideMin).filter { $0 != 0 && $1 != 0 }.map { $0 / $1 }) }
}

/// A cluster's number (in `clusters.txt`), majority label and member rows.
public struct ClusterMembers: Sendable {
    /// The cluster number.
    public let number: Int
    /// The majority label.
    public let label: Int
    /// Member rows, ascending.
    public let members: [Int32]
    /// How many members carry each label, when more than one label occurs (else empty).
    public var mixedLabelCounts: [Int: Int] = [:]
}

/// Two clusters of the analysis by their ``Cluster/key``s, in either order (the cache of
/// pair distances that prediction hands to the analysis).
public typealias ClusterKeyPair = NodePair

/// The hull distance between two analysed clusters.
public struct ClusterPairDistance: Sendable {
    /// Positions of the two clusters in `Analysis.clusters`.
    public let first: Int
    public let second: Int
    /// Exact distance between their convex hulls (0 when they intersect).
    public let distance: Double
    /// Certified lower bound from the separating hyperplane (0 when they intersect).
    public let lowerBound: Double
}

private func mean(_ values: [Double]) -> Double? {
    values.isEmpty ? nil : values.reduce(0, +) / Double(values.count)
}

/// Computes the analysis of a set of clusters over the store's points.
public struct Analyzer {
    let points: LabeledPoints
    let threads: Int
    let showProgress: Bool
    let log: RunLog
    /// The memory budget, which sizes the distance kernel's blocks at high dimension.
    public var memory: MemoryBudget = .automatic

    /// Creates an analyzer.
    public init(points: LabeledPoints, threads: Int, showProgress: Bool, log: RunLog) {
        self.points = points
        self.threads = max(1, threads)
        self.showProgress = showProgress
        self.log = log
    }

    /// Groups a `clusters.txt`-style assignment (cluster number per point) into clusters,
    /// each with its majority label (ties: the label met first in point order), keeping only
    /// clusters of more than `minimumSize` points. Numbering follows the assignment.
    public func memberLists(fromAssignment assignment: [Int], minimumSize: Int = 5) -> [ClusterMembers] {
        Self.memberLists(fromAssignment: assignment, labels: points.labels, minimumSize: minimumSize)
    }

    /// `memberLists(fromAssignment:minimumSize:)` for points with these labels.
    public static func memberLists(fromAssignment assignment: [Int], labels: [Int32], minimumSize: Int = 5) -> [ClusterMembers] {
        var lists: [ClusterMembers] = []
        // Grouped by sorting, not by indexing with the numbers: memory never depends on the largest number.
        for (number, rows) in ClusterFile.group(assignment) where rows.count > minimumSize && !rows.isEmpty {
            var counts: [Int32: Int] = [:]
            var firstSeen: [Int32] = []
            for row in rows {
                let label = labels[Int(row)]
                if counts[label] == nil { firstSeen.append(label) }
                counts[label, default: 0] += 1
            }
            let top = counts.values.max() ?? 0
            let label = firstSeen.first { counts[$0] == top } ?? 0
            var members = ClusterMembers(number: number, label: Int(label), members: rows)
            if counts.count > 1 { members.mixedLabelCounts = Dictionary(uniqueKeysWithValues: counts.map { (Int($0.key), $0.value) }) }
            lists.append(members)
        }
        return lists
    }

    /// The summaries (centroid, radius) of the given clusters, in parallel over clusters; each
    /// keeps its number, and its position in `lists` is its node.
    public func summaries(_ lists: [ClusterMembers]) throws -> [Cluster] {
        let geometry = ClusterGeometry(points: points)
        return try parallelMap(lists.count, threads: threads) { index in
            try geometry.summary(node: index, number: lists[index].number, label: lists[index].label, members: lists[index].members)
        }
    }

    /// The exact hull distance of every pair of clusters with different labels (i < j),
    /// in parallel over pairs; pairs found in `known` (by cluster keys, ``Cluster/key``) are not solved again.
    public func clusterDistances(_ clusters: [Cluster], known: [ClusterKeyPair: ClusterPairDistance] = [:]) throws -> [ClusterPairDistance] {
        var pairs: [(Int, Int)] = []
        for i in clusters.indices {
            for j in (i + 1)..<clusters.count where clusters[i].label != clusters[j].label { pairs.append((i, j)) }
        }
        log.info("Computing the distances between clusters: \(pairs.count) pairs")
        let bar = showProgress ? ProgressBar("hull distances", total: Double(pairs.count)) : nil
        defer { bar?.finish() }
        let geometry = ClusterGeometry(points: points)
        let pairList = pairs
        // Where the clusters' points fit in a small budget, each is gathered once (instead of
        // once per pair), and a cluster measured against single points gets its Gram matrix
        // (PointHull): a point-to-hull distance is then a small problem.
        let totalBytes = clusters.reduce(0) { $0 + $1.count } * points.dimension * MemoryLayout<Float>.size
        let gathered: [PointMatrix]? = totalBytes <= 64 << 20
            ? try clusters.map { try geometry.pointMatrix($0.members).summarized() } : nil
        var hulls = [PointHull?](repeating: nil, count: clusters.count)
        if let gathered {
            for (i, j) in pairs where clusters[i].count == 1 || clusters[j].count == 1 {
                for side in [i, j] where clusters[side].count > 1 && clusters[side].count <= PointHull.maximumCount && hulls[side] == nil {
                    hulls[side] = PointHull(gathered[side])
                }
            }
        }
        let pointHulls = hulls
        return try parallelMap(pairList.count, threads: threads, progress: bar) { index in
            let (i, j) = pairList[index]
            if let cached = known[ClusterKeyPair(clusters[i].key, clusters[j].key)] {
                return ClusterPairDistance(first: i, second: j, distance: cached.distance, lowerBound: cached.lowerBound)
            }
            let a = try gathered?[i] ?? geometry.pointMatrix(clusters[i].members)
            let b = try gathered?[j] ?? geometry.pointMatrix(clusters[j].members)
            let solved: HullSeparation
            if b.count == 1, let hull = pointHulls[i] {
                solved = hull.distance(to: Array(b.point(0)), relativeAccuracy: 1e-7)
            } else if a.count == 1, let hull = pointHulls[j] {
                solved = hull.distance(to: Array(a.point(0)), relativeAccuracy: 1e-7)
            } else {
                solved = hullDistance(a, b, relativeAccuracy: 1e-7)
            }
            let overlapping = solved.verdict == .overlapping
            return ClusterPairDistance(first: i, second: j, distance: overlapping ? 0 : solved.upperBound,
                                       lowerBound: overlapping ? 0 : solved.lowerBound)
        }
    }

    /// Computes every measure for `clusters` (already filtered).
    public func analyze(_ clusters: [Cluster], known: [ClusterKeyPair: ClusterPairDistance] = [:]) throws -> Analysis {
        let labelCount = points.labelSet.count
        let clusterPairs = try clusterDistances(clusters, known: known)

        // Label-pair means, in the reference's order of accumulation (cluster pairs ascending).
        var sums = [Double](repeating: 0, count: labelCount * labelCount)
        var counts = [Int](repeating: 0, count: labelCount * labelCount)
        for pair in clusterPairs {
            let a = clusters[pair.first].label, b = clusters[pair.second].label
            let key = min(a, b) * labelCount + max(a, b)
            sums[key] += pair.distance
            counts[key] += 1
        }
        func labelDistance(_ a: Int, _ b: Int) -> Double? {
            let key = min(a, b) * labelCount + max(a, b)
            return counts[key] > 0 ? sums[key] / Double(counts[key]) : nil
        }
        var vector: [Double] = []
        for i in 0..<labelCount { for j in (i + 1)..<labelCount { vector.append(labelDistance(i, j) ?? 0) } }
        let outsideMin = (0..<labelCount).map { a in
            (0..<labelCount).compactMap { b in a == b ? nil : labelDistance(a, b) }.min() ?? 0
        }

        log.info("Computing the inside distances...")
        let kernel = DistanceKernel(threadCount: threads, tileSize: memory.kernelTileRows(dimension: points.dimension))
        let rows = StoreRows(matrix: points.matrix)
        var meansByLabel = [[Double]](repeating: [], count: labelCount)
        var maxByLabel = [Double](repeating: 0, count: labelCount)
        for cluster in clusters where cluster.count > 1 {
            let stats = try kernel.pairwiseStatistics(of: PointSet(rows, indices: cluster.members.map(Int.init)))
            meansByLabel[cluster.label].append(stats.mean)
            maxByLabel[cluster.label] = max(maxByLabel[cluster.label], stats.max)
        }
        let insideMean = meansByLabel.map { mean($0) ?? 0 }
        return Analysis(labels: points.labelSet.labels, labelPairDistances: vector, outsideMin: outsideMin,
                        insideMean: insideMean, insideMax: maxByLabel, clusterPairs: clusterPairs, clusters: clusters)
    }
}

/// The store's embeddings as a kernel row source (gathers go through the block reader).
struct StoreRows: RowBlockSource {
    let matrix: EmbeddingMatrix
    var rowCount: Int { matrix.rowCount }
    var dimension: Int { matrix.dimension }
    func readRows(_ rows: Range<Int>, into buffer: UnsafeMutableBufferPointer<Float>) throws {
        try matrix.readRows(rows, into: buffer)
        matrix.prefetch(rows.upperBound..<(rows.upperBound + rows.count))  // the kernel reads blocks in order
    }
    func readRows(at indices: ArraySlice<Int>, into buffer: UnsafeMutableBufferPointer<Float>) throws {
        try matrix.gatherRows(Array(indices), into: buffer)
    }
}
