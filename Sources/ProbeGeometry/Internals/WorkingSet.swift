import Foundation // DEBUG-TEMP
// The two-level oracle ("shrinking", as in SVM solvers). A full pass over 2·50 000 points of
// 768 floats reads 300 MB and is bound by memory bandwidth (~20 ms), while the points that
// matter, those that can enter the corral, are a few hundred. The solver therefore runs
// Wolfe's iterations with the oracle restricted to a working subset W of each side, packed
// contiguously so that it stays in cache, and makes a full pass only when W has converged:
// the full pass either certifies the bounds or brings in the points outside W that still
// violate them. Every full pass computes the exact float64 products of the oracle (memory,
// not arithmetic, sets its speed, so a float32 pass would save nothing and would need an
// error bound), so the certificates are those of the plain method.

/// How the solver restricts its oracle to a working set of points.
struct WorkingSetPolicy: Sendable {
    /// Points per side taken into the working set from the first full pass, best first.
    var initialSize: Int
    /// The most points per side added after a full pass that found violators outside the set.
    var batchSize: Int

    /// The default: a few hundred points, grown in batches of the same size.
    static var standard: WorkingSetPolicy { // DEBUG-TEMP
        let e = ProcessInfo.processInfo.environment
        return WorkingSetPolicy(initialSize: Int(e["WS_INIT"] ?? "") ?? 256, batchSize: Int(e["WS_BATCH"] ?? "") ?? 256)
    }
    /// Every point from the start, so that every iteration makes a full pass.
    static let fullPasses = WorkingSetPolicy(initialSize: .max, batchSize: .max)
}

/// A subset of the points of one side, their rows copied contiguously.
struct WorkingSet {
    let dimension: Int
    /// The points of the set, as indices into their side, in the order they joined.
    private(set) var indices: [Int] = []
    /// Whether each point of the side is in the set.
    private var member: [Bool]
    /// The rows of the points in `indices`, one after another.
    private var packed: [Float] = []

    init(pointCount: Int, dimension: Int) {
        self.dimension = dimension
        self.member = [Bool](repeating: false, count: pointCount)
    }

    var count: Int { indices.count }
    /// Whether every point of the side is in the set.
    var isComplete: Bool { indices.count == member.count }

    func contains(_ index: Int) -> Bool { member[index] }

    /// Empties the set.
    mutating func removeAll() {
        for index in indices { member[index] = false }
        indices.removeAll(keepingCapacity: true)
        packed.removeAll(keepingCapacity: true)
    }

    /// Adds point `index` of `rows`, unless it is already in the set.
    mutating func insert(_ index: Int, from rows: RowSet) {
        guard !member[index] else { return }
        member[index] = true
        indices.append(index)
        packed.append(contentsOf: UnsafeBufferPointer(start: rows.row(index), count: dimension))
    }

    /// The point of the set with the smallest `sign·⟨point, x⟩`, the lowest index on ties.
    ///
    /// `sign` is 1 for a minimum and −1 for a maximum; negation is exact, so the value
    /// returned, `⟨point, x⟩`, is bit-identical to that of a full pass over the same point.
    func extreme(along x: UnsafePointer<Double>, sign: Double) -> (index: Int, value: Double) {
        var bestIndex = -1
        var bestKey = Double.infinity
        var bestValue = sign * Double.infinity
        packed.withUnsafeBufferPointer { packed in
            guard let base = packed.baseAddress else { return }
            for (position, index) in indices.enumerated() {
                let value = dot(base + position * dimension, x, dimension)
                let key = sign * value
                // Points join in no particular order; compare indices so that ties go to
                // the lowest index, as in a full pass.
                if key < bestKey || (key == bestKey && index < bestIndex) {
                    bestIndex = index
                    bestKey = key
                    bestValue = value
                }
            }
        }
        // A NaN in the data never wins a comparison; keep a valid index all the same.
        return (bestIndex >= 0 ? bestIndex : (indices.first ?? 0), bestValue)
    }

    /// Up to `limit` points outside the set whose key `sign·values[i]` is below `threshold`,
    /// smallest key first, ties by the lowest index.
    func candidates(
        _ values: UnsafeBufferPointer<Double>, sign: Double, below threshold: Double, limit: Int
    ) -> [Int] {
        guard limit > 0 else { return [] }
        // A max-heap on (key, index) of the best `limit` seen so far: its root is the worst
        // kept, the one a better point replaces.
        var heap: [(key: Double, index: Int)] = []
        func worse(_ p: (key: Double, index: Int), _ q: (key: Double, index: Int)) -> Bool {
            p.key > q.key || (p.key == q.key && p.index > q.index)
        }
        for index in 0..<values.count where !member[index] {
            let key = sign * values[index]
            // NaN keys fail this test and are never selected.
            guard key < threshold else { continue }
            let entry = (key: key, index: index)
            if heap.count < limit {
                heap.append(entry)
                var child = heap.count - 1
                while child > 0 {
                    let parent = (child - 1) / 2
                    guard worse(heap[child], heap[parent]) else { break }
                    heap.swapAt(child, parent)
                    child = parent
                }
            } else if worse(heap[0], entry) {
                heap[0] = entry
                var parent = 0
                while true {
                    let left = 2 * parent + 1, right = left + 1
                    var largest = parent
                    if left < heap.count && worse(heap[left], heap[largest]) { largest = left }
                    if right < heap.count && worse(heap[right], heap[largest]) { largest = right }
                    guard largest != parent else { break }
                    heap.swapAt(parent, largest)
                    parent = largest
                }
            }
        }
        return heap.sorted { worse($1, $0) }.map(\.index)
    }
}
