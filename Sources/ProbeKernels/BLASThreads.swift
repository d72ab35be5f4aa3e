import CBLAS

/// OpenBLAS on one thread in this process, set before the first matrix product.
///
/// OpenBLAS's thread count changes the last bit of a product (measured: a 300×200×64 `sgemm`
/// on OpenBLAS 0.3.21 differs between 1 and 2 threads), and by default it is the machine's core
/// count: the same inputs would give different bits on a laptop and on a cluster node. Its
/// threads also compete with this process's own (`--threads`): inside parallel loops they
/// spin in `sched_yield` between products (a profile of forward merging on layer 6 of the full
/// supersense task put ~30% of the time there) and test prediction with OpenBLAS's threads
/// took 0.7–1.1 s against 0.4 s with one, on a busy 2-core machine. Merge to end on that
/// layer took 21.8 s with 2 OpenBLAS threads and 18.2 s with one. So every product runs on one
/// OpenBLAS thread, and the parallelism is this process's own.
public enum BLASThreads {
    private static let setOnce: Void = { openblas_set_num_threads(1) }()

    /// Sets OpenBLAS to one thread (once per process; later calls do nothing).
    public static func useOne() { _ = setOnce }

    /// The number of threads OpenBLAS uses now.
    static var current: Int { Int(openblas_get_num_threads()) }
}
