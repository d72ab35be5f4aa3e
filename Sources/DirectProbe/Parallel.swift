import Foundation
import ProbeStore
import Synchronization

/// Runs `body` for indices `0..<count` on up to `threads` threads, taking indices in order
/// from a shared counter, and returns the results in index order (so the output does not
/// depend on the thread count).
///
/// With `until`, no index after the first result that satisfies it is started, and the
/// results end with that one: every index before it is run, so the prefix returned does not
/// depend on the thread count or on timing either (work already under way past it is
/// dropped). An error ends the work the same way and is rethrown: the error of the lowest
/// failing index.
func parallelMap<T: Sendable>(_ count: Int, threads: Int, progress: ProgressBar? = nil,
                              until: (@Sendable (T) -> Bool)? = nil,
                              _ body: @escaping @Sendable (Int) throws -> T) throws -> [T] {
    guard count > 0 else { return [] }
    let results = LockedArray<Result<T, Error>?>(count: count, initial: nil)
    let next = Mutex(0)
    let done = Mutex(0)
    // The lowest index that failed or satisfied `until`: nothing after it is started.
    let stop = Mutex(count - 1)
    DispatchQueue.concurrentPerform(iterations: min(max(1, threads), count)) { _ in
        while true {
            let index = next.withLock { index in
                defer { index += 1 }
                return index
            }
            guard index <= stop.withLock({ $0 }) else { return }
            let result = Result { try body(index) }
            switch result {
            case .success(let value) where !(until?(value) ?? false): break
            default: stop.withLock { $0 = min($0, index) }
            }
            results[index] = result
            progress?.update(Double(done.withLock { $0 += 1; return $0 }))
        }
    }
    // Every index up to `stop` was run: an index below it was started before any stop at or
    // below it could be known, or while the stop was still above it.
    return try (0...stop.withLock { $0 }).map { index in
        guard let result = results[index] else { preconditionFailure("parallelMap: index \(index) was not run") }
        return try result.get()
    }
}

/// ``parallelMap(_:threads:progress:_:)`` for many small items: the indices go to the
/// threads in blocks of `block`, so each costs no lock or dispatch of its own.
func parallelMap<T: Sendable>(_ count: Int, threads: Int, block: Int,
                              _ body: @escaping @Sendable (Int) throws -> T) throws -> [T] {
    let blocks = (count + block - 1) / block
    return try parallelMap(blocks, threads: threads) { index in
        try (index * block..<min(count, (index + 1) * block)).map(body)
    }.flatMap { $0 }
}
