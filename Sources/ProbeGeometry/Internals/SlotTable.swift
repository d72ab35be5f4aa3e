// Where each of a corral's per-vertex records is stored (GramCorral's coordinates,
// TriangularFactor's columns).

/// The slot of each position of a list whose records live in fixed slots, so that removing
/// a position moves no record: its slot is freed, and the next append takes it.
///
/// Corrals drop vertices at any position, and with hundreds of vertices of hundreds of
/// values, closing the gap moved up to a megabyte per dropped vertex.
struct SlotTable {
    /// The slot of each position, in position order.
    private(set) var inPositionOrder: [Int]
    /// Slots of removed positions, the last freed taken first.
    private var free: [Int] = []

    /// `count` positions in slots `0..<count`.
    init(count: Int = 0) {
        inPositionOrder = Array(0..<count)
    }

    /// The slot of position `p`.
    subscript(p: Int) -> Int { inPositionOrder[p] }

    /// Appends a position; its slot is the last one freed, else a new one past every slot in
    /// use (`isNew`: the storage grows by one record for it).
    mutating func append() -> (slot: Int, isNew: Bool) {
        if let slot = free.popLast() {
            inPositionOrder.append(slot)
            return (slot, false)
        }
        // No slot is free: those in use are 0..<count.
        let slot = inPositionOrder.count
        inPositionOrder.append(slot)
        return (slot, true)
    }

    /// Removes position `p`; its slot is freed.
    mutating func remove(at p: Int) {
        free.append(inPositionOrder.remove(at: p))
    }
}
