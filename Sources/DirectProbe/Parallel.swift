import Foundation
import ProbeStore
import Synchronization

/// Runs `body` for indices `0..<count` on up to `threads` threads, taking indices in order
/// from a shared counter, and returns the results in index order (so the output does not
/// depend on the thread count). The first error is rethrown after all workers stop.
func parallelMap<T: Sendable>(_ count: Int, threads: Int, progress: ProgressBar? = nil,
                    _ body: @escaping @Sendable (Int) throws -> T) throws -> [T] {
    guard count > 0 else { return [] }
    let results = LockedArray<Result<T, Error>?>(count: count, initial: nil)
    let next = Mutex(0)
    let done = Mutex(0)
    let failed = Mutex(false)
    DispatchQueue.concurrentPerform(iterations: min(max(1, threads), count)) { _ in
        while !failed.withLock({ $0 }) {
            let index = next.withLock { index in
                defer { index += 1 }
                return index
            }
            guard index < count else { return }
            let result = Result { try body(index) }
            if case .failure = result { failed.withLock { $0 = true } }
            results[index] = result
            progress?.update(Double(done.withLock { $0 += 1; return $0 }))
        }
    }
    var out: [T] = []
    out.reserveCapacity(count)
    for index in 0..<count {
        guard let result = results[index] else { continue }
        out.append(try result.get())
    }
    if out.count != count, let failure = results.values.compactMap({ $0 }).first(where: { if case .failure = $0 { return true }; return false }) {
        _ = try failure.get()
    }
    return out
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
