import ProbeKernels
import ProbeStore

/// Centroid-linkage clustering of one label's clusters, one merge at a time, in memory
/// O(clusters · d) for the centroids plus O(clusters) bookkeeping — never O(clusters²).
///
/// Müllner's generic algorithm (2011; fastcluster's `generic_linkage`): every slot keeps
/// its nearest active *later* slot and that distance, in a priority queue. A merge moves
/// one centroid and removes another, so each slot whose neighbour was touched either
/// gets the new cluster as a closer neighbour or is marked stale; a stale slot's key stays
/// a valid lower bound (its old neighbour only moved away) and it is recomputed exactly
/// when it reaches the top. The pair on top, once fresh, is the closest pair of all.
///
/// Pairs can be *forbidden* (the forward phase of DirectProbe discards a pair whose merge
/// would overlap another label): a slot's neighbour is then the nearest later slot it is
/// not forbidden with. Ties are broken by the lowest slot, then the lowest neighbour.
struct CentroidLinkage {
    /// Values per centroid.
    let dimension: Int
    /// The centroids, one row per slot (file-backed when large: see `FloatScratch`).
    private let storage: FloatScratch
    private var centroids: UnsafeMutablePointer<Float> { storage.pointer }
    private(set) var sizes: [Int]
    private var active: [Bool]
    private var activeSlots: SortedSlots
    private var neighbour: [Int]       // nearest later active slot (-1: none)
    private var distance: [Double]     // its distance (a lower bound when stale)
    private var stale: [Bool]
    private var queue: IndexedMinHeap
    /// Forbidden partners of each slot (symmetric), only for slots that have some.
    private var forbidden: [Int: Set<Int>] = [:]
    /// Whether a merged slot keeps the forbidden partners of both parts (see `merge`).
    var inheritsForbiddenPairs = true

    /// The candidate pair on top: slot `first` < slot `second` at `distance`.
    struct Pair: Equatable {
        let first: Int
        let second: Int
        let distance: Double
    }

    /// Creates the engine over `count` clusters with the given centroids and sizes, finding
    /// every slot's nearest later slot with the tiled kernel.
    init(centroids: FloatScratch, sizes: [Int], dimension: Int, kernel: DistanceKernel) throws {
        self.dimension = dimension
        self.storage = centroids
        self.sizes = sizes
        let count = sizes.count
        active = Array(repeating: true, count: count)
        activeSlots = SortedSlots(count: count)
        neighbour = Array(repeating: -1, count: count)
        distance = Array(repeating: .infinity, count: count)
        stale = Array(repeating: false, count: count)
        if count > 1 {
            let rows = ScratchRows(scratch: centroids, rowCount: count, dimension: dimension)
            let nearest = try kernel.nearestNeighbours(within: PointSet(rows), scope: .laterOnly)
            for (slot, found) in nearest.enumerated() {
                if let found {
                    neighbour[slot] = found.position
                    distance[slot] = found.distance
                }
            }
        }
        queue = IndexedMinHeap(keys: distance)
    }

    /// The number of active clusters.
    var activeCount: Int { activeSlots.count }

    /// Whether `slot` holds a cluster.
    func isActive(_ slot: Int) -> Bool { active[slot] }

    /// The closest allowed pair of active clusters, or nil if none is left.
    mutating func closestPair() -> Pair? {
        while let top = queue.top {
            guard distance[top] < .infinity else { return nil }
            if stale[top] || !active[neighbour[top]] {
                refresh(top)
                continue
            }
            return Pair(first: top, second: neighbour[top], distance: distance[top])
        }
        return nil
    }

    /// Merges the pair's first slot into its second; returns the kept slot. The new centroid
    /// is `centroid` when given (the exact mean of the members), else the size-weighted mean.
    @discardableResult
    mutating func merge(_ pair: Pair, centroid: [Float]? = nil) -> Int {
        let (a, b) = (pair.first, pair.second)
        let d = dimension
        if let centroid {
            for k in 0..<d { centroids[b * d + k] = centroid[k] }
        } else {
            let wa = Double(sizes[a]), wb = Double(sizes[b]), total = wa + wb
            for k in 0..<d {
                centroids[b * d + k] = Float((wa * Double(centroids[a * d + k]) + wb * Double(centroids[b * d + k])) / total)
            }
        }
        sizes[b] += sizes[a]
        let inherited = inheritsForbiddenPairs ? forbidden[a] ?? [] : []
        remove(a)
        // The merged cluster keeps the forbidden partners of both parts: in forward merging a
        // pair is forbidden because its union overlaps a cluster of another label, and clusters
        // only grow, so the union of a superset still overlaps (the hull only grows, and the
        // witness's points lie inside one live cluster). The pair would be tried and rejected.
        if !inheritsForbiddenPairs { clearForbidden(b) }
        for partner in inherited where partner != b {
            forbidden[b, default: []].insert(partner)
            forbidden[partner, default: []].insert(b)
        }
        centroidMoved(b)
        return b
    }

    /// Forbids merging the two slots; their queue entries are recomputed.
    mutating func forbid(_ pair: Pair) {
        forbidden[pair.first, default: []].insert(pair.second)
        forbidden[pair.second, default: []].insert(pair.first)
        stale[pair.first] = true
        queue.update(pair.first, key: distance[pair.first])
    }

    private mutating func remove(_ slot: Int) {
        active[slot] = false
        activeSlots.remove(slot)
        queue.remove(slot)
        clearForbidden(slot)
    }

    private mutating func clearForbidden(_ slot: Int) {
        guard let partners = forbidden.removeValue(forKey: slot) else { return }
        for partner in partners {
            forbidden[partner]?.remove(slot)
            if forbidden[partner]?.isEmpty == true { forbidden[partner] = nil }
        }
    }

    private func isForbidden(_ i: Int, _ j: Int) -> Bool {
        !forbidden.isEmpty && forbidden[i]?.contains(j) == true
    }

    /// After `slot`'s centroid changed: earlier slots may now have it as their nearest
    /// (or lost it as their nearest: stale), and the slot's own nearest later is recomputed.
    private mutating func centroidMoved(_ slot: Int) {
        let d = dimension
        do {
            let base = centroids
            for j in activeSlots.slots(before: slot) {
                if isForbidden(j, slot) {
                    if neighbour[j] == slot { stale[j] = true }
                    continue
                }
                let dist = exactSquaredDistance(base + j * d, base + slot * d, dimension: d).squareRoot()
                if dist < distance[j] || (dist == distance[j] && slot < neighbour[j]) {
                    neighbour[j] = slot
                    distance[j] = dist
                    stale[j] = false
                    queue.update(j, key: dist)
                } else if neighbour[j] == slot || !active[neighbour[j]] {
                    stale[j] = true  // key stays a lower bound; recomputed at the top
                }
            }
        }
        refresh(slot)
    }

    /// Recomputes the nearest allowed later slot of `slot` exactly.
    private mutating func refresh(_ slot: Int) {
        let d = dimension
        var best = Double.infinity, bestSlot = -1
        do {
            let base = centroids
            for j in activeSlots.slots(after: slot) {
                if isForbidden(slot, j) { continue }
                let s = exactSquaredDistance(base + slot * d, base + j * d, dimension: d)
                if s < best { best = s; bestSlot = j }
            }
        }
        neighbour[slot] = bestSlot
        distance[slot] = bestSlot < 0 ? .infinity : best.squareRoot()
        stale[slot] = false
        queue.update(slot, key: distance[slot])
    }
}

/// The active slots in increasing order, with removal; iteration skips removed slots.
///
/// A doubly linked list over slot indices: O(1) removal, iteration in O(active).
struct SortedSlots {
    private var next: [Int32]
    private var previous: [Int32]
    private var head: Int32
    private(set) var count: Int

    init(count: Int) {
        next = (0..<count).map { Int32($0 + 1 == count ? -1 : $0 + 1) }
        previous = (0..<count).map { Int32($0 - 1) }
        head = count > 0 ? 0 : -1
        self.count = count
    }

    mutating func remove(_ slot: Int) {
        let n = next[slot], p = previous[slot]
        if p >= 0 { next[Int(p)] = n } else { head = n }
        if n >= 0 { previous[Int(n)] = p }
        count -= 1
    }

    /// Active slots below `limit`, ascending.
    func slots(before limit: Int) -> SlotSequence { SlotSequence(next: next, start: head, limit: Int32(limit)) }
    /// Active slots above `slot`, ascending (`slot` must be active).
    func slots(after slot: Int) -> SlotSequence { SlotSequence(next: next, start: next[slot], limit: Int32.max) }

    struct SlotSequence: Sequence, IteratorProtocol {
        let links: [Int32]
        var current: Int32
        let limit: Int32
        init(next: [Int32], start: Int32, limit: Int32) {
            links = next
            current = start
            self.limit = limit
        }
        mutating func next() -> Int? {
            guard current >= 0, current < limit else { return nil }
            defer { current = links[Int(current)] }
            return Int(current)
        }
    }
}

/// A binary min-heap of slots keyed by distance (ties: lowest slot), with updates by slot.
struct IndexedMinHeap {
    private var heap: [Int] = []
    private var position: [Int]
    private var keys: [Double]

    init(keys: [Double]) {
        self.keys = keys
        position = Array(repeating: -1, count: keys.count)
        heap = Array(keys.indices)
        for (i, slot) in heap.enumerated() { position[slot] = i }
        var i = heap.count / 2
        while i > 0 { i -= 1; siftDown(i) }
    }

    var top: Int? { heap.first }

    mutating func update(_ slot: Int, key: Double) {
        let i = position[slot]
        guard i >= 0 else { return }
        let old = keys[slot]
        keys[slot] = key
        if key < old || (key == old) { siftUp(i) }
        siftDown(position[slot])
    }

    mutating func remove(_ slot: Int) {
        let i = position[slot]
        guard i >= 0 else { return }
        let last = heap.count - 1
        swapAt(i, last)
        heap.removeLast()
        position[slot] = -1
        if i < heap.count {
            siftUp(i)
            siftDown(position[heap[i]] == i ? i : position[heap[i]])
        }
    }

    private func less(_ a: Int, _ b: Int) -> Bool {
        keys[a] < keys[b] || (keys[a] == keys[b] && a < b)
    }

    private mutating func swapAt(_ i: Int, _ j: Int) {
        heap.swapAt(i, j)
        position[heap[i]] = i
        position[heap[j]] = j
    }

    private mutating func siftUp(_ start: Int) {
        var i = start
        while i > 0 {
            let parent = (i - 1) / 2
            guard less(heap[i], heap[parent]) else { break }
            swapAt(i, parent)
            i = parent
        }
    }

    private mutating func siftDown(_ start: Int) {
        var i = start
        while true {
            let l = 2 * i + 1, r = l + 1
            var smallest = i
            if l < heap.count && less(heap[l], heap[smallest]) { smallest = l }
            if r < heap.count && less(heap[r], heap[smallest]) { smallest = r }
            if smallest == i { return }
            swapAt(i, smallest)
            i = smallest
        }
    }
}

/// Rows of a `FloatScratch` as a kernel row source.
struct ScratchRows: RowBlockSource {
    let scratch: FloatScratch
    let rowCount: Int
    let dimension: Int
    func readRows(_ rows: Range<Int>, into buffer: UnsafeMutableBufferPointer<Float>) throws {
        buffer.baseAddress!.update(from: scratch.pointer + rows.lowerBound * dimension, count: rows.count * dimension)
    }
}
