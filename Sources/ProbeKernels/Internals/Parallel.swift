import Dispatch

/// Runs `body(chunk)` for every chunk in `0..<chunkCount`, chunk k on worker
/// `k % workers`.
///
/// Which worker runs a chunk never affects a result: each chunk writes only its own
/// output slots, and callers reduce the slots in chunk order afterwards.
func forEachChunk(_ chunkCount: Int, workers: Int, _ body: (Int) -> Void) {
    let workers = min(max(1, workers), chunkCount)
    if workers <= 1 {
        for k in 0..<chunkCount { body(k) }
        return
    }
    withoutActuallyEscaping(body) { body in
        let box = UncheckedBox(body)
        DispatchQueue.concurrentPerform(iterations: workers) { w in
            var k = w
            while k < chunkCount {
                box.value(k)
                k += workers
            }
        }
    }
}

/// Hands a non-Sendable value to worker threads whose accesses the caller has
/// made disjoint (each worker writes only its own slots).
///
/// Deliberately no lock: `@unchecked Sendable` is safe only because of that disjointness,
/// which every use states where it creates the box.
struct UncheckedBox<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}

/// A fixed-size buffer that workers write disjoint slots of; freed in `deinit`.
///
/// Deliberately no lock (it holds the kernel's tiles): `@unchecked Sendable` is safe because
/// each worker writes only its own slots and the slots are read after the workers finish.
final class SlotBuffer<Element>: @unchecked Sendable {
    let pointer: UnsafeMutableBufferPointer<Element>

    init(count: Int, initial: Element) {
        pointer = .allocate(capacity: max(1, count))
        pointer.initialize(repeating: initial)
    }

    deinit {
        pointer.deinitialize()
        pointer.deallocate()
    }

    subscript(i: Int) -> Element {
        get { pointer[i] }
        set { pointer[i] = newValue }
    }
}
