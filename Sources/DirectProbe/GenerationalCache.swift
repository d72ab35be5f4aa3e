import Synchronization

/// A thread-safe cache of values by key within a byte budget, at O(1) per operation.
///
/// Two generations: entries go into the current one; when it holds half the budget it
/// becomes the previous one and the old previous one is dropped. A hit in the previous
/// generation moves the entry back into the current one. So the cache keeps at least the
/// most recently used half of the budget's worth of entries. (An exact least-recently-used
/// order over hundreds of thousands of small entries costs more to keep than it saves, and a
/// scan for the oldest entry at each insertion is O(entries).)
final class GenerationalCache<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private let capacityBytes: Int
    private let cost: @Sendable (Value) -> Int
    private let generations = Mutex(Generations())

    private struct Generations {
        var current: [Key: Value] = [:]
        var previous: [Key: Value] = [:]
        var currentBytes = 0
    }

    /// Creates a cache of up to about `capacityBytes`, each value costing `cost(value)` bytes.
    init(capacityBytes: Int, cost: @escaping @Sendable (Value) -> Int) {
        self.capacityBytes = max(0, capacityBytes)
        self.cost = cost
    }

    /// The value stored for `key`, if any.
    func value(_ key: Key) -> Value? {
        generations.withLock { g in
            if let found = g.current[key] { return found }
            guard let found = g.previous.removeValue(forKey: key) else { return nil }
            insert(key, found, bytes: cost(found), into: &g)
            return found
        }
    }

    /// The values stored for `keys`, in order (nil where none), under one lock.
    func values(_ keys: [Key]) -> [Value?] {
        generations.withLock { g in
            keys.map { key in
                if let found = g.current[key] { return found }
                guard let found = g.previous.removeValue(forKey: key) else { return nil }
                insert(key, found, bytes: cost(found), into: &g)
                return found
            }
        }
    }

    /// The value stored for `key`, if any, its age unchanged (a look that decides nothing of
    /// what to keep).
    func peek(_ key: Key) -> Value? {
        generations.withLock { $0.current[key] ?? $0.previous[key] }
    }

    /// Whether a value is stored for `key` (its age unchanged).
    func contains(_ key: Key) -> Bool {
        generations.withLock { $0.current[key] != nil || $0.previous[key] != nil }
    }

    /// Stores `value` for `key`; a value costing more than half the budget is not kept.
    func store(_ key: Key, _ value: Value) {
        let bytes = cost(value)
        guard bytes <= capacityBytes / 2 else { return }
        generations.withLock { insert(key, value, bytes: bytes, into: &$0) }
    }

    /// Stores each value for its key, under one lock (as ``store(_:_:)`` one by one).
    func store(_ entries: [(Key, Value)]) {
        generations.withLock { g in
            for (key, value) in entries {
                let bytes = cost(value)
                if bytes <= capacityBytes / 2 { insert(key, value, bytes: bytes, into: &g) }
            }
        }
    }

    /// Frees the budget of the values stored for `keys`, keys that nothing will ask for again:
    /// they leave the current generation. Entries in the previous generation stay until it is
    /// dropped whole at the next turn (they hold no budget; looking each one up there would
    /// double the cost, and forward merging releases thousands of keys per merge).
    func release(_ keys: [Key]) {
        generations.withLock { g in
            guard !g.current.isEmpty else { return }
            for key in keys {
                if let old = g.current.removeValue(forKey: key) { g.currentBytes -= cost(old) }
            }
        }
    }

    private func insert(_ key: Key, _ value: Value, bytes: Int, into g: inout Generations) {
        if let old = g.current.updateValue(value, forKey: key) { g.currentBytes -= cost(old) }
        g.currentBytes += bytes
        if g.currentBytes > capacityBytes / 2 {
            // The new generation is allocated at the size the last one reached: grown from
            // empty, it rehashed everything at each doubling.
            let size = g.current.count
            g.previous = g.current
            g.current = Dictionary(minimumCapacity: size)
            g.currentBytes = 0
        }
    }
}
