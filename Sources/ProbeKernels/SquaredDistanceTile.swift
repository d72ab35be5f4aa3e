/// Computes the squared norm ‖xᵢ‖² of every row of a row-major block, in float32
/// with a 16-lane vectorised loop.
///
/// - Parameters:
///   - rows: `norms.count * dimension` floats, row after row.
///   - dimension: the number of floats in a row.
///   - norms: receives one value per row.
public func squaredRowNorms(
    _ rows: UnsafeBufferPointer<Float>, dimension: Int, into norms: UnsafeMutableBufferPointer<Float>
) {
    precondition(rows.count >= norms.count * dimension, "squaredRowNorms: block smaller than rows × dimension")
    guard let base = rows.baseAddress, let out = norms.baseAddress else {
        norms.update(repeating: 0)
        return
    }
    rowNorms(base, count: norms.count, dimension: dimension, into: out)
}

/// Computes the m×n tile of squared Euclidean distances between the rows of x (m×d)
/// and the rows of y (n×d) as ‖x‖² + ‖y‖² − 2·X·Yᵀ with one `cblas_sgemm`.
///
/// Accuracy: a value is within about (2d + 8)·2⁻²⁴·(‖xᵢ‖² + ‖yⱼ‖²) of the true
/// squared distance (worst case; typically far less). Values within 16 such bounds of
/// zero (near-duplicate rows, where that form loses all relative precision) are
/// recomputed directly as Σ(xₖ − yₖ)² in float64, so identical rows give exactly 0,
/// no value is negative, and a reported distance √v has relative error at most about
/// 1/32 in the worst case and ~1e-6 typically. Shift both blocks by a common point
/// near them (their mean) to shrink the norms and so the error.
///
/// - Parameters:
///   - x: m×d floats, row-major; `xNorms` its m squared row norms (`squaredRowNorms`).
///   - y: n×d floats, row-major; `yNorms` its n squared row norms.
///   - dimension: d.
///   - out: receives the m×n values, row-major.
///   - threadCount: threads for the elementwise pass; the sgemm runs on one OpenBLAS
///     thread (``BLASThreads``). The result does not depend on the thread count.
public func squaredDistances(
    x: UnsafeBufferPointer<Float>, xNorms: UnsafeBufferPointer<Float>,
    y: UnsafeBufferPointer<Float>, yNorms: UnsafeBufferPointer<Float>,
    dimension: Int, into out: UnsafeMutableBufferPointer<Float>, threadCount: Int = 1
) {
    let m = xNorms.count, n = yNorms.count, d = dimension
    precondition(x.count >= m * d && y.count >= n * d, "squaredDistances: block smaller than rows × dimension")
    precondition(out.count >= m * n, "squaredDistances: output smaller than m × n")
    guard m > 0, n > 0, let outBase = out.baseAddress, let xn = xNorms.baseAddress, let yn = yNorms.baseAddress
    else { return }
    guard d > 0, let xb = x.baseAddress, let yb = y.baseAddress else {
        out.update(repeating: 0)
        return
    }
    distanceTile(x: xb, xNorms: xn, m: m, y: yb, yNorms: yn, n: n, dimension: d,
                 into: outBase, workers: threadCount)
}

/// Row norms into `out` (count values).
func rowNorms(_ rows: UnsafePointer<Float>, count: Int, dimension d: Int, into out: UnsafeMutablePointer<Float>) {
    for i in 0..<count { out[i] = sumOfSquares(rows + i * d, d) }
}

/// Rows per chunk of the elementwise passes: the unit of work handed to a worker.
let rowsPerChunk = 16

/// The tile pipeline: sgemm for −2·X·Yᵀ, then add the norms, recomputing values
/// near zero directly. `out` is m×n with row stride n.
func distanceTile(
    x: UnsafePointer<Float>, xNorms: UnsafePointer<Float>, m: Int,
    y: UnsafePointer<Float>, yNorms: UnsafePointer<Float>, n: Int,
    dimension d: Int, into out: UnsafeMutablePointer<Float>, workers: Int
) {
    gemmABt(m: m, n: n, k: d, alpha: -2, a: x, b: y, c: out, ldc: n)
    let threshold = squaredDistanceErrorFactor(dimension: d) * directRecomputeFactor
    let pointers = UncheckedBox((x, xNorms, y, yNorms, out))
    let chunks = (m + rowsPerChunk - 1) / rowsPerChunk
    forEachChunk(chunks, workers: workers) { chunk in
        let (x, xNorms, y, yNorms, out) = pointers.value
        for i in (chunk * rowsPerChunk)..<min(m, (chunk + 1) * rowsPerChunk) {
            finishRow(out + i * n, n: n, xNorm: xNorms[i], yNorms: yNorms, threshold: threshold,
                      xRow: x + i * d, y: y, dimension: d)
        }
    }
}

/// Turns one row of −2·x·yⱼ into squared distances in place.
@inline(__always)
func finishRow(
    _ row: UnsafeMutablePointer<Float>, n: Int, xNorm: Float, yNorms: UnsafePointer<Float>,
    threshold: Float, xRow: UnsafePointer<Float>, y: UnsafePointer<Float>, dimension d: Int
) {
    let rawRow = UnsafeMutableRawPointer(row)
    let rawNorms = UnsafeRawPointer(yNorms)
    var j = 0
    while j + 16 <= n {
        let s = rawNorms.loadUnaligned(fromByteOffset: j * 4, as: SIMD16<Float>.self) + xNorm
        var v = rawRow.loadUnaligned(fromByteOffset: j * 4, as: SIMD16<Float>.self) + s
        let near = v .<= s * threshold
        if any(near) {
            for l in 0..<16 where near[l] {
                v[l] = Float(directSquaredDistance(xRow, y + (j + l) * d, d))
            }
        }
        rawRow.storeBytes(of: v, toByteOffset: j * 4, as: SIMD16<Float>.self)
        j += 16
    }
    while j < n {
        let s = yNorms[j] + xNorm
        let v = row[j] + s
        row[j] = v <= s * threshold ? Float(directSquaredDistance(xRow, y + j * d, d)) : v
        j += 1
    }
}
