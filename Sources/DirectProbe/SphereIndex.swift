import ProbeKernels
import ProbeStore

/// The bounding spheres of the live clusters during forward merging, for finding the
/// clusters of other labels whose sphere meets a candidate's, in O(clusters · d) float32
/// SIMD work per candidate instead of building arrays of clusters.
struct SphereIndex: Sendable {
    private let dimension: Int
    private let centroids: FloatScratch
    private var norms: [Float]
    private var radii: [Double]
    private var labels: [Int]
    private var alive: [Bool]

    init(_ clusters: [Cluster], scratch: String?) throws {
        let d = clusters.first?.centroid.count ?? 0
        dimension = d
        let table = try FloatScratch(count: clusters.count * d, folder: scratch)
        for (index, cluster) in clusters.enumerated() {
            cluster.centroid.withUnsafeBufferPointer { (table.pointer + index * d).update(from: $0.baseAddress!, count: d) }
        }
        centroids = table
        norms = clusters.map { $0.centroid.reduce(0) { $0 + $1 * $1 } }
        radii = clusters.map(\.radius)
        labels = clusters.map(\.label)
        alive = Array(repeating: true, count: clusters.count)
    }

    mutating func remove(_ index: Int) { alive[index] = false }

    mutating func update(_ index: Int, to cluster: Cluster) {
        for k in 0..<dimension { centroids.pointer[index * dimension + k] = cluster.centroid[k] }
        norms[index] = cluster.centroid.reduce(0) { $0 + $1 * $1 }
        radii[index] = cluster.radius
    }

    /// Indices of live clusters of another label whose closed sphere meets `cluster`'s, in
    /// ascending order. The float32 pass only pre-selects (with a margin for its rounding);
    /// the float64 distance decides exactly, so no pair is missed. Runs on up to `threads`
    /// threads, over blocks of a fixed number of clusters.
    func intersecting(_ cluster: Cluster, threads: Int = 1) throws -> [Int] {
        let blocks = (alive.count + SphereIndex.blockSize - 1) / SphereIndex.blockSize
        guard blocks > 1, threads > 1 else { return intersecting(cluster, in: 0..<alive.count) }
        return try parallelMap(blocks, threads: threads) { block in
            intersecting(cluster, in: (block * SphereIndex.blockSize)..<min(alive.count, (block + 1) * SphereIndex.blockSize))
        }.flatMap { $0 }
    }

    /// Clusters per block of ``intersecting(_:threads:)``.
    static let blockSize = 2048

    /// ``intersecting(_:threads:)`` over the clusters of `range`.
    private func intersecting(_ cluster: Cluster, in range: Range<Int>) -> [Int] {
        let d = dimension
        let norm = cluster.centroid.reduce(0) { $0 + $1 * $1 }
        var found: [Int] = []
        cluster.centroid.withUnsafeBufferPointer { c in
            do {
                guard let query = c.baseAddress else { return }
                let base = centroids.pointer
                for j in range where alive[j] && labels[j] != cluster.label {
                    let dot = dotProduct(query, base + j * d, d)
                    let squared = Double(norm + norms[j] - 2 * dot)
                    let reach = cluster.radius + radii[j]
                    let slack = 1e-4 * Double(norm + norms[j]) + 1e-12
                    if squared + slack < reach * reach {
                        // Inside by more than the float32 error: the exact distance agrees.
                        found.append(j)
                    } else if squared <= reach * reach + slack {
                        let distance = exactSquaredDistance(query, base + j * d, dimension: d).squareRoot()
                        if reach >= distance { found.append(j) }
                    }
                }
            }
        }
        return found
    }
}
