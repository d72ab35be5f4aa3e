// The two-level oracle ("shrinking", as in SVM solvers). A full pass over 2·50 000 points of
// 768 floats reads 300 MB and is bound by memory bandwidth (~20 ms), while the points that
// matter, those that can enter the corral, are a few hundred. The solver therefore runs
// Wolfe's iterations with the oracle restricted to a working set W of each side, packed
// contiguously so that it stays in cache, and makes a full pass when W has converged (the
// stopping rule holds on W) or when the restricted steps since the last full pass have cost
// about as much as one (far from the optimum W misses points that matter, and steps on a
// wrong W are undone later: measured, running W to convergence each round doubled the
// iterations). Each full pass either certifies the bounds or rebuilds W as the corral's
// points plus the strongest violators at the current x, so W stays near the corral's size
// plus `setSize` instead of accumulating points that stopped mattering.
//
// Every full pass computes the exact float64 products of the oracle, the same `dot` as the
// plain method, so the certificates are exactly those of the plain method. A float32 pass
// (sgemv on a float32 copy of x, then float64 re-evaluation of the candidates within a
// rigorous error bound) was considered and not built: the pass reads the same float32 rows
// either way and is memory-bound (~15 GB/s measured with the float64 loop), so it would add
// an error analysis for little gain, and OpenBLAS threads inside a caller's parallel loop
// would make results depend on its thread count.

/// How the solver restricts its oracle to working sets of points.
struct WorkingSetPolicy: Sendable {
    /// The most violators per side that a full pass puts into the working sets, besides the
    /// corral's points.
    var setSize: Int
    /// How many times the cost of a restricted step, per point read, a full pass costs: full
    /// passes stream from memory, shared with whatever else runs, while the sets and the
    /// corral stay in cache.
    var fullPassWeight: Double
    /// The largest side, in bytes of float32 rows, whose working set reads the rows where they
    /// are instead of copies. Packing keeps a set of a large side in cache while full passes
    /// stream the side; a small side stays in cache whole, and its set was copied again at
    /// every full pass for nothing (on a real layer, warm solves of ~1 700 points in d = 384,
    /// 3% of the time of forward merging went to those copies). The answers are the same to
    /// the bit either way.
    var largestUnpackedSide = 4 << 20

    /// The default: a few hundred points per side (measured: 256 and 512 do equally well
    /// on 10 000 and 50 000 points in d = 768..1024; larger sets only cost more per step).
    static let standard = WorkingSetPolicy(setSize: 256, fullPassWeight: 4)
    /// Every point, so that every iteration makes a full pass: Wolfe's method as such.
    static let fullPasses = WorkingSetPolicy(setSize: .max, fullPassWeight: 1)
}

/// A subset of the points of one side, their rows copied contiguously where the side is large.
struct WorkingSet {
    let dimension: Int
    /// The points of the set, as indices into their side, in the order they joined.
    private(set) var indices: [Int] = []
    /// Whether each point of the side is in the set.
    private var member: [Bool]
    /// Whether the rows are copied into `packed` (``WorkingSetPolicy/largestUnpackedSide``).
    private let packs: Bool
    /// The rows of the points in `indices`, one after another (where `packs`).
    private var packed: [Float] = []

    /// An empty set of a side of `pointCount` points, copying their rows where the side is
    /// larger than `largestUnpackedSide` bytes.
    init(pointCount: Int, dimension: Int, largestUnpackedSide: Int) {
        self.dimension = dimension
        self.member = [Bool](repeating: false, count: pointCount)
        packs = pointCount * dimension * MemoryLayout<Float>.size > largestUnpackedSide
    }

    var count: Int { indices.count }
    /// Whether every point of the side is in the set.
    var isComplete: Bool { indices.count == member.count }

    func contains(_ index: Int) -> Bool { member[index] }

    /// Empties the set.
    mutating func removeAll() {
        for index in indices { member[index] = false }
        indices.removeAll(keepingCapacity: true)
        if packs { packed.removeAll(keepingCapacity: true) }
    }

    /// Adds point `index` of `rows`, unless it is already in the set.
    mutating func insert(_ index: Int, from rows: RowSet) {
        guard !member[index] else { return }
        member[index] = true
        indices.append(index)
        if packs { packed.append(contentsOf: UnsafeBufferPointer(start: rows.row(index), count: dimension)) }
    }

    /// The point of the set with the smallest `sign·⟨point, x⟩`, the lowest index on ties;
    /// `rows` are the side's points, those the set was filled from.
    ///
    /// `sign` is 1 for a minimum and −1 for a maximum; negation is exact, so the value
    /// returned, `⟨point, x⟩`, is bit-identical to that of a full pass over the same point
    /// (the same `dot` of the same row, copied or not).
    func extreme(along x: UnsafePointer<Double>, sign: Double, rows: RowSet) -> (index: Int, value: Double) {
        var bestIndex = -1
        var bestKey = Double.infinity
        var bestValue = sign * Double.infinity
        packed.withUnsafeBufferPointer { packed in
            let base = packs ? packed.baseAddress : nil
            for (position, index) in indices.enumerated() {
                // The copy where the set packs its rows, else the row where it is.
                let row = base.map { $0 + position * dimension } ?? rows.row(index)
                let value = dot(row, x, dimension)
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
