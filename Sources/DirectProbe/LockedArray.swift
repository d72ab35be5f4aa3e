import Synchronization

/// A fixed-size array written by concurrent workers, one element each, behind one `Mutex`.
final class LockedArray<Element: Sendable>: Sendable {
    private let storage: Mutex<[Element]>

    /// `count` copies of `initial`.
    init(count: Int, initial: Element) { storage = Mutex(Array(repeating: initial, count: count)) }

    /// The element at `index`.
    subscript(index: Int) -> Element {
        get { storage.withLock { $0[index] } }
        set { storage.withLock { $0[index] = newValue } }
    }

    /// A copy of all the elements.
    var values: [Element] { storage.withLock { $0 } }
}
