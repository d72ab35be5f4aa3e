import ProbeGeometry
import ProbeKernels
import ProbeStore

/// A cluster as DirectProbe keeps it: a compact summary, never its points.
///
/// The points are gathered from the store only when a solver needs them.
///
/// A class, immutable: forward merging on a real layer copies thousands of clusters per merge
/// (the candidates, ordered and grouped), and a reference copies with one retain where the
/// struct's two arrays took two (retain and release were ~10% of a layer-6 profile).
public final class Cluster: Sendable {
    /// Identity of the point set, the key of the overlap checker's caches (equal nodes mean
    /// equal point sets). During probing, a node of the merge history: points are nodes
    /// 0..<n, merges and forward merging add nodes, a set-aside point is −1−row. A cluster
    /// given by number (``number``, the analysis and batch probing) belongs to no merge
    /// history: its node is its position among those clusters.
    public let node: Int
    /// The cluster's label (all members' label during probing; the majority label otherwise).
    public let label: Int
    /// Member rows, ascending.
    public let members: [Int32]
    /// Mean of the members (float64 accumulation, stored as float32).
    public let centroid: [Float]
    /// Largest member distance to the centroid.
    public let radius: Double
    /// The cluster's number in `clusters.txt` (the clusters of the analysis and of
    /// prediction); nil for a cluster of probing.
    public let number: Int?

    /// A cluster with these members and summary.
    public init(node: Int, label: Int, members: [Int32], centroid: [Float], radius: Double, number: Int? = nil) {
        self.node = node
        self.label = label
        self.members = members
        self.centroid = centroid
        self.radius = radius
        self.number = number
    }

    /// The number of members.
    public var count: Int { members.count }

    /// How result files and the analysis' pair cache name the cluster: its number in
    /// `clusters.txt`, else (a cluster of probing) its merge-history node.
    public var key: Int { number ?? node }
}

/// Computes cluster summaries and gathers cluster points from the store.
struct ClusterGeometry: Sendable {
    let points: LabeledPoints
    /// Rows gathered per read when streaming over a cluster's members: up to 4096, and at
    /// most 16 MiB of rows whatever the dimension (the sums run in point order either way).
    var gatherRows: Int { max(1, min(4096, (16 << 20) / max(1, points.dimension * MemoryLayout<Float>.size))) }

    /// The summary of the cluster with these members (two streaming passes: mean, radius):
    /// a cluster of probing by its merge-history `node`, or one given by `number` as well.
    ///
    /// With `threads` > 1, a cluster of at least ``parallelMembers`` points is summarised on
    /// that many threads, with the same values: each thread sums a range of coordinates over
    /// every point in point order (so each sum adds the same numbers in the same order), and
    /// the radius is the largest of the threads' largest distances (a maximum is exact).
    /// Forward merging summarises every candidate merge on its one thread, for clusters of up
    /// to thousands of points, while the other cores wait.
    func summary(node: Int, number: Int? = nil, label: Int, members: [Int32], threads: Int = 1) throws -> Cluster {
        let d = points.dimension
        let wanted = min(max(1, threads), 8)
        let parts = members.count >= ClusterGeometry.parallelMembers && d >= wanted ? wanted : 1
        /// `body` for each part, on the threads where there is more than one.
        func eachPart<T: Sendable>(_ body: @escaping @Sendable (Int) throws -> T) throws -> [T] {
            parts == 1 ? [try body(0)] : try parallelMap(parts, threads: parts, body)
        }
        // Mean: each block of rows gathered by parts of the rows, then summed by ranges of
        // coordinates, each continuing its own running sums.
        let blockRows = min(gatherRows, max(1, members.count))
        let block = try FloatScratch(count: blockRows * d, folder: nil)
        let matrix = points.matrix
        var sum = [Double](repeating: 0, count: d)
        var start = 0
        while start < members.count {
            let rows = members[start..<min(members.count, start + blockRows)].map(Int.init)
            _ = try eachPart { part in
                let range = (rows.count * part / parts)..<(rows.count * (part + 1) / parts)
                try matrix.gatherRows(Array(rows[range]),
                                      into: UnsafeMutableBufferPointer(start: block.pointer + range.lowerBound * d, count: range.count * d))
            }
            let running = sum
            sum = try eachPart { part in
                let coordinates = (d * part / parts)..<(d * (part + 1) / parts)
                var partial = Array(running[coordinates])
                partial.withUnsafeMutableBufferPointer { partial in
                    for r in 0..<rows.count {
                        let row = UnsafePointer(block.pointer + r * d + coordinates.lowerBound)
                        for k in 0..<coordinates.count { partial[k] += Double(row[k]) }
                    }
                }
                return partial
            }.flatMap { $0 }
            start += rows.count
        }
        let n = Double(members.count)
        let centroid = sum.map { Float($0 / n) }
        // Radius: the largest distance in each part of the members, then the largest of those.
        let largest = try eachPart { part -> Double in
            let range = (members.count * part / parts)..<(members.count * (part + 1) / parts)
            var radius = 0.0
            try forEachMemberBlock(Array(members[range])) { block, rows in
                centroid.withUnsafeBufferPointer { c in
                    for r in 0..<rows {
                        radius = max(radius, exactSquaredDistance(block.baseAddress! + r * d, c.baseAddress!, dimension: d))
                    }
                }
            }
            return radius
        }
        let radius = largest.reduce(0.0) { max($0, $1) }
        return Cluster(node: node, label: label, members: members, centroid: centroid, radius: radius.squareRoot(), number: number)
    }

    /// Members from which ``summary(node:number:label:members:threads:)`` uses its threads
    /// (at 2 048, a profile of layer 6 of the full supersense task found 1.5% of forward
    /// merging's calling-thread samples in summaries run on that thread alone).
    static let parallelMembers = 1024

    /// The members' points as a dense matrix for a solver.
    func pointMatrix(_ members: [Int32]) throws -> PointMatrix {
        let d = points.dimension
        var values = [Float](repeating: 0, count: members.count * d)
        try values.withUnsafeMutableBufferPointer { buffer in
            try points.matrix.gatherRows(members.map(Int.init), into: buffer)
        }
        return PointMatrix(count: members.count, dimension: d, values: values)
    }

    private func forEachMemberBlock(_ members: [Int32], _ body: (UnsafeMutableBufferPointer<Float>, Int) throws -> Void) throws {
        let d = points.dimension
        let buffer = UnsafeMutableBufferPointer<Float>.allocate(capacity: min(gatherRows, max(1, members.count)) * d)
        defer { buffer.deallocate() }
        var start = 0
        while start < members.count {
            let end = min(members.count, start + gatherRows)
            try points.matrix.gatherRows(members[start..<end].map(Int.init), into: buffer)
            try body(buffer, end - start)
            start = end
        }
    }
}
