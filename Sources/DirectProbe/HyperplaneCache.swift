import Foundation
import ProbeGeometry
import ProbeKernels

/// A hyperplane that separated two clusters, kept so that it can be checked again, cheaply,
/// when one of them grows.
///
/// The points of the cluster `lowNode` project to at most `lowMax` on the normal, those of
/// the other cluster to at least `highMin`; the hulls are at least `(highMin − lowMax)/‖normal‖`
/// apart. The normal is stored in float32 (half the memory); the extremes were computed
/// with that rounded normal, in float64, so they describe exactly the hyperplane stored.
/// Every use compares that margin with the pair's overlap tolerance: a solver's hyperplane
/// whose margin is positive but not above it (a pair within rounding of the tolerance)
/// certifies nothing and is kept only for its corral.
///
/// A normal that is a centroid difference is not stored at all: nodes name immutable point
/// sets, so the two clusters' centroids give it back exactly (`centroidDifference`). Those
/// are the key's two clusters for a centroid certificate; for a hyperplane reused from a part
/// one of them is a cluster that no longer takes part, whose centroid the overlap checker
/// keeps. Such entries take about a tenth of the memory, so the cache holds ten times as many
/// of them: on a real layer, where a merge reuses thousands of hyperplanes, keeping their
/// normals turned the cache over every ten merges or so, and the checks of a cluster merged
/// before that started from scratch.
struct SeparatingHyperplane: Sendable {
    let normal: HyperplaneNormal
    let lowNode: Int
    let lowMax: Double
    let highMin: Double
    /// The solver's corral at the nearest points of the two clusters, when the solver made
    /// this hyperplane (or the one it was reused from): a warm start for a superset.
    var corral: StoredCorral? = nil

    /// Bytes this entry holds (for the cache budget), dictionary overhead included.
    var bytes: Int { normal.bytes + 128 + (corral?.bytes ?? 0) }
}

/// The normal of a ``SeparatingHyperplane``.
enum HyperplaneNormal: Sendable {
    /// Kept in float32.
    case stored([Float])
    /// Kept in float64: the solver's normal where rounding it to float32 costs the margin (or
    /// it has none above the tolerance), a pair whose distance is within rounding of the
    /// overlap tolerance (on a real layer, two nearly identical points of different labels,
    /// or hulls that touch within rounding). Rare, so the memory does not matter;
    /// without it such a pair kept no hyperplane and no corral, and every merge of either
    /// cluster solved it again from scratch (layer 6 of the full supersense task: ~3 000
    /// iterations, ~1 s, at almost every merge for minutes).
    case exact([Double])
    /// `centroid(to) − centroid(from)` of two nodes, computed again when needed.
    case centroidDifference(from: Int, to: Int)

    /// Bytes of the stored values.
    var bytes: Int {
        switch self {
        case .stored(let values): values.count * MemoryLayout<Float>.size
        case .exact(let values): values.count * MemoryLayout<Double>.size
        case .centroidDifference: 0
        }
    }
}

/// The float32 normal `high.centroid − low.centroid` (each entry the exact difference rounded
/// once), as the centroid certificate uses it.
///
/// A float32 subtraction: it is the float64 difference rounded to float32, bit for bit, since
/// rounding to 53 bits and then to 24 equals rounding to 24 once for a sum of two float32
/// values (53 ≥ 2·24 + 2; Figueroa, "When is double rounding innocuous?", 1995); on a real
/// layer this runs for every reused hyperplane of every merge, and the float32 loop is
/// vectorised where the widening one was not.
func centroidDifference(from low: [Float], to high: [Float]) -> [Float] {
    let count = min(low.count, high.count)
    return [Float](unsafeUninitializedCapacity: count) { out, initialized in
        low.withUnsafeBufferPointer { low in
            high.withUnsafeBufferPointer { high in centroidDifference(from: low, to: high, into: out) }
        }
        initialized = count
    }
}

/// ``centroidDifference(from:to:)`` written into `out` (its first `min` of the three counts).
func centroidDifference(from low: UnsafeBufferPointer<Float>, to high: UnsafeBufferPointer<Float>,
                        into out: UnsafeMutableBufferPointer<Float>) {
    for k in 0..<min(low.count, high.count, out.count) { out[k] = high[k] - low[k] }
}

/// A float32 normal in float64, for projections.
func widened(_ normal: [Float]) -> [Double] { normal.map(Double.init) }

/// The Euclidean norm of a float32 normal, in float64 (``exactSquaredNorm(_:dimension:)``:
/// this runs for every hyperplane reused on a real layer, thousands per merge).
func euclideanNorm(_ normal: [Float]) -> Double {
    normal.withUnsafeBufferPointer { values in
        values.baseAddress.map { exactSquaredNorm($0, dimension: values.count).squareRoot() } ?? 0
    }
}

/// A solver corral kept by point rows (not positions in a cluster), so that it stays valid
/// for any supersets of the two clusters it was found for.
///
/// A class: a hyperplane reused for a merged cluster shares its part's corral, and thousands
/// of hyperplanes are copied per merge, so one reference to count beats three arrays.
final class StoredCorral: Sendable {
    /// Whether the A side of the vertices (`rowsA`) is the hyperplane's low side.
    let aIsLow: Bool
    /// Rows of the A side of each vertex.
    let rowsA: [Int32]
    /// Rows of the B side of each vertex.
    let rowsB: [Int32]
    /// Convex weights of the vertices.
    let weights: [Double]
    /// Whether the solver's accurate (QR) corral found it (``HullSeparation/corralIsQR``): a
    /// warm start from it starts there.
    let isQR: Bool

    /// Keeps `corral` (indices into `membersA` and `membersB`) by rows.
    init(_ corral: [CorralVertex], isQR: Bool, aIsLow: Bool, membersA: [Int32], membersB: [Int32]) {
        self.isQR = isQR
        self.aIsLow = aIsLow
        rowsA = corral.map { membersA[$0.indexA] }
        rowsB = corral.map { membersB[$0.indexB] }
        weights = corral.map(\.weight)
    }

    /// The corral as vertices of `low − high`, for a pair of supersets of the two clusters
    /// (ascending member rows of the low and the high side). A corral of B − A negated is
    /// one of A − B with the same weights, so the sides are swapped where needed. Vertices
    /// whose rows are missing are dropped (the solver renormalises what is left).
    func vertices(low: [Int32], high: [Int32]) -> [CorralVertex] {
        let (rowsLow, rowsHigh) = aIsLow ? (rowsA, rowsB) : (rowsB, rowsA)
        var out: [CorralVertex] = []
        out.reserveCapacity(weights.count)
        for k in 0..<weights.count {
            guard let i = position(of: rowsLow[k], in: low), let j = position(of: rowsHigh[k], in: high) else { continue }
            out.append(CorralVertex(indexA: i, indexB: j, weight: weights[k]))
        }
        return out
    }

    /// Bytes this corral holds (for the cache budget).
    var bytes: Int { weights.count * 16 + 48 }
}

/// The index of `row` in the ascending `rows`, if present.
private func position(of row: Int32, in rows: [Int32]) -> Int? {
    var low = 0, high = rows.count
    while low < high {
        let mid = (low + high) / 2
        if rows[mid] < row { low = mid + 1 } else { high = mid }
    }
    return low < rows.count && rows[low] == row ? low : nil
}

/// Separating hyperplanes of recent separable verdicts, by cluster pair, within a byte budget.
/// Thread-safe.
///
/// Two `GenerationalCache`s: hyperplanes that carry a solver's corral (the pairs whose solve
/// was long, a few per merge) have a budget of their own, a quarter of the cheap ones'
/// (`capacityBytes`), apart from the cheap ones (reused and centroid-difference hyperplanes, thousands per merge). In one
/// cache together the cheap ones pushed the corrals out within a few merges, and the next
/// attempt on such a pair solved again from scratch: on a real 384-dimensional layer, a
/// cold solve of a near-touching pair took 1 000–4 000 iterations, and the same solve warm
/// from a part's corral 1–130.
struct HyperplaneCache: Sendable {
    private let cheap: GenerationalCache<NodePair, SeparatingHyperplane>
    private let solved: GenerationalCache<NodePair, SeparatingHyperplane>

    /// Creates a cache holding up to about `capacityBytes` of cheap hyperplanes, and a quarter
    /// of that of hyperplanes with corrals.
    init(capacityBytes: Int) {
        cheap = GenerationalCache(capacityBytes: capacityBytes) { $0.bytes }
        solved = GenerationalCache(capacityBytes: capacityBytes / 4) { $0.bytes }
    }

    /// The hyperplane stored for the pair, if any.
    func hyperplane(_ a: Int, _ b: Int) -> SeparatingHyperplane? {
        let key = NodePair(a, b)
        return solved.value(key) ?? cheap.value(key)
    }

    /// The hyperplanes stored between `node` and each of `others`, in order (nil where none).
    func hyperplanes(_ node: Int, _ others: [Int]) -> [SeparatingHyperplane?] {
        let keys = others.map { NodePair(node, $0) }
        let fromSolved = solved.values(keys)
        let missing = keys.indices.filter { fromSolved[$0] == nil }
        let fromCheap = cheap.values(missing.map { keys[$0] })
        var found = fromSolved
        for (position, index) in missing.enumerated() { found[index] = fromCheap[position] }
        return found
    }

    /// Whether a hyperplane found by the solver (with its corral) is stored for the pair: the
    /// pair was near-touching (without touching its age).
    func containsSolved(_ a: Int, _ b: Int) -> Bool {
        solved.contains(NodePair(a, b))
    }

    /// Whether the corral stored with the pair's solver hyperplane was found by the QR corral
    /// (the pair's nearest points were very close), without touching its age.
    func solvedOnQR(_ a: Int, _ b: Int) -> Bool {
        solved.peek(NodePair(a, b))?.corral?.isQR ?? false
    }

    /// Whether a hyperplane is stored for the pair (without touching its age).
    func contains(_ a: Int, _ b: Int) -> Bool {
        let key = NodePair(a, b)
        return solved.contains(key) || cheap.contains(key)
    }

    /// Frees the budget of the hyperplanes between `node` and each of `others`, pairs that
    /// nothing asks for again (``GenerationalCache/release(_:)``).
    func release(_ node: Int, _ others: [Int]) {
        let keys = others.map { NodePair(node, $0) }
        solved.release(keys)
        cheap.release(keys)
    }

    /// Stores the hyperplanes between `node` and other clusters, each with the other's node.
    func store(_ node: Int, _ planes: [(other: Int, hyperplane: SeparatingHyperplane)]) {
        // One pass into the two lists (thousands of entries per merge on a real layer).
        var withCorral: [(NodePair, SeparatingHyperplane)] = [], withoutCorral: [(NodePair, SeparatingHyperplane)] = []
        withoutCorral.reserveCapacity(planes.count)
        for (other, hyperplane) in planes {
            if hyperplane.corral != nil {
                withCorral.append((NodePair(node, other), hyperplane))
            } else {
                withoutCorral.append((NodePair(node, other), hyperplane))
            }
        }
        if !withCorral.isEmpty { solved.store(withCorral) }
        if !withoutCorral.isEmpty { cheap.store(withoutCorral) }
    }

    /// Stores the hyperplane of a separable pair.
    func store(_ a: Int, _ b: Int, _ hyperplane: SeparatingHyperplane) {
        store(a, [(b, hyperplane)])
    }
}
