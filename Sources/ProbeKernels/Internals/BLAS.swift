import CBLAS

/// `C = alpha * A * Bᵀ` for row-major A (m×k) and B (n×k), C (m×n) with row stride `ldc`.
///
/// OpenBLAS uses its own thread pool here; for a given thread count of OpenBLAS (the
/// machine's cores unless `OPENBLAS_NUM_THREADS` says otherwise; never `--threads`) its
/// result is deterministic. Between OpenBLAS thread counts the last bit can differ (measured
/// on 0.3.21 for 300×200×64, `BLASThreadsTests`), so callers decide nothing on such bits: the
/// tile pipeline recomputes values near every threshold exactly.
func gemmABt(
    m: Int, n: Int, k: Int, alpha: Float,
    a: UnsafePointer<Float>, b: UnsafePointer<Float>,
    c: UnsafeMutablePointer<Float>, ldc: Int
) {
    precondition(m <= Int(Int32.max) && n <= Int(Int32.max) && k <= Int(Int32.max) && ldc <= Int(Int32.max))
    cblas_sgemm(
        CblasRowMajor, CblasNoTrans, CblasTrans,
        Int32(m), Int32(n), Int32(k), alpha,
        a, Int32(max(1, k)), b, Int32(max(1, k)),
        0, c, Int32(max(1, ldc)))
}

