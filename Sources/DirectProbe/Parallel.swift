import Foundation
import ProbeStore

/// Runs `body` for indices `0..<count` on up to `threads` threads, taking indices in order
/// from a shared counter, and returns the results in index order (so the output does not
/// depend on the thread count). The first error is rethrown after all workers stop.
func parallelMap<T>(_ count: Int, threads: Int, progress: ProgressBar? = nil,
                    _ body: @escaping @Sendable (Int) throws -> T) throws -> [T] {
    guard count > 0 else { return [] }
    let results = LockedArray<Result<T, Error>?>(count: count, initial: nil)
    let next = LockedCounter()
    let done = LockedCounter()
    let failed = LockedFlag()
    DispatchQueue.concurrentPerform(iterations: min(max(1, threads), count)) { _ in
        while !failed.value {
            let index = next.add(1) - 1
            guard index < count else { return }
            let result = Result { try body(index) }
            if case .failure = result { failed.set() }
            results[index] = result
            progress?.update(Double(done.add(1)))
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

/// A flag set once by any worker.
final class LockedFlag: @unchecked Sendable {
    private var flag = false
    private let lock = NSLock()
    var value: Bool { lock.lock(); defer { lock.unlock() }; return flag }
    func set() { lock.lock(); flag = true; lock.unlock() }
}
