/// Unit roundoff of float32, 2⁻²⁴.
let floatUnitRoundoff = Float.ulpOfOne / 2

/// A bound `c` with |computed − true| ≤ c · (‖x‖² + ‖y‖²) for a squared distance
/// computed as ‖x‖² + ‖y‖² − 2x·y in float32 with d-term sums (γ_d for each of the
/// two norms and the dot product, plus the final additions).
func squaredDistanceErrorFactor(dimension d: Int) -> Float {
    Float(2 * d + 8) * floatUnitRoundoff
}

/// Squared distances at most this many error bounds are recomputed directly, so the
/// relative error of any reported distance stays small (see `squaredDistances`).
let directRecomputeFactor: Float = 16

// Hot loops avoid `addProduct`: without FMA in the baseline x86-64 target it becomes
// one libm `fma` call per lane. They also avoid the generic SIMD conversion
// initialisers, which are not vectorised; `widen` compiles to `cvtps2pd`.

/// The lanes of `v` as float64.
@inline(__always)
func widen(_ v: SIMD8<Float>) -> SIMD8<Double> {
    SIMD8<Double>(Double(v[0]), Double(v[1]), Double(v[2]), Double(v[3]),
                  Double(v[4]), Double(v[5]), Double(v[6]), Double(v[7]))
}

/// Σ xₖ² in float32 with 16 lanes.
@inline(__always)
func sumOfSquares(_ x: UnsafePointer<Float>, _ d: Int) -> Float {
    var acc = SIMD16<Float>()
    var k = 0
    let raw = UnsafeRawPointer(x)
    while k + 16 <= d {
        let v = raw.loadUnaligned(fromByteOffset: k * 4, as: SIMD16<Float>.self)
        acc += v * v
        k += 16
    }
    var s = acc.sum()
    while k < d {
        s += x[k] * x[k]
        k += 1
    }
    return s
}

/// The element types a vector may hold on the right of `directSquaredDistance`: float32
/// rows, or float64 centres.
protocol DistanceOperand {
    /// The 4 values starting at element `k` of the vector at `base`, as float64 (exact).
    static func widened4(_ base: UnsafeRawPointer, _ k: Int) -> SIMD4<Double>
    /// The value as float64.
    var asDouble: Double { get }
}

extension Float: DistanceOperand {
    /// One `cvtps2pd` on an AVX2 build.
    @inline(__always)
    static func widened4(_ base: UnsafeRawPointer, _ k: Int) -> SIMD4<Double> {
        SIMD4<Double>(base.loadUnaligned(fromByteOffset: k * 4, as: SIMD4<Float>.self))
    }
    @inline(__always)
    var asDouble: Double { Double(self) }
}

extension Double: DistanceOperand {
    @inline(__always)
    static func widened4(_ base: UnsafeRawPointer, _ k: Int) -> SIMD4<Double> {
        base.loadUnaligned(fromByteOffset: k * 8, as: SIMD4<Double>.self)
    }
    @inline(__always)
    var asDouble: Double { self }
}

/// The lanes of eight accumulators, summed one after another from the first: the order of
/// `SIMD8<Double>.sum()` (an ordered reduction), which these loops used before.
@inline(__always)
func orderedSum(_ low: SIMD4<Double>, _ high: SIMD4<Double>) -> Double {
    low[0] + low[1] + low[2] + low[3] + high[0] + high[1] + high[2] + high[3]
}

// The exact loops below keep eight float64 accumulators as two four-lane vectors. As one
// `SIMD8<Double>`, wider than an AVX2 register, the conversions from float32 compiled to a
// dozen shuffles and blends per eight coordinates; as two halves, each is one `cvtps2pd`.
// Lane for lane the same accumulators and the same final order: the same bits.

/// Σ (aₖ − bₖ)² with the differences and sums in float64: exact to float64 rounding. `b` is
/// a float32 row or a float64 centre; inlined and specialised for each, it runs as fast as
/// two hand-written copies (measured with -O: the same time and the same bits).
@inline(__always)
func directSquaredDistance<B: DistanceOperand>(_ a: UnsafePointer<Float>, _ b: UnsafePointer<B>, _ d: Int) -> Double {
    var low = SIMD4<Double>(), high = SIMD4<Double>()
    var k = 0
    let ra = UnsafeRawPointer(a), rb = UnsafeRawPointer(b)
    while k + 8 <= d {
        let diffLow = Float.widened4(ra, k) - B.widened4(rb, k)
        let diffHigh = Float.widened4(ra, k + 4) - B.widened4(rb, k + 4)
        low += diffLow * diffLow
        high += diffHigh * diffHigh
        k += 8
    }
    var s = orderedSum(low, high)
    while k < d {
        let diff = Double(a[k]) - b[k].asDouble
        s += diff * diff
        k += 1
    }
    return s
}

/// Σ xₖ² of a float32 vector, in float64 (eight lanes, then their sum, in a fixed order).
public func exactSquaredNorm(_ x: UnsafePointer<Float>, dimension d: Int) -> Double {
    var low = SIMD4<Double>(), high = SIMD4<Double>()
    var k = 0
    let raw = UnsafeRawPointer(x)
    while k + 8 <= d {
        let vLow = Float.widened4(raw, k), vHigh = Float.widened4(raw, k + 4)
        low += vLow * vLow
        high += vHigh * vHigh
        k += 8
    }
    var s = orderedSum(low, high)
    while k < d {
        s += Double(x[k]) * Double(x[k])
        k += 1
    }
    return s
}

/// The squared Euclidean distance between two float32 vectors, accumulated in float64.
///
/// The direct form (no ‖x‖²+‖y‖²−2xy cancellation): what decides merges and neighbours
/// when a tile has only pre-selected candidates.
public func exactSquaredDistance(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, dimension: Int) -> Double {
    directSquaredDistance(a, b, dimension)
}
