import CBLAS

// This module's only calls into BLAS.

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
