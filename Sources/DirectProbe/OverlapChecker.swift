import Foundation
import ProbeGeometry
import ProbeKernels
import ProbeStore

/// Decides whether clusters of different labels overlap (their convex hulls intersect),
/// with the reference's sphere pre-filter and a cache of verdicts by point-set identity.
///
/// Only pairs whose bounding spheres intersect reach the solver; each verdict comes from
/// `separability` with a certificate (a hyperplane, or a common point). Pairs of one
/// state are solved concurrently; the answer does not depend on the thread count.
final class OverlapChecker: @unchecked Sendable {
    private let geometry: ClusterGeometry
    private let threads: Int
    private var verdicts: [NodePair: Bool] = [:]   // true: overlapping
    private let lock = NSLock()
    /// Solver calls made (for the log).
    private(set) var solverCalls = 0

    private let pointCache: PointCache

    /// Creates a checker; up to `cacheBytes` of gathered cluster points are kept for reuse
    /// (a cluster is often checked against many others, and again at the next attempt).
    init(geometry: ClusterGeometry, threads: Int, cacheBytes: Int = 256 << 20, hyperplaneBytes: Int = 128 << 20) {
        self.geometry = geometry
        self.threads = max(1, threads)
        pointCache = PointCache(geometry: geometry, capacityBytes: cacheBytes)
        hyperplanes = HyperplaneCache(capacityBytes: hyperplaneBytes)
    }

    /// Whether pairs are first tried with cheap certificates (reused and centroid-difference
    /// hyperplanes) before the solver.
    var usesCertificates = true

    /// Separating hyperplanes of recent verdicts, reused when a cluster grows.
    private let hyperplanes: HyperplaneCache
    /// Verdicts proven by reusing a part's hyperplane (for the log).
    private(set) var reusedHyperplanes = 0
    /// Verdicts proven by the hyperplane normal to the centroid difference (for the log).
    private(set) var centroidCertificates = 0

    /// How one pair was decided.
    private enum Method { case solver, reused, centroid }

    /// Whether any two clusters of different labels in `clusters` overlap.
    func anyOverlap(in clusters: [Cluster], progress: ProgressBar? = nil) throws -> Bool {
        try firstOverlap(in: clusters, progress: progress) != nil
    }

    /// An overlapping pair of clusters of different labels in `clusters`, or nil if none.
    ///
    /// Pairs are tried deepest sphere overlap first (the likeliest to overlap: an overlapping
    /// state is usually decided by its first few solves); the pair returned is the first
    /// overlapping one in that order.
    ///
    /// `parts(c)`, when given, names the two clusters `c` was merged from (a state's cluster
    /// and its children in the merge history): a hyperplane stored for a child and the other
    /// cluster of a pair is then re-checked on the other child's points before any solve.
    func firstOverlap(in clusters: [Cluster], progress: ProgressBar? = nil,
                      parts: ((Cluster) -> (Int, Int)?)? = nil, members: ((Int) -> [Int32])? = nil) throws -> (Cluster, Cluster)? {
        let pairs = try SphereFilter.candidatePairs(clusters)
        let depths = pairs.map { sphereGap(clusters[$0.0], clusters[$0.1]) }
        // Ties keep the pairs' ascending order (the sort is on positions, stable by index).
        let order = pairs.indices.sorted { (i: Int, j: Int) -> Bool in depths[i] != depths[j] ? depths[i] < depths[j] : i < j }
        var partsOf: ((Cluster, Cluster) -> [Cluster])? = nil
        if let parts, let members {
            // Children as clusters (node and members: what the point cache and the re-check
            // use), built only where a child has a stored hyperplane with the other cluster.
            partsOf = { target, other in
                guard let (left, right) = parts(target),
                      self.hyperplanes.contains(left, other.node) || self.hyperplanes.contains(right, other.node) else { return [] }
                return [left, right].map { Cluster(node: $0, label: target.label, members: members($0), centroid: [], radius: 0) }
            }
        }
        return try firstOverlap(order.map { (clusters[pairs[$0].0], clusters[pairs[$0].1]) }, partsOf: partsOf, progress: progress)
    }

    /// Whether `cluster` overlaps any of `candidates` (clusters of other labels whose spheres
    /// are already known to meet its sphere). `parts` are the clusters `cluster` was merged
    /// from: a hyperplane that separated a part from a candidate is tried first, with only the
    /// other parts' points to check.
    func overlapsAny(_ cluster: Cluster, parts: [Cluster] = [], candidates: [Cluster]) throws -> Bool {
        // The deepest sphere overlaps first: they are the likeliest to overlap, and the first
        // overlap ends the check.
        let depths = candidates.map { sphereGap(cluster, $0) }
        let order = candidates.indices.sorted { (i: Int, j: Int) -> Bool in
            depths[i] != depths[j] ? depths[i] < depths[j] : candidates[i].node < candidates[j].node
        }
        return try firstOverlap(order.map { (cluster, candidates[$0]) }, partsOf: { target, _ in target.node == cluster.node ? parts : [] },
                                progress: nil) != nil
    }

    /// Solves candidate pairs (cache first) in parallel batches; returns the first
    /// overlapping pair in the given order, or nil when every pair is separable.
    private func firstOverlap(_ pairs: [(Cluster, Cluster)], partsOf: ((Cluster, Cluster) -> [Cluster])?,
                              progress: ProgressBar?) throws -> (Cluster, Cluster)? {
        var pending: [(Cluster, Cluster)] = []
        for (a, b) in pairs {
            if let cached = cached(a, b) {
                if cached { return (a, b) }
            } else {
                pending.append((a, b))
            }
        }
        let batch = threads * 4
        var start = 0
        while start < pending.count {
            let slice = Array(pending[start..<min(pending.count, start + batch)])
            let results = LockedArray<Result<(Bool, Method), Error>>(count: slice.count, initial: .success((false, .solver)))
            // The parts of each side, on this thread (building them may walk the merge history).
            let partsA = slice.map { usesCertificates ? partsOf?($0.0, $0.1) ?? [] : [] }
            let partsB = slice.map { usesCertificates ? partsOf?($0.1, $0.0) ?? [] : [] }
            DispatchQueue.concurrentPerform(iterations: slice.count) { index in
                let (a, b) = slice[index]
                results[index] = Result { try self.decide(a, b, partsA: partsA[index], partsB: partsB[index]) }
            }
            var found: (Cluster, Cluster)? = nil
            for (index, (a, b)) in slice.enumerated() {
                let (overlapping, method) = try results[index].get()
                store(a, b, overlapping)
                if overlapping && found == nil { found = (a, b) }
                switch method {
                case .solver: solverCalls += 1
                case .reused: reusedHyperplanes += 1
                case .centroid: centroidCertificates += 1
                }
            }
            start += slice.count
            progress?.update(Double(start))
            if let found { return found }
        }
        return nil
    }

    /// Decides one pair: a part's stored hyperplane, else the centroid-difference hyperplane,
    /// else the solver. Each certificate is a hyperplane checked against every point of both
    /// clusters with a margin above the overlap tolerance, as the solver's own.
    private func decide(_ a: Cluster, _ b: Cluster, partsA: [Cluster], partsB: [Cluster]) throws -> (Bool, Method) {
        let pointsA = try pointCache.points(a), pointsB = try pointCache.points(b)
        guard usesCertificates else {
            return (separability(pointsA, pointsB).verdict == .overlapping, .solver)
        }
        let scale = max(pointsA.summary?.largestNorm ?? 0, pointsB.summary?.largestNorm ?? 0)
        let tolerance = overlapTolerance(for: pointsA, pointsB, scale: scale)
        // 1. A hyperplane that separated a part of one side from the other side: only the
        //    other parts' points are new on that side.
        if let plane = try reusedHyperplane(merged: a, parts: partsA, other: b, tolerance: tolerance)
            ?? reusedHyperplane(merged: b, parts: partsB, other: a, tolerance: tolerance) {
            hyperplanes.store(a.node, b.node, plane)
            return (false, .reused)
        }
        // 2. The hyperplane normal to the centroid difference.
        let direction = (0..<a.centroid.count).map { Float(Double(b.centroid[$0]) - Double(a.centroid[$0])) }
        if let plane = certify(direction, low: pointsA, lowNode: a.node, high: pointsB, tolerance: tolerance) {
            hyperplanes.store(a.node, b.node, plane)
            return (false, .centroid)
        }
        // 3. The solver, resuming from a part's corral where one is stored.
        let verdict = separability(pointsA, pointsB, warmStart: warmStart(a, b, partsA: partsA, partsB: partsB))
        if verdict.verdict == .overlapping { return (true, .solver) }
        // Its normal points from B towards A: B is the low side.
        if var plane = certify(verdict.normal.map { Float($0) }, low: pointsB, lowNode: b.node, high: pointsA, tolerance: tolerance) {
            plane.corral = StoredCorral(verdict.corral, aIsLow: false, membersA: a.members, membersB: b.members)
            hyperplanes.store(a.node, b.node, plane)
        }
        return (false, .solver)
    }

    /// The corral stored with a part's hyperplane, as vertices of A − B for the pair (a, b)
    /// (a part of a with b, else a with a part of b); empty if none is stored.
    private func warmStart(_ a: Cluster, _ b: Cluster, partsA: [Cluster], partsB: [Cluster]) -> [CorralVertex] {
        for (part, other, partIsA) in partsA.map({ ($0, b, true) }) + partsB.map({ ($0, a, false) }) {
            guard let plane = hyperplanes.hyperplane(part.node, other.node), let corral = plane.corral else { continue }
            // The low side of the stored plane is the side of `a` or of `b`.
            let lowIsA = (plane.lowNode == part.node) == partIsA
            let vertices = lowIsA ? corral.vertices(low: a.members, high: b.members)
                                  : corral.vertices(low: b.members, high: a.members)
                                      .map { CorralVertex(indexA: $0.indexB, indexB: $0.indexA, weight: $0.weight) }
            if !vertices.isEmpty { return vertices }
        }
        return []
    }

    /// A stored hyperplane between a part of `merged` and `other`, re-checked on the other
    /// parts' points, as the hyperplane between `merged` and `other`; nil if none holds.
    private func reusedHyperplane(merged: Cluster, parts: [Cluster], other: Cluster, tolerance: Double) throws -> SeparatingHyperplane? {
        for part in parts {
            guard let plane = hyperplanes.hyperplane(part.node, other.node) else { continue }
            let direction = plane.direction
            var lowMax = plane.lowMax, highMin = plane.highMin
            let partIsLow = plane.lowNode == part.node
            for rest in parts where rest.node != part.node {
                let range = projectionRange(try pointCache.points(rest), along: direction)
                if partIsLow { lowMax = max(lowMax, range.max) } else { highMin = min(highMin, range.min) }
            }
            if (highMin - lowMax) / plane.norm > tolerance {
                return SeparatingHyperplane(normal: plane.normal, lowNode: partIsLow ? merged.node : other.node,
                                            lowMax: lowMax, highMin: highMin, corral: plane.corral)
            }
        }
        return nil
    }

    /// The hyperplane with this normal between `low` and `high`, if its margin over every
    /// point exceeds the tolerance.
    private func certify(_ normal: [Float], low: PointMatrix, lowNode: Int, high: PointMatrix, tolerance: Double) -> SeparatingHyperplane? {
        let direction = normal.map(Double.init)
        let norm = direction.reduce(0) { $0 + $1 * $1 }.squareRoot()
        guard norm > 0 else { return nil }
        let lowRange = projectionRange(low, along: direction)
        let highRange = projectionRange(high, along: direction)
        guard (highRange.min - lowRange.max) / norm > tolerance else { return nil }
        return SeparatingHyperplane(normal: normal, lowNode: lowNode, lowMax: lowRange.max, highMin: highRange.min)
    }

    private func cached(_ a: Cluster, _ b: Cluster) -> Bool? {
        lock.lock(); defer { lock.unlock() }
        return verdicts[NodePair(a.node, b.node)]
    }

    private func store(_ a: Cluster, _ b: Cluster, _ overlapping: Bool) {
        lock.lock(); defer { lock.unlock() }
        verdicts[NodePair(a.node, b.node)] = overlapping
    }
}

/// The solver's overlap tolerance for a pair, from the largest point norm when known.
private func overlapTolerance(for a: PointMatrix, _ b: PointMatrix, scale: Double) -> Double {
    scale > 0 ? overlapTolerance(scale: scale) : overlapTolerance(for: a, b)
}

/// The gap between two bounding spheres, `|c1 − c2| − r1 − r2` (negative when they overlap).
func sphereGap(_ a: Cluster, _ b: Cluster) -> Double {
    let distance = a.centroid.withUnsafeBufferPointer { x in
        b.centroid.withUnsafeBufferPointer { y in
            exactSquaredDistance(x.baseAddress!, y.baseAddress!, dimension: x.count).squareRoot()
        }
    }
    return distance - a.radius - b.radius
}

/// Two closed bounding spheres intersect: `r1 + r2 ≥ |c1 − c2|`.
///
/// The reference tests `>` (open balls), which lets two identical points of different
/// labels (radius 0, distance 0) pass as separable; `≥` keeps every pair whose hulls can
/// touch.
func spheresIntersect(_ a: Cluster, _ b: Cluster) -> Bool {
    let d = a.centroid.withUnsafeBufferPointer { x in
        b.centroid.withUnsafeBufferPointer { y in
            exactSquaredDistance(x.baseAddress!, y.baseAddress!, dimension: x.count).squareRoot()
        }
    }
    return a.radius + b.radius >= d
}

/// An unordered pair of cluster nodes (point-set identities).
public struct NodePair: Hashable, Sendable {
    /// The smaller node.
    public let first: Int
    /// The larger node.
    public let second: Int
    /// The pair of `a` and `b`, in either order.
    public init(_ a: Int, _ b: Int) {
        first = min(a, b)
        second = max(a, b)
    }
}

/// Finds the pairs of clusters of different labels whose bounding spheres intersect.
enum SphereFilter {
    /// Candidate pairs (i < j), in ascending order. Centroid distances are tiled through
    /// sgemm; a pair near the threshold is re-tested exactly, so none is missed.
    static func candidatePairs(_ clusters: [Cluster]) throws -> [(Int, Int)] {
        let k = clusters.count
        guard k > 1 else { return [] }
        let d = clusters[0].centroid.count
        let tile = min(512, k, max(8, (16 << 20) / max(1, d * MemoryLayout<Float>.size)))  // bounded at high dimension; pairs are exact either way
        var pairs: [(Int, Int)] = []
        var xs = [Float](repeating: 0, count: tile * d), ys = xs
        var xn = [Float](repeating: 0, count: tile), yn = xn
        var out = [Float](repeating: 0, count: tile * tile)
        func load(_ range: Range<Int>, into rows: inout [Float], norms: inout [Float]) {
            for (r, c) in range.enumerated() {
                for q in 0..<d { rows[r * d + q] = clusters[c].centroid[q] }
            }
            rows.withUnsafeBufferPointer { rowsBuffer in
                norms.withUnsafeMutableBufferPointer { n in
                    squaredRowNorms(UnsafeBufferPointer(rebasing: rowsBuffer[0..<(range.count * d)]), dimension: d,
                                    into: UnsafeMutableBufferPointer(rebasing: n[0..<range.count]))
                }
            }
        }
        var i0 = 0
        while i0 < k {
            let rangeI = i0..<min(k, i0 + tile)
            load(rangeI, into: &xs, norms: &xn)
            var j0 = i0
            while j0 < k {
                let rangeJ = j0..<min(k, j0 + tile)
                load(rangeJ, into: &ys, norms: &yn)
                xs.withUnsafeBufferPointer { x in ys.withUnsafeBufferPointer { y in
                    xn.withUnsafeBufferPointer { xnb in yn.withUnsafeBufferPointer { ynb in
                        out.withUnsafeMutableBufferPointer { o in
                            squaredDistances(x: x, xNorms: UnsafeBufferPointer(rebasing: xnb[0..<rangeI.count]),
                                             y: y, yNorms: UnsafeBufferPointer(rebasing: ynb[0..<rangeJ.count]),
                                             dimension: d, into: o)
                        }
                    } }
                } }
                for (a, i) in rangeI.enumerated() {
                    for (b, j) in rangeJ.enumerated() where j > i && clusters[i].label != clusters[j].label {
                        let reach = clusters[i].radius + clusters[j].radius
                        // Float32 tiles err by ~d·2⁻²⁴·(‖x‖²+‖y‖²): keep a generous margin, then decide exactly.
                        let slack = 1e-4 * Double(xn[a] + yn[b]) + 1e-12
                        if Double(out[a * rangeJ.count + b]) <= reach * reach + slack {
                            if spheresIntersect(clusters[i], clusters[j]) { pairs.append((i, j)) }
                        }
                    }
                }
                j0 = rangeJ.upperBound
            }
            i0 = rangeI.upperBound
        }
        return pairs
    }
}

/// Gathered cluster points (with their summaries), kept by node id (an immutable point set)
/// within a byte budget (a `GenerationalCache`). Thread-safe.
struct PointCache: Sendable {
    private let geometry: ClusterGeometry
    private let entries: GenerationalCache<Int, PointMatrix>

    init(geometry: ClusterGeometry, capacityBytes: Int) {
        self.geometry = geometry
        entries = GenerationalCache(capacityBytes: capacityBytes) { $0.values.count * MemoryLayout<Float>.size }
    }

    /// The cluster's points, from the cache or gathered from the store.
    func points(_ cluster: Cluster) throws -> PointMatrix {
        if let found = entries.value(cluster.node) { return found }
        let gathered = try geometry.pointMatrix(cluster.members).summarized()
        entries.store(cluster.node, gathered)
        return gathered
    }
}
