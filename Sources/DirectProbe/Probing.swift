import Foundation
import ProbeKernels
import ProbeStore

/// What probing found: the clusters and how the search went.
public struct ProbingResult: Sendable {
    /// The final clusters, in order of their first member.
    public let clusters: [Cluster]
    /// Whether the end state (one cluster per label) has no overlap.
    public let isLinear: Bool
    /// The first overlapping state found by the search (nil when linear).
    public let firstErrorState: Int?
    /// Merges of the history (m).
    public let mergeCount: Int
    /// Overlap solver calls made.
    public let solverCalls: Int
}

/// Options of the clustering.
public struct ProbingOptions: Sendable {
    /// Step of the coarse backward search, as a fraction of the merges (config `rate`).
    public var rate: Double = 0.05
    /// Worker threads.
    public var threads: Int = ProcessInfo.processInfo.activeProcessorCount
    /// Draw progress bars on a terminal.
    public var showProgress: Bool = true
    /// Bytes of gathered cluster points the overlap checks may keep for reuse.
    public var pointCacheBytes: Int = 256 << 20
    /// The shortcuts that give the same result with less work: the search's witness jumps,
    /// certificates before the solver (reused and centroid-difference hyperplanes), and
    /// forbidden pairs inherited by merged clusters. Off, probing runs the reference's steps
    /// as written (tests compare the two).
    public var shortcuts = true
    /// Bytes of separating hyperplanes the overlap checks may keep for reuse.
    public var hyperplaneCacheBytes: Int = 128 << 20
    /// Where large working arrays (centroid tables) are memory-mapped; nil keeps them in memory.
    public var scratchFolder: String? = nil

    /// Default options.
    public init() {}
}

/// DirectProbe's clustering: merge each label to one cluster, check that end state, find the
/// first overlapping state with the reference's search, and merge forward with checks.
public struct Prober {
    let points: LabeledPoints
    let options: ProbingOptions
    let log: RunLog
    let kernel: DistanceKernel
    let geometry: ClusterGeometry

    /// Creates a prober over `points`.
    public init(points: LabeledPoints, options: ProbingOptions, log: RunLog) {
        self.points = points
        self.options = options
        self.log = log
        kernel = DistanceKernel(threadCount: options.threads,
                                tileSize: MemoryBudget(bytes: options.pointCacheBytes * 8).kernelTileRows(dimension: points.dimension))
        geometry = ClusterGeometry(points: points)
    }

    private func bar(_ title: String, total: Int) -> ProgressBar? {
        options.showProgress ? ProgressBar(title, total: Double(total)) : nil
    }

    /// Runs the whole clustering.
    public func run() throws -> ProbingResult {
        let checker = OverlapChecker(geometry: geometry, threads: options.threads, cacheBytes: options.pointCacheBytes,
                                     hyperplaneBytes: options.shortcuts ? options.hyperplaneCacheBytes : 0,
                                     usesCertificates: options.shortcuts)
        log.info("Probing to the end...")
        let mergeBar = bar("merge to end", total: MergeHistory.mergeCount(labels: points.labels))
        let history = try MergeHistory.mergeToEnd(points, kernel: kernel, threads: options.threads,
                                                     scratch: options.scratchFolder, progress: mergeBar)
        mergeBar?.finish()
        let m = history.merges.count
        log.info("Finish probing to the end: \(m) merges")

        log.info("Checking for the end state...")
        let endClusters = try clusters(of: history, state: m)
        guard let endWitness = try checker.firstOverlap(in: endClusters) else {
            log.info("There is no overlaps in the end state!")
            log.info("This space is linear!")
            log.info("Final number of clusters: \(endClusters.count)")
            return ProbingResult(clusters: ordered(endClusters), isLinear: true, firstErrorState: nil,
                                 mergeCount: m, solverCalls: checker.solverCalls)
        }
        log.info("This space is non-linear!")
        var search = FirstErrorSearch(history: history, checker: checker, log: log, prober: self)
        search.usesWitnesses = options.shortcuts
        let firstError = try search.run(endWitness: endWitness, rate: options.rate)
        // Restart from the state before the first error; where state 0 itself overlaps, from state 0.
        let restart = max(0, firstError - 1)
        log.info("Found \(restart)-th state is the first error state")

        log.info("Start normal forward probing...")
        let start = try clusters(of: history, state: restart)
        let final = try forward(from: start, nextNode: history.pointCount + m, checker: checker)
        // Every verdict should rest on a certificate; say so, or how many did not.
        let unproven = checker.unprovenOverlaps
        log.info(unproven == 0 ? "Every overlap verdict is certified (two points within the tolerance)"
                 : "\(unproven) overlap verdict\(unproven == 1 ? " is" : "s are") unproven: the solver ended on rounding with neither two points within the tolerance nor a separating hyperplane, and counted \(unproven == 1 ? "it" : "them") as overlapping")
        log.info("Final number of clusters: \(final.count)")
        return ProbingResult(clusters: ordered(final), isLinear: false, firstErrorState: firstError,
                             mergeCount: m, solverCalls: checker.solverCalls)
    }

    /// The clusters of state `k` of the history, with their summaries.
    func clusters(of history: MergeHistory, state k: Int) throws -> [Cluster] {
        let assignment = history.assignment(afterMerges: k)
        var membersByNode: [Int32: [Int32]] = [:]
        var order: [Int32] = []
        for (point, node) in assignment.enumerated() {
            if membersByNode[node] == nil { order.append(node) }
            membersByNode[node, default: []].append(Int32(point))
        }
        return try order.map { node in
            let members = membersByNode[node] ?? []
            return try geometry.summary(node: Int(node), label: Int(points.labels[Int(members[0])]), members: members)
        }
    }

    /// Merges forward with checks: repeatedly the closest same-label pair
    /// not yet tried, across all labels; accepted if the merged cluster overlaps no cluster
    /// of another label, otherwise discarded for good.
    func forward(from start: [Cluster], nextNode: Int, checker: OverlapChecker) throws -> [Cluster] {
        var nextNode = nextNode
        let labelCount = points.labelSet.count
        var slotsOfLabel = [[Int]](repeating: [], count: labelCount)  // slot -> index in `live`
        var live: [Cluster?] = start
        for (index, cluster) in start.enumerated() { slotsOfLabel[cluster.label].append(index) }
        var engines: [CentroidLinkage?] = try (0..<labelCount).map { label in
            let indices = slotsOfLabel[label]
            guard indices.count > 1 else { return nil }
            let d = points.dimension
            let table = try FloatScratch(count: indices.count * d, folder: options.scratchFolder)
            for (slot, index) in indices.enumerated() {
                start[index].centroid.withUnsafeBufferPointer { (table.pointer + slot * d).update(from: $0.baseAddress!, count: d) }
            }
            var linkage = try CentroidLinkage(centroids: table, sizes: indices.map { start[$0].count }, dimension: d, kernel: kernel)
            linkage.inheritsForbiddenPairs = options.shortcuts
            return linkage
        }
        var spheres = try SphereIndex(start, scratch: options.scratchFolder)
        // How many merges will be tried is not known in advance: a counter, not a percentage.
        let forwardBar = options.showProgress ? ProgressCounter("forward merges", counting: "merges tried") : nil
        var attempts = 0, accepted = 0
        var lastReport = Date()
        while true {
            // The closest untried pair over all labels (ties: lower label).
            var best: (label: Int, pair: CentroidLinkage.Pair)? = nil
            for label in 0..<labelCount {
                guard let pair = engines[label]?.closestPair() else { continue }
                if best == nil || pair.distance < best!.pair.distance { best = (label, pair) }
            }
            guard let (label, pair) = best else { break }
            attempts += 1
            forwardBar?.update(attempts, note: "\(accepted) accepted, \(start.count - accepted) clusters left")
            if Date().timeIntervalSince(lastReport) >= 30 {
                lastReport = Date()
                log.info("Forward probing: \(attempts) merges tried, \(accepted) accepted, \(start.count - accepted) clusters, \(checker.solverCalls) overlap solver calls, \(checker.reusedHyperplanes) reused hyperplanes, \(checker.centroidCertificates) centroid certificates")
            }
            let a = slotsOfLabel[label][pair.first], b = slotsOfLabel[label][pair.second]
            guard let first = live[a], let second = live[b] else { break }
            let members = mergeSorted(first.members, second.members)
            // Every candidate gets a fresh node id: ids key the verdict cache, so a rejected
            // candidate's id must never name another point set.
            let merged = try geometry.summary(node: nextNode, label: label, members: members, threads: options.threads)
            nextNode += 1
            var candidates: [Cluster] = [], gaps: [Double] = []
            for meeting in try spheres.intersecting(merged, threads: options.threads) {
                guard let candidate = live[meeting.index] else { continue }
                candidates.append(candidate)
                gaps.append(meeting.gap)
            }
            if try checker.overlapsAny(merged, parts: [first, second], candidates: candidates, gaps: gaps, records: false) {
                engines[label]?.forbid(pair)
                checker.forgetHyperplanes(of: [merged.node], with: candidates)
            } else {
                // The parts are gone for good: only the merged cluster's hyperplanes are asked for again.
                checker.forgetHyperplanes(of: [first.node, second.node], with: candidates)
                checker.retire([first, second])
                accepted += 1
                let kept = engines[label]!.merge(pair, centroid: merged.centroid)
                let keptIndex = slotsOfLabel[label][kept]
                let removedIndex = keptIndex == a ? b : a
                live[removedIndex] = nil
                spheres.remove(removedIndex)
                live[keptIndex] = merged
                spheres.update(keptIndex, to: merged)
            }
        }
        forwardBar?.finish()
        log.info("Forward probing: \(attempts) merges tried, \(accepted) accepted; overlap solver calls so far \(checker.solverCalls), \(checker.reusedHyperplanes) verdicts by reused hyperplanes, \(checker.centroidCertificates) by centroid hyperplanes")
        return live.compactMap { $0 }
    }

    /// Clusters in the order of their first member (the numbering of `clusters.txt`).
    private func ordered(_ clusters: [Cluster]) -> [Cluster] {
        clusters.sorted { $0.members[0] < $1.members[0] }
    }
}
