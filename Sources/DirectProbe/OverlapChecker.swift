import Foundation
import Synchronization
import ProbeGeometry
import ProbeKernels
import ProbeStore

/// Decides whether clusters of different labels overlap (their convex hulls intersect),
/// with the reference's sphere pre-filter and a cache of verdicts by point-set identity.
///
/// Only pairs whose bounding spheres intersect reach the solver; each verdict comes from
/// `separability` with a certificate (a hyperplane, or a common point). Pairs of one
/// state are solved concurrently; the answer does not depend on the thread count.
final class OverlapChecker: Sendable {
    private let geometry: ClusterGeometry
    private let threads: Int
    /// Whether pairs are first tried with cheap certificates (reused and centroid-difference
    /// hyperplanes) before the solver.
    let usesCertificates: Bool
    private let pointCache: PointCache
    /// Separating hyperplanes of recent verdicts, reused when a cluster grows.
    private let hyperplanes: HyperplaneCache
    /// Centroids of clusters that no longer take part (the parts of accepted merges), for the
    /// hyperplanes kept as their centroid difference with another cluster (``retire(_:)``).
    private let retiredCentroids: GenerationalCache<Int, [Float]>
    /// The verdict table and the counters for the log.
    private let state = Mutex(State())
    /// Runs ``forgetHyperplanes(of:with:)``'s releases, one at a time, in order.
    private let releaseQueue = DispatchQueue(label: "probe.hyperplane-release")
    /// The release under way on `releaseQueue`, if any.
    private let pendingReleases = DispatchGroup()

    private struct State {
        /// Verdicts by point-set pair (true: overlapping).
        var verdicts: [NodePair: Bool] = [:]
        /// The nodes of the pairs in `verdicts`.
        var nodesWithVerdicts: Set<Int> = []
        var solverCalls = 0
        var unprovenOverlaps = 0
        var reusedHyperplanes = 0
        var centroidCertificates = 0
    }

    /// Creates a checker; up to `cacheBytes` of gathered cluster points are kept for reuse
    /// (a cluster is often checked against many others, and again at the next attempt).
    /// `corralIterations`: solver iterations from which a separable pair's corral is kept.
    init(geometry: ClusterGeometry, threads: Int, cacheBytes: Int = 256 << 20, hyperplaneBytes: Int = 128 << 20,
         usesCertificates: Bool = true, corralIterations: Int = OverlapChecker.warmStartIterations) {
        self.geometry = geometry
        self.corralIterations = corralIterations
        self.threads = max(1, threads)
        self.usesCertificates = usesCertificates
        pointCache = PointCache(geometry: geometry, capacityBytes: cacheBytes)
        hyperplanes = HyperplaneCache(capacityBytes: hyperplaneBytes)
        retiredCentroids = GenerationalCache(capacityBytes: hyperplaneBytes / 4) { $0.count * MemoryLayout<Float>.size + 64 }
    }

    /// Solver calls made (for the log).
    var solverCalls: Int { state.withLock { $0.solverCalls } }
    /// Solver verdicts "overlapping" without a certificate: the solve ended on rounding with
    /// neither two points within the tolerance nor a separating hyperplane (for the log).
    var unprovenOverlaps: Int { state.withLock { $0.unprovenOverlaps } }
    /// Verdicts proven by reusing a part's hyperplane (for the log).
    var reusedHyperplanes: Int { state.withLock { $0.reusedHyperplanes } }
    /// Verdicts proven by the hyperplane normal to the centroid difference (for the log).
    var centroidCertificates: Int { state.withLock { $0.centroidCertificates } }

    /// How many of the deepest sphere overlaps ``overlapsAny(_:parts:candidates:gaps:records:)``
    /// searches for suspects (near-touching pairs, decided before the batch certificates).
    static let suspectDepth = 16

    /// Solver iterations from which a separable pair's corral is kept for warm starts.
    static let warmStartIterations = 64
    /// This checker's threshold (``warmStartIterations`` unless a test lowers it).
    private let corralIterations: Int

    /// How one pair was decided.
    private enum Method { case solver, reused, centroid }

    /// The verdict on one pair, how it was reached, and the hyperplane to keep for it (stored
    /// by the caller, so that only the decisions it uses leave a trace in the cache).
    private struct Decision {
        var overlapping: Bool
        var method: Method
        /// An overlap the solver ended on without its certificate (see ``unprovenOverlaps``).
        var unproven = false
        var hyperplane: SeparatingHyperplane? = nil
    }

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
    ///
    /// `candidates`, when given, are the pairs whose spheres meet, as
    /// ``SphereFilter/candidatePairs(_:threads:)`` finds them (the first error search keeps
    /// them from one tested state to the next: ``IncrementalSphereFilter``).
    func firstOverlap(in clusters: [Cluster], candidates: [(Int, Int)]? = nil, progress: ProgressBar? = nil,
                      parts: (@Sendable (Cluster) -> (Int, Int)?)? = nil,
                      members: (@Sendable (Int) -> [Int32])? = nil) throws -> (Cluster, Cluster)? {
        settleReleases()
        let pairs = candidates ?? SphereFilter.candidatePairs(clusters, threads: threads)
        let depths = pairs.map { sphereGap(clusters[$0.0], clusters[$0.1]) }
        // Ties keep the pairs' ascending order (the sort is on positions, stable by index).
        let order = pairs.indices.sorted { (i: Int, j: Int) -> Bool in depths[i] != depths[j] ? depths[i] < depths[j] : i < j }
        var partsOf: (@Sendable (Cluster, Cluster) -> [Cluster])? = nil
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
    ///
    /// `gaps`, when given, are the candidates' sphere gaps with `cluster`, one per candidate
    /// (distance of the centroids minus both radii, as ``SphereIndex`` estimates them while
    /// finding them); they only order the checks.
    ///
    /// `records: false` keeps the verdicts out of the verdict table: forward merging gives a
    /// merged cluster a new node at every attempt, so its verdicts are never asked for again
    /// (and a table of them would grow with every pair checked).
    func overlapsAny(_ cluster: Cluster, parts: [Cluster] = [], candidates: [Cluster], gaps: [Double]? = nil,
                     records: Bool = true) throws -> Bool {
        // The deepest sphere overlaps first: they are the likeliest to overlap, and the first
        // overlap ends the check.
        // (On the checker's threads: a merged cluster meets thousands of spheres on a real layer.)
        assert(gaps == nil || gaps?.count == candidates.count, "overlapsAny: one gap per candidate")
        let depths = try gaps ?? parallelMap(candidates.count, threads: threads, block: 256) { sphereGap(cluster, candidates[$0]) }
        // Positions in `candidates`, not copies of it: a copy of thousands of cluster references
        // retains and releases each one, a cache miss per cluster.
        let nodes = candidates.map(\.node)
        let order = candidates.indices.map { (depth: depths[$0], node: nodes[$0], position: $0) }
            .sorted { ($0.depth, $0.node) < ($1.depth, $1.node) }.map(\.position)
        let partsOf: @Sendable (Cluster, Cluster) -> [Cluster] = { target, _ in target.node == cluster.node ? parts : [] }
        guard usesCertificates else {
            settleReleases()
            return try firstOverlap(order.map { (cluster, candidates[$0]) }, partsOf: partsOf, records: records, progress: nil) != nil
        }
        // Suspects first: of the deepest sphere overlaps, the candidates that a part was
        // near-touching (the solver, not a certificate, had separated them). On a real layer
        // almost every rejected merge overlaps one of them (layer 6 of the full supersense
        // task: 474 of 478 rejections in the first 9 500 merges tried, at depth rank ≤ 9), so
        // a rejection ends with them, before the certificates of all (thousands of) candidates.
        // Each group gets the same checks: the certificates in one batch, then the solver on
        // what they leave; the suspects' solves come first, alone or in one batch with the
        // others' (below).
        settleReleases()
        var suspects: [Int] = [], others: [Int] = []
        others.reserveCapacity(order.count)
        for (rank, position) in order.enumerated() {
            if rank < OverlapChecker.suspectDepth && parts.contains(where: { wasNearTouching($0, candidates[position]) }) {
                suspects.append(position)
            } else {
                others.append(position)
            }
        }
        let unprovenSuspects = suspects.isEmpty ? [] : try certifyInBatch(cluster, parts: parts, candidates: candidates,
                                                                           nodes: nodes, among: suspects)
        // Suspects whose part was separated on the QR corral (its nearest points very close)
        // are where merges are rejected: they are solved first, alone, so that an overlap among
        // them ends the check before the other candidates' certificates. Other suspects are
        // almost always separable: every pair of the merge is then decided anyway, and their
        // solves join those the others' certificates leave, in one batch, suspects first.
        // (Layer 6 of the full supersense task: the rejected merges' suspects were warm-started
        // on the QR corral, 4 742 solves, the accepted merges' on the fast one, 56 208; solved
        // alone, the few suspects of an accepted merge, ~5 ms each, left a thread idle whenever
        // they did not split evenly over the threads. In one batch, forward merging took 522 s
        // instead of 575 s.) Either way the verdict is the same: the merge overlaps if any pair
        // does; only the order of the work, and so of the cache's entries, differs.
        let likelyRejected = unprovenSuspects.contains { position in
            parts.contains { hyperplanes.solvedOnQR($0.node, nodes[position]) }
        }
        var pending = unprovenSuspects.map { (cluster, candidates[$0]) }
        if likelyRejected || others.isEmpty {
            if try firstOverlap(pending, partsOf: partsOf, records: records, certificatesTried: true, progress: nil) != nil {
                return true
            }
            guard !others.isEmpty else { return false }
            pending = []
        }
        let unproven = try certifyInBatch(cluster, parts: parts, candidates: candidates, nodes: nodes, among: others)
        pending += unproven.map { (cluster, candidates[$0]) }
        return try firstOverlap(pending, partsOf: partsOf, records: records, certificatesTried: true, progress: nil) != nil
    }

    /// Whether the solver's hyperplane, with its corral, is stored for the pair: the pair was
    /// near-touching, and a solve of a superset of it resumes from that corral.
    func wasNearTouching(_ a: Cluster, _ b: Cluster) -> Bool {
        settleReleases()
        return hyperplanes.containsSolved(a.node, b.node)
    }

    /// Whether a separating hyperplane is stored for the pair (of any kind).
    func hasHyperplane(_ a: Cluster, _ b: Cluster) -> Bool {
        settleReleases()
        return hyperplanes.contains(a.node, b.node)
    }

    /// Releases the stored hyperplanes between each of `nodes` and each of `others`.
    ///
    /// Forward merging calls it for point sets that no longer take part (the two clusters an
    /// accepted merge replaced, or a rejected union): nothing asks for their hyperplanes
    /// again, and the budget they free keeps the live clusters' hyperplanes in the cache.
    ///
    /// The release runs on a background queue, while the caller goes on with work that does
    /// not touch the cache (forward merging: the next closest pair, its summary and its sphere
    /// candidates); every method that reads or writes the cache first waits for it
    /// (``settleReleases()``). So the cache sees the same operations in the same order as if
    /// the release ran here. On a real layer it is thousands of hash look-ups per merge, ~8%
    /// of forward merging's time on the calling thread while the other threads wait.
    func forgetHyperplanes(of nodes: [Int], with others: [Cluster]) {
        settleReleases()
        let hyperplanes = self.hyperplanes
        releaseQueue.async(group: pendingReleases) {
            let otherNodes = others.map(\.node)
            for node in nodes { hyperplanes.release(node, otherNodes) }
        }
    }

    /// Waits for the release under way, if any (``forgetHyperplanes(of:with:)``).
    private func settleReleases() {
        pendingReleases.wait()
    }

    /// Keeps the centroids of clusters that no longer take part (the parts of an accepted
    /// merge): the hyperplanes reused from them keep their normals as centroid differences.
    func retire(_ clusters: [Cluster]) {
        retiredCentroids.store(clusters.filter { !$0.centroid.isEmpty }.map { ($0.node, $0.centroid) })
    }

    /// Proves `cluster` separable from as many of the `candidates` at `positions` as the cheap
    /// certificates can, and returns the positions of the others in their order (with those
    /// whose verdict is cached). `nodes` are the candidates' nodes, read once by the caller
    /// (each read of a cluster's field is a cache miss, thousands per merge).
    ///
    /// The same certificates as ``decide(_:_:partsA:partsB:certificatesTried:)``, computed for
    /// all candidates together: first the stored hyperplanes of a part (largest part first),
    /// re-checked on the other parts' points, then the centroid-difference hyperplanes of the
    /// rest. Each pass projects one cluster's points on all its hyperplanes with one matrix
    /// product (``projectionRanges(_:along:)``), so that cluster is read once, not once for
    /// each candidate; each candidate's own side is projected in parallel. Where the other
    /// parts are a few points (a cluster absorbing a small one, most merges late in forward
    /// merging), each reused hyperplane is checked on them directly instead: a product would
    /// first copy thousands of normals into a matrix to read those points once.
    private func certifyInBatch(_ cluster: Cluster, parts: [Cluster], candidates: [Cluster], nodes: [Int],
                                among positions: [Int]) throws -> [Int] {
        let points = try pointCache.points(cluster)
        // A node no verdict was stored for (forward merging's fresh nodes) skips the lookups.
        let consultsVerdicts = hasVerdicts(cluster.node)
        var open = consultsVerdicts ? positions.filter { cached(cluster, candidates[$0]) == nil } : positions
        // The candidates a certificate proved separable (by position; a mask, not a set: it is
        // asked for every open candidate after each pass).
        var certified = [Bool](repeating: false, count: candidates.count)
        let clusterScale = scaleBound(cluster)
        // Pass 1: a part's stored hyperplane; only the other parts' points are new.
        for part in parts.sorted(by: { ($0.count, $1.node) > ($1.count, $0.node) }) where !open.isEmpty {
            let openNow = open
            let found = hyperplanes.hyperplanes(part.node, open.map { nodes[$0] })
            let withPlane = open.indices.filter { found[$0] != nil }
            let rest = try parts.filter { $0.node != part.node }.map { try pointCache.points($0) }
            let planes: [SeparatingHyperplane?]
            // The centroids that the planes' normals share, fetched once for all candidates.
            let shared = sharedCentroids(of: part, planes: withPlane.map { (found[$0], nodes[openNow[$0]]) }, dimension: points.dimension)
            if rest.reduce(0, { $0 + $1.count }) <= OverlapChecker.directRestRows {
                // A few new points (a cluster absorbing a small one): each candidate's plane on
                // its own, in parallel, projecting those points directly; no normals copied
                // into a matrix for a product that would read them once.
                let blocks = (withPlane.count + OverlapChecker.directBlock - 1) / OverlapChecker.directBlock
                planes = try parallelMap(blocks, threads: threads) { block -> [SeparatingHyperplane?] in
                    // One normal buffer per block, filled again for each candidate.
                    var normal = [Float](repeating: 0, count: points.dimension)
                    let positions = (block * OverlapChecker.directBlock)..<min(withPlane.count, (block + 1) * OverlapChecker.directBlock)
                    return try positions.map { position -> SeparatingHyperplane? in
                        let slot = withPlane[position]
                        let other = candidates[openNow[slot]]
                        guard let plane = found[slot] else { return nil }
                        let reuse: (plane: SeparatingHyperplane, norm: Double)?
                        if case .centroidDifference(let from, let to) = plane.normal {
                            guard shared.difference(from: from, to: to, other: other, into: &normal) else { return nil }
                            reuse = (self.reused(plane, part: part, other: other, merged: cluster,
                                                 restRanges: rest.map { projectionRange($0, alongNormal: normal) }),
                                     euclideanNorm(normal))
                        } else {
                            reuse = self.reused(plane, part: part, other: other, merged: cluster, rest: rest)
                        }
                        guard let reuse else { return nil }
                        return try self.holds(reuse.plane, norm: reuse.norm, cluster: points, clusterScale: clusterScale, other: other) ? reuse.plane : nil
                    }
                }.flatMap { $0 }
            } else {
                // Many new points: one product per chunk of normals reads them once for all.
                let normals = try parallelMap(withPlane.count, threads: threads, block: 64) { position -> [Float]? in
                    guard let plane = found[withPlane[position]] else { return nil }
                    return self.normal(of: plane, part: part, other: candidates[openNow[withPlane[position]]], shared: shared)
                }
                let usable = withPlane.indices.filter { normals[$0] != nil }
                let directions = usable.flatMap { normals[$0] ?? [] }
                let restRanges = try rest.map { try projectionRanges($0, along: directions) }
                var widenedPlanes = [SeparatingHyperplane?](repeating: nil, count: withPlane.count)
                for (column, position) in usable.enumerated() {
                    guard let plane = found[withPlane[position]] else { continue }
                    widenedPlanes[position] = reused(plane, part: part, other: candidates[openNow[withPlane[position]]], merged: cluster,
                                                     restRanges: restRanges.map { $0[column] })
                }
                let widenedNow = widenedPlanes
                planes = try parallelMap(withPlane.count, threads: threads, block: 64) { position -> SeparatingHyperplane? in
                    let other = candidates[openNow[withPlane[position]]]
                    // Float64 normals are not in the product: each on its own.
                    let reuse = widenedNow[position].flatMap { widened in normals[position].map { (widened, euclideanNorm($0)) } }
                        ?? found[withPlane[position]].flatMap { self.reused($0, part: part, other: other, merged: cluster, rest: rest) }
                    guard let reuse else { return nil }
                    return try self.holds(reuse.plane, norm: reuse.norm, cluster: points, clusterScale: clusterScale, other: other) ? reuse.plane : nil
                }
            }
            var kept: [(other: Int, hyperplane: SeparatingHyperplane)] = []
            for (position, plane) in planes.enumerated() {
                guard let plane else { continue }
                let index = open[withPlane[position]]
                kept.append((nodes[index], plane))
                certified[index] = true
            }
            hyperplanes.store(cluster.node, kept)
            state.withLock { [count = kept.count] in $0.reusedHyperplanes += count }
            open.removeAll { certified[$0] }
        }
        // Pass 2: centroid-difference hyperplanes, `cluster` on the low side.
        if !open.isEmpty, points.dimension > 0 {
            let openNow = open
            let normals = try parallelMap(open.count, threads: threads, block: 64) { position in
                centroidDifference(from: cluster.centroid, to: candidates[openNow[position]].centroid)
            }
            let clusterRanges = try projectionRanges(points, along: normals.flatMap { $0 })
            // The candidates' sides, in parallel (gathering their points where not cached); a
            // few candidates (the suspects) one by one, or they all run on one thread: each may
            // be a cluster of thousands of points.
            let highMinima = try parallelMap(open.count, threads: threads, block: max(1, min(16, open.count / (4 * threads)))) { position in
                projectionRange(try self.pointCache.points(candidates[openNow[position]]), along: widened(normals[position])).min
            }
            let planes = open.indices.map { position in
                SeparatingHyperplane(normal: .stored(normals[position]), lowNode: cluster.node,
                                     lowMax: clusterRanges[position].max, highMin: highMinima[position])
            }
            let holds = try parallelMap(planes.count, threads: threads, block: 64) { position in
                try self.holds(planes[position], norm: euclideanNorm(normals[position]), cluster: points, clusterScale: clusterScale,
                               other: candidates[openNow[position]])
            }
            var kept: [(other: Int, hyperplane: SeparatingHyperplane)] = []
            for (position, plane) in planes.enumerated() where holds[position] {
                // Stored without its normal: the centroids of the two clusters give it back.
                let other = nodes[open[position]]
                kept.append((other, SeparatingHyperplane(normal: .centroidDifference(from: cluster.node, to: other),
                                                         lowNode: plane.lowNode, lowMax: plane.lowMax, highMin: plane.highMin)))
                certified[open[position]] = true
            }
            hyperplanes.store(cluster.node, kept)
            state.withLock { [count = kept.count] in $0.centroidCertificates += count }
            open.removeAll { certified[$0] }
        }
        // The open ones, and those with a cached verdict, in the order given.
        return positions.filter { !certified[$0] }
    }

    /// ``projectionRanges(_:along:)`` on the checker's threads: the directions in chunks and the
    /// points in blocks, one product per chunk and block, at least two per thread where the
    /// work is large enough to pay for them.
    ///
    /// Each extreme is the exact float64 one whatever the chunks and blocks (the float32
    /// products only pick the points to compute again, and the extremes of blocks combine
    /// exactly), so they may follow the thread count. With chunks of a fixed 256 directions and
    /// no blocks, most calls on a real layer (a merged cluster of thousands of points, on tens
    /// of directions) ran as one product on the calling thread while the others waited.
    func projectionRanges(_ points: PointMatrix, along directions: [Float]) throws -> [(min: Double, max: Double)] {
        let d = points.dimension
        let count = d > 0 ? directions.count / d : 0
        let tasks = 2 * threads
        guard threads > 1, points.count * count * d >= OverlapChecker.smallestParallelProjection else {
            return ProbeGeometry.projectionRanges(points, along: directions)
        }
        let chunk = min(OverlapChecker.largestProjectionChunk,
                        max(OverlapChecker.smallestProjectionChunk, (count + tasks - 1) / tasks))
        let chunks = (count + chunk - 1) / chunk
        // Where the directions make too few chunks, the points are split too.
        let blockCount = min((tasks + chunks - 1) / chunks, max(1, points.count / OverlapChecker.smallestProjectionBlock))
        let blockRows = (points.count + blockCount - 1) / blockCount
        let blocks = (0..<blockCount).map { index -> PointMatrix in
            guard blockCount > 1 else { return points }
            return points.selecting(rows: Array((index * blockRows)..<min(points.count, (index + 1) * blockRows)))
        }
        let parts = try parallelMap(chunks * blocks.count, threads: threads) { task in
            let (chunkIndex, block) = task.quotientAndRemainder(dividingBy: blocks.count)
            let range = (chunkIndex * chunk * d)..<(min(count, (chunkIndex + 1) * chunk) * d)
            return ProbeGeometry.projectionRanges(blocks[block], along: Array(directions[range]))
        }
        return (0..<chunks).flatMap { chunkIndex in
            let first = parts[chunkIndex * blocks.count]
            return first.indices.map { j in
                parts[(chunkIndex * blocks.count)..<((chunkIndex + 1) * blocks.count)]
                    .reduce((min: Double.infinity, max: -Double.infinity)) { (min($0.min, $1[j].min), max($0.max, $1[j].max)) }
            }
        }
    }

    /// The fewest directions per product in ``projectionRanges(_:along:)``: each product also
    /// reads every point once more (a copy and its norm, about two directions' work).
    static let smallestProjectionChunk = 32
    /// The most directions per product in ``projectionRanges(_:along:)`` (its float32 products
    /// take `points × directions` floats).
    static let largestProjectionChunk = 256
    /// The fewest points per block in ``projectionRanges(_:along:)``.
    static let smallestProjectionBlock = 128
    /// Multiply–adds (points × directions × dimension) from which ``projectionRanges(_:along:)``
    /// spreads a projection over the threads. At 2^21, a late profile of layer 6 of the full
    /// supersense task still found 2.5% of the calling thread's samples in projections below
    /// it, run on that thread alone.
    static let smallestParallelProjection = 1 << 19

    /// Candidates per task in pass 1 of ``certifyInBatch(_:parts:candidates:nodes:among:)`` where
    /// the new points are few.
    static let directBlock = 64

    /// Rows of new points up to which ``certifyInBatch(_:parts:candidates:nodes:among:)`` projects them on
    /// each reused hyperplane directly instead of in one product for all.
    static let directRestRows = 8

    /// Whether a hyperplane's margin (extremes already computed, `norm` its normal's length)
    /// exceeds the overlap tolerance of `cluster` and `other`.
    ///
    /// The tolerance grows with the pair's largest point norm, which `scaleBound` bounds from
    /// the summaries (‖centroid‖ + radius); a margin above the tolerance of that bound exceeds
    /// the pair's own, so the points' norms (a cache lookup) are needed only near it.
    private func holds(_ plane: SeparatingHyperplane, norm: Double, cluster points: PointMatrix, clusterScale: Double,
                       other: Cluster) throws -> Bool {
        guard norm > 0 else { return false }
        let margin = (plane.highMin - plane.lowMax) / norm
        if margin > overlapTolerance(scale: max(clusterScale, scaleBound(other))) { return true }
        return margin > tolerance(points, try pointCache.points(other))
    }

    /// An upper bound of the largest point norm of `cluster` (‖p‖ ≤ ‖centroid‖ + ‖p − centroid‖),
    /// with room for the rounding of the float64 sums.
    private func scaleBound(_ cluster: Cluster) -> Double {
        let squaredNorm = cluster.centroid.withUnsafeBufferPointer { c in
            c.baseAddress.map { Double(dotProduct($0, $0, c.count)) } ?? 0
        }
        // A float32 sum of d squares is within d·2⁻²⁴ (relative) of the exact one (Higham §3.1),
        // plus underflow; twice that and more is room enough.
        let d = Double(cluster.centroid.count)
        let bound = (squaredNorm * (1 + 2 * (d + 2) * 0x1p-24) + d * 0x1p-126).squareRoot()
        return (bound + cluster.radius) * (1 + 1e-9)
    }

    /// The overlap tolerance of a pair, from the largest point norm when known.
    private func tolerance(_ a: PointMatrix, _ b: PointMatrix) -> Double {
        overlapTolerance(for: a, b, scale: max(a.summary?.largestNorm ?? 0, b.summary?.largestNorm ?? 0))
    }

    /// Solves candidate pairs (cache first) in parallel; returns the first overlapping pair
    /// in the given order, or nil when every pair is separable.
    ///
    /// Workers take pairs in order from a shared counter (``parallelMap``), so one long solve
    /// (a near-touching pair can take a thousand times as long as the others) holds up one
    /// thread, not a batch. Once a pair overlaps, no pair after it is started; only the
    /// decisions up to it are recorded and counted, so the tables and the counters do not
    /// depend on the thread count or on timing.
    private func firstOverlap(_ pairs: [(Cluster, Cluster)], partsOf: (@Sendable (Cluster, Cluster) -> [Cluster])?,
                              records: Bool = true, certificatesTried: Bool = false,
                              progress: ProgressBar?) throws -> (Cluster, Cluster)? {
        var pending: [(Cluster, Cluster)] = []
        for (a, b) in pairs {
            if let cached = cached(a, b) {
                if cached { return (a, b) }
            } else {
                pending.append((a, b))
            }
        }
        let work = pending
        let usesCertificates = self.usesCertificates
        let decisions = try parallelMap(work.count, threads: threads, progress: progress, until: { $0.overlapping }) { index in
            let (a, b) = work[index]
            return try self.decide(a, b, partsA: usesCertificates ? partsOf?(a, b) ?? [] : [],
                                   partsB: usesCertificates ? partsOf?(b, a) ?? [] : [], certificatesTried: certificatesTried)
        }
        for (index, decision) in decisions.enumerated() {
            let (a, b) = work[index]
            if let plane = decision.hyperplane { hyperplanes.store(a.node, b.node, plane) }
            if records { store(a, b, decision.overlapping) }
            state.withLock { state in
                switch decision.method {
                case .solver:
                    state.solverCalls += 1
                    if decision.unproven { state.unprovenOverlaps += 1 }
                case .reused: state.reusedHyperplanes += 1
                case .centroid: state.centroidCertificates += 1
                }
            }
            if decision.overlapping { return (a, b) }
        }
        return nil
    }

    /// Decides one pair: a part's stored hyperplane, else the centroid-difference hyperplane,
    /// else the solver. Each certificate is a hyperplane checked against every point of both
    /// clusters with a margin above the overlap tolerance, as the solver's own.
    ///
    /// `certificatesTried`: both certificates have already failed for this pair
    /// (``certifyInBatch(_:parts:candidates:nodes:among:)``), so the solver runs at once.
    private func decide(_ a: Cluster, _ b: Cluster, partsA: [Cluster], partsB: [Cluster],
                        certificatesTried: Bool = false) throws -> Decision {
        let pointsA = try pointCache.points(a), pointsB = try pointCache.points(b)
        guard usesCertificates else {
            let verdict = separability(pointsA, pointsB)
            return Decision(overlapping: verdict.verdict == .overlapping, method: .solver, unproven: !verdict.isCertified)
        }
        let tolerance = self.tolerance(pointsA, pointsB)
        if !certificatesTried, let decision = try certify(a, b, partsA: partsA, partsB: partsB, tolerance: tolerance) {
            return decision
        }
        return try solve(a, b, pointsA, pointsB, partsA: partsA, partsB: partsB, tolerance: tolerance)
    }

    /// The cheap certificates of a pair: a part's hyperplane, else the centroid difference's.
    private func certify(_ a: Cluster, _ b: Cluster, partsA: [Cluster], partsB: [Cluster], tolerance: Double) throws -> Decision? {
        let pointsA = try pointCache.points(a), pointsB = try pointCache.points(b)
        // 1. A hyperplane that separated a part of one side from the other side: only the
        //    other parts' points are new on that side.
        if let plane = try reusedHyperplane(merged: a, parts: partsA, other: b, tolerance: tolerance)
            ?? reusedHyperplane(merged: b, parts: partsB, other: a, tolerance: tolerance) {
            return Decision(overlapping: false, method: .reused, hyperplane: plane)
        }
        // 2. The hyperplane normal to the centroid difference.
        let direction = centroidDifference(from: a.centroid, to: b.centroid)
        if let plane = certify(widened(direction), storedAs: .stored(direction), low: pointsA, lowNode: a.node, high: pointsB, above: tolerance) {
            // Stored without its normal: the centroids of a and b give it back.
            return Decision(overlapping: false, method: .centroid,
                            hyperplane: SeparatingHyperplane(normal: .centroidDifference(from: a.node, to: b.node),
                                                             lowNode: plane.lowNode, lowMax: plane.lowMax, highMin: plane.highMin))
        }
        return nil
    }

    /// The solver's verdict on a pair, with a separable pair's hyperplane (and, after a long
    /// or a warm-started solve, its corral).
    private func solve(_ a: Cluster, _ b: Cluster, _ pointsA: PointMatrix, _ pointsB: PointMatrix,
                       partsA: [Cluster], partsB: [Cluster], tolerance: Double) throws -> Decision {
        // The solver, resuming from a part's corral where one is stored.
        let (start, onQR) = warmStart(a, b, partsA: partsA, partsB: partsB)
        let verdict = separability(pointsA, pointsB, warmStart: start, onQRCorral: onQR)
        if verdict.verdict == .overlapping { return Decision(overlapping: true, method: .solver, unproven: !verdict.isCertified) }
        // The corral is kept where the solve was long (a near-touching pair), the case a warm
        // start pays for; a short solve is as cheap again from scratch. A warm-started solve is
        // short because it was warm: its pair is as hard as the one it started from, so its
        // corral is kept too (without it, the next superset of this pair solved from scratch
        // again: 1 000–4 000 iterations on a real layer, against 1–130).
        let keepsCorral = verdict.iterations >= corralIterations || !start.isEmpty
        // Its normal points from B towards A: B is the low side. In float32 where that keeps the
        // margin above the tolerance, else in float64 as the solver found it. A pair within
        // rounding of the tolerance may be separable with a margin below it (the solver found
        // no two points within the tolerance, nor a hyperplane with more room): that hyperplane
        // certifies nothing (every check compares a margin with the tolerance) and is kept
        // only for its corral, so that the next solve of a superset resumes (on layer 0 of the
        // full supersense task, pairs 0.01% above the tolerance took ~2 700 iterations from
        // scratch, at every merge of either cluster).
        let rounded = verdict.normal.map { Float($0) }
        guard var plane = certify(widened(rounded), storedAs: .stored(rounded), low: pointsB, lowNode: b.node, high: pointsA,
                                  above: tolerance)
            ?? certify(verdict.normal, storedAs: .exact(verdict.normal), low: pointsB, lowNode: b.node, high: pointsA,
                       above: keepsCorral ? 0 : tolerance) else {
            return Decision(overlapping: false, method: .solver)
        }
        if keepsCorral {
            plane.corral = StoredCorral(verdict.corral, isQR: verdict.corralIsQR, aIsLow: false, membersA: a.members, membersB: b.members)
        }
        return Decision(overlapping: false, method: .solver, hyperplane: plane)
    }

    /// The corral stored with a part's hyperplane, as vertices of A − B for the pair (a, b)
    /// (a part of a with b, else a with a part of b), and whether the QR corral found it;
    /// empty if none is stored.
    private func warmStart(_ a: Cluster, _ b: Cluster, partsA: [Cluster], partsB: [Cluster]) -> (vertices: [CorralVertex], isQR: Bool) {
        // The largest part's corral first: it is the nearest to the answer.
        let candidates = partsA.map { ($0, b, true) } + partsB.map { ($0, a, false) }
        for (part, other, partIsA) in candidates.sorted(by: { $0.0.count > $1.0.count }) {
            guard let plane = hyperplanes.hyperplane(part.node, other.node), let corral = plane.corral else { continue }
            // The low side of the stored plane is the side of `a` or of `b`.
            let lowIsA = (plane.lowNode == part.node) == partIsA
            let vertices = lowIsA ? corral.vertices(low: a.members, high: b.members)
                                  : corral.vertices(low: b.members, high: a.members)
                                      .map { CorralVertex(indexA: $0.indexB, indexB: $0.indexA, weight: $0.weight) }
            if !vertices.isEmpty { return (vertices, corral.isQR) }
        }
        return ([], false)
    }

    /// A stored hyperplane between a part of `merged` and `other`, re-checked on the other
    /// parts' points, as the hyperplane between `merged` and `other`; nil if none holds.
    private func reusedHyperplane(merged: Cluster, parts: [Cluster], other: Cluster, tolerance: Double) throws -> SeparatingHyperplane? {
        for part in parts {
            guard let plane = hyperplanes.hyperplane(part.node, other.node),
                  let reuse = reused(plane, part: part, other: other, merged: merged,
                                     rest: try parts.filter { $0.node != part.node }.map { try pointCache.points($0) }) else { continue }
            if (reuse.plane.highMin - reuse.plane.lowMax) / reuse.norm > tolerance { return reuse.plane }
        }
        return nil
    }

    /// A part's hyperplane with `other` as the hyperplane of `merged` and `other`, its part's
    /// extremes widened by the other parts' (`restRanges`), with the same normal (one kept as
    /// a centroid difference stays one, so the entry stays small).
    private func reused(_ plane: SeparatingHyperplane, part: Cluster, other: Cluster, merged: Cluster,
                        restRanges: [(min: Double, max: Double)]) -> SeparatingHyperplane {
        let partIsLow = plane.lowNode == part.node
        var lowMax = plane.lowMax, highMin = plane.highMin
        for range in restRanges {
            if partIsLow { lowMax = max(lowMax, range.max) } else { highMin = min(highMin, range.min) }
        }
        return SeparatingHyperplane(normal: plane.normal, lowNode: partIsLow ? merged.node : other.node,
                                    lowMax: lowMax, highMin: highMin, corral: plane.corral)
    }

    /// A part's hyperplane as the hyperplane of `merged` and `other`, widened by the other
    /// parts' points (`rest`) projected on its normal, whatever its kind, with the normal's
    /// length; nil where the normal is not known (a retired centroid no longer kept).
    private func reused(_ plane: SeparatingHyperplane, part: Cluster, other: Cluster, merged: Cluster,
                        rest: [PointMatrix]) -> (plane: SeparatingHyperplane, norm: Double)? {
        if case .exact(let normal) = plane.normal {
            let widened = reused(plane, part: part, other: other, merged: merged, restRanges: rest.map { projectionRange($0, along: normal) })
            return (widened, normal.reduce(0) { $0 + $1 * $1 }.squareRoot())
        }
        guard let normal = normal(of: plane, part: part, other: other) else { return nil }
        let widened = reused(plane, part: part, other: other, merged: merged, restRanges: rest.map { projectionRange($0, alongNormal: normal) })
        return (widened, euclideanNorm(normal))
    }

    /// The centroids that the centroid-difference normals of `planes` (with each candidate's
    /// node) need besides each candidate's own: the part's, and those of retired clusters,
    /// fetched once, in the planes' order (the second node of a plane is not asked for where
    /// the first is unknown).
    ///
    /// Fetched once and read from every thread as one table: looked up for each candidate
    /// on the threads, the retired centroids took a lock each time, and the part's centroid,
    /// shared by all candidates, had its reference count changed by both threads at once
    /// (~10% of the late phase of forward merging on a real layer).
    private func sharedCentroids(of part: Cluster, planes: [(SeparatingHyperplane?, Int)], dimension: Int) -> SharedCentroids {
        var rows: [Int: Int] = [:], values: [Float] = []
        if part.centroid.count == dimension, dimension > 0 {
            rows[part.node] = 0
            values = part.centroid
        }
        var unknown = Set<Int>()
        for (plane, otherNode) in planes {
            guard case .centroidDifference(let from, let to) = plane?.normal else { continue }
            // The part's centroid, the candidate's, else a retired cluster's.
            for node in [from, to] {
                if node == part.node {
                    if rows[node] == nil { break }
                    continue
                }
                if node == otherNode { continue }
                if unknown.contains(node) { break }
                if rows[node] != nil { continue }
                guard let centroid = retiredCentroids.value(node), centroid.count == dimension, dimension > 0 else {
                    unknown.insert(node)
                    break
                }
                rows[node] = values.count / dimension
                values += centroid
            }
        }
        return SharedCentroids(dimension: dimension, rows: rows, values: values, partNode: part.node)
    }

    /// The float32 normal of a stored hyperplane between `part` and `other`; one kept as a
    /// centroid difference is given back from its two nodes' centroids (nil if they are not
    /// known). Nil for a float64 normal (which `reused(_:part:other:merged:rest:)` projects
    /// on its own, and no product takes).
    ///
    /// `shared`: the centroids fetched for all of a part's planes at once
    /// (``sharedCentroids(of:planes:dimension:)``); without it, this plane's are fetched.
    private func normal(of plane: SeparatingHyperplane, part: Cluster, other: Cluster, shared: SharedCentroids? = nil) -> [Float]? {
        switch plane.normal {
        case .stored(let values):
            return values
        case .exact:
            return nil
        case .centroidDifference(let from, let to):
            // The centroids of exactly these nodes: the pair's clusters, or a retired part's.
            let centroids = shared ?? sharedCentroids(of: part, planes: [(plane, other.node)], dimension: other.centroid.count)
            var normal = [Float](repeating: 0, count: centroids.dimension)
            return centroids.difference(from: from, to: to, other: other, into: &normal) ? normal : nil
        }
    }

    /// The hyperplane normal to `direction` between `low` and `high`, if its margin over every
    /// point exceeds `minimum` (the tolerance, for a certificate); `normal` is how it is
    /// stored (the same values).
    private func certify(_ direction: [Double], storedAs normal: HyperplaneNormal, low: PointMatrix, lowNode: Int, high: PointMatrix,
                         above minimum: Double) -> SeparatingHyperplane? {
        let norm = direction.reduce(0) { $0 + $1 * $1 }.squareRoot()
        guard norm > 0 else { return nil }
        let lowRange = projectionRange(low, along: direction)
        let highRange = projectionRange(high, along: direction)
        guard (highRange.min - lowRange.max) / norm > minimum else { return nil }
        return SeparatingHyperplane(normal: normal, lowNode: lowNode, lowMax: lowRange.max, highMin: highRange.min)
    }

    /// Whether any verdict was stored for a pair with `node`.
    private func hasVerdicts(_ node: Int) -> Bool {
        state.withLock { $0.nodesWithVerdicts.contains(node) }
    }

    private func cached(_ a: Cluster, _ b: Cluster) -> Bool? {
        state.withLock { $0.verdicts[NodePair(a.node, b.node)] }
    }

    private func store(_ a: Cluster, _ b: Cluster, _ overlapping: Bool) {
        state.withLock { state in
            state.verdicts[NodePair(a.node, b.node)] = overlapping
            state.nodesWithVerdicts.insert(a.node)
            state.nodesWithVerdicts.insert(b.node)
        }
    }
}

/// The solver's overlap tolerance for a pair, from the largest point norm when known.
private func overlapTolerance(for a: PointMatrix, _ b: PointMatrix, scale: Double) -> Double {
    scale > 0 ? overlapTolerance(scale: scale) : overlapTolerance(for: a, b)
}

/// The centroids that one part's reused centroid-difference normals share (the part's and
/// retired clusters'), in one table (``OverlapChecker/sharedCentroids(of:planes:)``).
private struct SharedCentroids: Sendable {
    /// The centroids' length.
    let dimension: Int
    /// The row of each node's centroid in `values`; a node not listed is not known.
    let rows: [Int: Int]
    /// The centroids, one after another.
    let values: [Float]
    /// The part's node (its centroid is looked for here before the candidate's).
    let partNode: Int

    /// Writes `centroid(to) − centroid(from)` into `normal`, as ``centroidDifference(from:to:)``,
    /// with `other`'s own centroid for its node; false where a centroid is not known.
    func difference(from: Int, to: Int, other: Cluster, into normal: inout [Float]) -> Bool {
        values.withUnsafeBufferPointer { table in
            other.centroid.withUnsafeBufferPointer { own in
                // The part's centroid first, then the candidate's, then a retired cluster's.
                func centroid(_ node: Int) -> UnsafeBufferPointer<Float>? {
                    if node != partNode, node == other.node { return own.isEmpty ? nil : own }
                    guard let row = rows[node] else { return nil }
                    return UnsafeBufferPointer(rebasing: table[(row * dimension)..<((row + 1) * dimension)])
                }
                guard let low = centroid(from), let high = centroid(to), low.count == high.count, low.count == normal.count else { return false }
                normal.withUnsafeMutableBufferPointer { centroidDifference(from: low, to: high, into: $0) }
                return true
            }
        }
    }
}
