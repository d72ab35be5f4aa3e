import CBLAS
import Synchronization

/// OpenBLAS's thread pool, held to one thread while a caller runs threads of its own.
///
/// Inside a caller's parallel loop every worker's matrix product would otherwise start
/// OpenBLAS's threads as well: on a 2-core machine, twice as many threads as cores, the idle
/// ones spinning in `sched_yield`. Measured on the real ss-small-l6 case, test prediction
/// (each worker multiplies a block of test points with a cluster's points) took 0.7–1.1 s
/// with OpenBLAS's default threads and 0.4 s with one (with other work running). OpenBLAS's
/// thread count can change the last bit of a product (measured: a 300×200×64 `sgemm` on this
/// library, 0.3.21), so callers that want the same bits for every thread count of their own
/// hold it always, not only when they run several threads. Nested and concurrent holders
/// share one count; the first one in saves the thread count and the last one out restores it.
public enum BLASThreads {
    private static let holders = Mutex<(count: Int, saved: Int32)>((0, 1))

    /// The number of threads OpenBLAS uses now.
    public static var current: Int { Int(openblas_get_num_threads()) }

    /// Runs `body` with OpenBLAS limited to one thread.
    public static func singleThreaded<T>(_ body: () throws -> T) rethrows -> T {
        holders.withLock { state in
            if state.count == 0 {
                state.saved = openblas_get_num_threads()
                openblas_set_num_threads(1)
            }
            state.count += 1
        }
        defer {
            holders.withLock { state in
                state.count -= 1
                if state.count == 0 { openblas_set_num_threads(state.saved) }
            }
        }
        return try body()
    }
}
