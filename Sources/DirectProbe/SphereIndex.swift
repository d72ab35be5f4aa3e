import ProbeKernels
import ProbeStore

/// The bounding spheres of the live clusters during forward merging, for finding the
/// clusters of other labels whose sphere meets a candidate's, in O(clusters · d) float32
/// SIMD work per candidate instead of building arrays of clusters.
///
/// The live spheres are kept packed in the first slots of the table (a removed one's slot
/// takes the last one's), so a scan reads only live clusters: forward merging removes most
/// of them (a real layer goes from ~24 000 clusters to ~70), and a scan that skipped the
/// dead ones still read their flags and strode over their rows.
struct SphereIndex: Sendable {
    /// A live cluster whose sphere meets the query's, and how far the spheres overlap.
    struct Meeting: Sendable, Equatable {
        /// The cluster's index (its position in the clusters the index was built from).
        let index: Int
        /// Distance of the centroids minus both radii (≤ 0: the spheres meet). The float32
        /// estimate of the pre-selection where that is decisive (within its rounding, ~1e-4
        /// relative to the squared norms); it orders the checks, it decides nothing.
        let gap: Double
    }

    private let dimension: Int
    private let centroids: FloatScratch
    private var norms: [Float]
    private var radii: [Double]
    private var labels: [Int]
    /// The index of the cluster in each slot (the first `owners.count` slots are live).
    private var owners: [Int]
    /// The slot of each index (nil once removed).
    private var slots: [Int?]

    init(_ clusters: [Cluster], scratch: String?) throws {
        let d = clusters.first?.centroid.count ?? 0
        dimension = d
        let table = try FloatScratch(count: clusters.count * d, folder: scratch)
        for (index, cluster) in clusters.enumerated() {
            cluster.centroid.withUnsafeBufferPointer { (table.pointer + index * d).update(from: $0.baseAddress!, count: d) }
        }
        centroids = table
        norms = clusters.map { SphereIndex.squaredNorm($0.centroid) }
        radii = clusters.map(\.radius)
        labels = clusters.map(\.label)
        owners = Array(clusters.indices)
        slots = Array(clusters.indices)
    }

    /// Removes the cluster at `index`; the last live slot moves into its slot.
    mutating func remove(_ index: Int) {
        guard let slot = slots[index] else { return }
        let last = owners.count - 1
        if slot != last {
            let d = dimension
            (centroids.pointer + slot * d).update(from: centroids.pointer + last * d, count: d)
            norms[slot] = norms[last]
            radii[slot] = radii[last]
            labels[slot] = labels[last]
            owners[slot] = owners[last]
            slots[owners[slot]] = slot
        }
        owners.removeLast()
        slots[index] = nil
    }

    /// Replaces the sphere of the live cluster at `index`.
    mutating func update(_ index: Int, to cluster: Cluster) {
        guard let slot = slots[index] else { return }
        for k in 0..<dimension { centroids.pointer[slot * dimension + k] = cluster.centroid[k] }
        norms[slot] = SphereIndex.squaredNorm(cluster.centroid)
        radii[slot] = cluster.radius
        labels[slot] = cluster.label
    }

    /// The live clusters of another label whose closed sphere meets `cluster`'s, deepest sphere
    /// overlap first (ascending gap, then index): nearly the order in which the overlap checker
    /// takes them, so that its own sort of thousands of candidates finds them sorted but for
    /// ties. The float32 pass only pre-selects (with a margin for its rounding);
    /// the float64 distance decides exactly, so no pair is missed. Runs on up to `threads`
    /// threads, over blocks of a fixed number of slots.
    func intersecting(_ cluster: Cluster, threads: Int = 1) throws -> [Meeting] {
        let live = owners.count
        let norm = SphereIndex.squaredNorm(cluster.centroid)
        let blocks = (live + SphereIndex.blockSize - 1) / SphereIndex.blockSize
        guard blocks > 1 && threads > 1 else {
            return intersecting(cluster, norm: norm, in: 0..<live).sorted(by: SphereIndex.precedes)
        }
        // Each block sorted on the threads, then the sorted runs merged: sorting thousands of
        // meetings after the scan took a third of this call's time on the calling thread alone
        // (layer 6 of the full supersense task, 11 000 to 7 000 live clusters).
        let runs = try parallelMap(blocks, threads: threads) { block in
            intersecting(cluster, norm: norm, in: (block * SphereIndex.blockSize)..<min(live, (block + 1) * SphereIndex.blockSize))
                .sorted(by: SphereIndex.precedes)
        }
        return mergeRuns(runs, by: SphereIndex.precedes)
    }

    /// The order of ``intersecting(_:threads:)``: ascending gap, then index.
    private static func precedes(_ a: Meeting, _ b: Meeting) -> Bool { (a.gap, a.index) < (b.gap, b.index) }

    /// Slots per block of ``intersecting(_:threads:)``: small enough that a few hundred live
    /// clusters are already split over the threads (at 2 048, the scans of the last ~2 000
    /// clusters of a real layer ran on the calling thread alone, and five blocks of 10 000
    /// split three to two), large enough that a block's scan outweighs its dispatch.
    static let blockSize = 512

    /// The float32 squared norm of a centroid, as the pre-selection compares it.
    private static func squaredNorm(_ centroid: [Float]) -> Float { centroid.reduce(0) { $0 + $1 * $1 } }

    /// ``intersecting(_:threads:)`` over the slots of `range`, in slot order (`norm`: the
    /// query's ``squaredNorm(_:)``).
    private func intersecting(_ cluster: Cluster, norm: Float, in range: Range<Int>) -> [Meeting] {
        let d = dimension
        var found: [Meeting] = []
        cluster.centroid.withUnsafeBufferPointer { c in
            guard let query = c.baseAddress else { return }
            let base = centroids.pointer
            for slot in range where labels[slot] != cluster.label {
                let dot = dotProduct(query, base + slot * d, d)
                let squared = Double(norm + norms[slot] - 2 * dot)
                let reach = cluster.radius + radii[slot]
                let slack = 1e-4 * Double(norm + norms[slot]) + 1e-12
                if squared + slack < reach * reach {
                    // Inside by more than the float32 error: the exact distance agrees.
                    found.append(Meeting(index: owners[slot], gap: max(0, squared).squareRoot() - reach))
                } else if squared <= reach * reach + slack {
                    let distance = exactSquaredDistance(query, base + slot * d, dimension: d).squareRoot()
                    if reach >= distance { found.append(Meeting(index: owners[slot], gap: distance - reach)) }
                }
            }
        }
        return found
    }
}
