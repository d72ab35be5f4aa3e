import Foundation

/// A thread-safe cache of values by key within a byte budget, at O(1) per operation.
///
/// Two generations: entries go into the current one; when it holds half the budget it
/// becomes the previous one and the old previous one is dropped. A hit in the previous
/// generation moves the entry back into the current one. So the cache keeps at least the
/// most recently used half of the budget's worth of entries. (An exact least-recently-used
/// order over hundreds of thousands of small entries costs more to keep than it saves, and a
/// scan for the oldest entry at each insertion is O(entries).)
final class GenerationalCache<Key: Hashable & Sendable, Value: Sendable>: @unchecked Sendable {
    // @unchecked: every stored property is read and written only under `lock`.
    private let capacityBytes: Int
    private let cost: @Sendable (Value) -> Int
    private var current: [Key: Value] = [:]
    private var previous: [Key: Value] = [:]
    private var currentBytes = 0
    private let lock = NSLock()

    /// Creates a cache of up to about `capacityBytes`, each value costing `cost(value)` bytes.
    init(capacityBytes: Int, cost: @escaping @Sendable (Value) -> Int) {
        self.capacityBytes = max(0, capacityBytes)
        self.cost = cost
    }

    /// The value stored for `key`, if any.
    func value(_ key: Key) -> Value? {
        lock.lock(); defer { lock.unlock() }
        if let found = current[key] { return found }
        guard let found = previous.removeValue(forKey: key) else { return nil }
        insertLocked(key, found)
        return found
    }

    /// Whether a value is stored for `key` (its age unchanged).
    func contains(_ key: Key) -> Bool {
        lock.lock(); defer { lock.unlock() }
        return current[key] != nil || previous[key] != nil
    }

    /// Stores `value` for `key`; a value costing more than half the budget is not kept.
    func store(_ key: Key, _ value: Value) {
        let bytes = cost(value)
        guard bytes <= capacityBytes / 2 else { return }
        lock.lock(); defer { lock.unlock() }
        insertLocked(key, value, bytes: bytes)
    }

    private func insertLocked(_ key: Key, _ value: Value, bytes: Int? = nil) {
        if let old = current.updateValue(value, forKey: key) { currentBytes -= cost(old) }
        currentBytes += bytes ?? cost(value)
        if currentBytes > capacityBytes / 2 {
            previous = current
            current = [:]
            currentBytes = 0
        }
    }
}
