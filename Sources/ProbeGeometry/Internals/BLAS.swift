import CBLAS

// This module's only calls into BLAS and LAPACK (the LAPACK routines OpenBLAS builds in).

/// OpenBLAS on one thread, set once before this module's first product: the same setting as
/// `ProbeKernels.BLASThreads` (which explains why), kept here too because this module depends
/// on nothing but CBLAS.
private let openBLASOnOneThread: Void = { openblas_set_num_threads(1) }()

/// `out = X·Yᵀ` in float64 for row-major X (`rows` × `dimension`) and Y (`columns` ×
/// `dimension`); `out` is `rows` × `columns`, row-major.
func multiplyTransposed(_ x: UnsafeBufferPointer<Double>, rows: Int, _ y: UnsafeBufferPointer<Double>, columns: Int,
                        dimension: Int, into out: UnsafeMutableBufferPointer<Double>) {
    guard rows > 0, columns > 0 else { return }
    _ = openBLASOnOneThread
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(rows), Int32(columns), Int32(dimension), 1,
                x.baseAddress, Int32(dimension), y.baseAddress, Int32(dimension), 0, out.baseAddress, Int32(columns))
}

/// `out = X·Yᵀ` in float32 for row-major X (`rows` × `dimension`) and Y (`columns` ×
/// `dimension`); `out` is `rows` × `columns`, row-major.
func multiplyTransposed(_ x: UnsafeBufferPointer<Float>, rows: Int, _ y: UnsafeBufferPointer<Float>, columns: Int,
                        dimension: Int, into out: UnsafeMutableBufferPointer<Float>) {
    guard rows > 0, columns > 0 else { return }
    _ = openBLASOnOneThread
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(rows), Int32(columns), Int32(dimension), 1,
                x.baseAddress, Int32(dimension), y.baseAddress, Int32(dimension), 0, out.baseAddress, Int32(columns))
}

/// The upper triangle of `G = A·Aᵀ` in float64 for row-major A (`count` × `dimension`);
/// `gram` is `count` × `count`, row-major (the lower triangle is left as it was).
func gramUpperTriangle(_ a: UnsafeBufferPointer<Double>, count: Int, dimension: Int, into gram: UnsafeMutableBufferPointer<Double>) {
    guard count > 0 else { return }
    _ = openBLASOnOneThread
    cblas_dsyrk(CblasRowMajor, CblasUpper, CblasNoTrans, Int32(count), Int32(dimension), 1, a.baseAddress, Int32(dimension), 0,
                gram.baseAddress, Int32(count))
}

/// `y −= S·X` in float64 for row-major S (`rows` × `inner`) and X (`inner` × `columns`);
/// `y` is `rows` × `columns`, row-major.
func subtractProduct(_ s: UnsafeBufferPointer<Double>, rows: Int, inner: Int, _ x: UnsafeBufferPointer<Double>, columns: Int,
                     from y: UnsafeMutableBufferPointer<Double>) {
    guard rows > 0, columns > 0, inner > 0 else { return }
    _ = openBLASOnOneThread
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(rows), Int32(columns), Int32(inner), -1,
                s.baseAddress, Int32(inner), x.baseAddress, Int32(columns), 1, y.baseAddress, Int32(columns))
}

/// Overwrites the upper triangle of the symmetric `count` × `count` matrix in `a` (column-major,
/// leading dimension `stride`) with its Cholesky factor R (RᵀR = A), LAPACK's `dpotrf`; false if
/// A is not positive definite to working precision (then `a` holds a partial factor).
func choleskyUpper(_ a: UnsafeMutablePointer<Double>, count: Int, stride: Int) -> Bool {
    guard count > 0 else { return true }
    _ = openBLASOnOneThread
    var n = Int32(count), lda = Int32(stride), info: Int32 = 0
    "U".withCString { uplo in dpotrf_(uplo, &n, a, &lda, &info) }
    return info == 0
}

/// The thin QR factorisation of the `rows` × `columns` matrix in `a` (column-major, leading
/// dimension `rows`, rows ≥ columns), Householder reflections (LAPACK's `dgeqrf`, then
/// `dorgqr`): `a` becomes Q's orthonormal columns and `r` (`columns` × `columns`,
/// column-major) R, upper triangular; false where LAPACK reports an error.
func householderQR(_ a: UnsafeMutablePointer<Double>, rows: Int, columns: Int, r: UnsafeMutablePointer<Double>) -> Bool {
    guard columns > 0, rows >= columns else { return columns == 0 }
    _ = openBLASOnOneThread
    var m = Int32(rows), n = Int32(columns), info: Int32 = 0
    var tau = [Double](repeating: 0, count: columns)
    // The workspace each routine asks for (a query with lwork = −1), the larger of the two.
    var size = 0.0, query: Int32 = -1
    dgeqrf_(&m, &n, a, &m, &tau, &size, &query, &info)
    var work = [Double](repeating: 0, count: max(1, Int(size)))
    var lwork = Int32(work.count)
    dgeqrf_(&m, &n, a, &m, &tau, &work, &lwork, &info)
    guard info == 0 else { return false }
    for column in 0..<columns {
        for row in 0..<columns { r[column * columns + row] = row <= column ? a[column * rows + row] : 0 }
    }
    dorgqr_(&m, &n, &n, a, &m, &tau, &size, &query, &info)
    if Int(size) > work.count { work = [Double](repeating: 0, count: Int(size)) }
    lwork = Int32(work.count)
    dorgqr_(&m, &n, &n, a, &m, &tau, &work, &lwork, &info)
    return info == 0
}
