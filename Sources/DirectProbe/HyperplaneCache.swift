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

/// Separating hyperplanes of recent separable verdicts, by cluster pair, within a byte budget.
///
/// Two generations: entries go into the current one; when it holds half the budget it
/// becomes the previous one and the old previous one is dropped. A hit in the previous
/// generation moves the entry back into the current one. So the cache keeps at least the
/// most recent half of the budget's worth of entries, at O(1) per operation (an exact LRU
/// over hundreds of thousands of entries would cost more than it saves). Thread-safe.
final class HyperplaneCache: @unchecked Sendable {
    private let capacityBytes: Int
    private var current: [NodePair: SeparatingHyperplane] = [:]
    private var previous: [NodePair: SeparatingHyperplane] = [:]
    private var currentBytes = 0
    private let lock = NSLock()

    /// Creates a cache holding up to about `capacityBytes` of hyperplanes.
    init(capacityBytes: Int) {
        self.capacityBytes = max(0, capacityBytes)
    }

    /// The hyperplane stored for the pair, if any.
    func hyperplane(_ a: Int, _ b: Int) -> SeparatingHyperplane? {
        lock.lock(); defer { lock.unlock() }
        let key = NodePair(a, b)
        if let found = current[key] { return found }
        guard let found = previous.removeValue(forKey: key) else { return nil }
        insertLocked(key, found)
        return found
    }

    /// Stores the hyperplane of a separable pair.
    func store(_ a: Int, _ b: Int, _ hyperplane: SeparatingHyperplane) {
        guard capacityBytes > 0 else { return }
        lock.lock(); defer { lock.unlock() }
        insertLocked(NodePair(a, b), hyperplane)
    }

    private func insertLocked(_ key: NodePair, _ value: SeparatingHyperplane) {
        if let old = current.updateValue(value, forKey: key) { currentBytes -= old.bytes }
        currentBytes += value.bytes
        if currentBytes > capacityBytes / 2 {
            previous = current
            current = [:]
            currentBytes = 0
        }
    }
}
