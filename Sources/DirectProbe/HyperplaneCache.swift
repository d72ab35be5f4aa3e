import Foundation

/// A hyperplane that separated two clusters, kept so that it can be checked again, cheaply,
/// when one of them grows.
///
/// The points of the cluster `lowNode` project to at most `lowMax` on `normal`, those of the
/// other cluster to at least `highMin`; the hulls are at least `(highMin − lowMax)/‖normal‖`
/// apart. The normal is stored in float32 (half the memory); the extremes were computed
/// with that rounded normal, in float64, so they describe exactly the hyperplane stored.
struct SeparatingHyperplane: Sendable {
    let normal: [Float]
    let lowNode: Int
    let lowMax: Double
    let highMin: Double

    /// The normal in float64, for projections.
    var direction: [Double] { normal.map(Double.init) }

    /// The Euclidean norm of the stored normal.
    var norm: Double { normal.reduce(0) { $0 + Double($1) * Double($1) }.squareRoot() }

    /// Bytes this entry holds (for the cache budget).
    var bytes: Int { normal.count * MemoryLayout<Float>.size + 64 }
}

/// Separating hyperplanes of recent separable verdicts, by cluster pair, within a byte budget
/// (a `GenerationalCache`). Thread-safe.
struct HyperplaneCache: Sendable {
    private let entries: GenerationalCache<NodePair, SeparatingHyperplane>

    /// Creates a cache holding up to about `capacityBytes` of hyperplanes.
    init(capacityBytes: Int) {
        entries = GenerationalCache(capacityBytes: capacityBytes) { $0.bytes }
    }

    /// The hyperplane stored for the pair, if any.
    func hyperplane(_ a: Int, _ b: Int) -> SeparatingHyperplane? {
        entries.value(NodePair(a, b))
    }

    /// Whether a hyperplane is stored for the pair (without touching its age).
    func contains(_ a: Int, _ b: Int) -> Bool {
        entries.contains(NodePair(a, b))
    }

    /// Stores the hyperplane of a separable pair.
    func store(_ a: Int, _ b: Int, _ hyperplane: SeparatingHyperplane) {
        entries.store(NodePair(a, b), hyperplane)
    }
}
