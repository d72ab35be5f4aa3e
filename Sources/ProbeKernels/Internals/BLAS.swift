import CBLAS

/// `C = alpha * A * Bᵀ` for row-major A (m×k) and B (n×k), C (m×n) with row stride `ldc`.
///
/// On one OpenBLAS thread (``BLASThreads``), so that the bits do not depend on the machine.
func gemmABt(
    m: Int, n: Int, k: Int, alpha: Float,
    a: UnsafePointer<Float>, b: UnsafePointer<Float>,
    c: UnsafeMutablePointer<Float>, ldc: Int
) {
    precondition(m <= Int(Int32.max) && n <= Int(Int32.max) && k <= Int(Int32.max) && ldc <= Int(Int32.max))
    BLASThreads.useOne()
    cblas_sgemm(
        CblasRowMajor, CblasNoTrans, CblasTrans,
        Int32(m), Int32(n), Int32(k), alpha,
        a, Int32(max(1, k)), b, Int32(max(1, k)),
        0, c, Int32(max(1, ldc)))
}

