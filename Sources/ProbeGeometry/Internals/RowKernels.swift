#if canImport(Glibc)
// Glibc links libm, where the optimiser may send squareRoot() on some targets.
import Glibc
#elseif canImport(Musl)
import Musl
#endif

// Dot products and extreme-point scans, the only loops over all points.
//
// Eight accumulators in a fixed order: element i goes to accumulator i mod 8 (the tail to
// the first), and the eight are summed as ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7)).
// Four independent chains hide the latency of the additions where vectors have two lanes
// (the baseline x86-64 target's SSE2). The accumulators are two explicit four-lane vectors,
// loaded four coordinates at a time: left to itself, the optimiser vectorised the eight
// scalars in pairs, two lanes wide even where the target has four (measured for d = 384,
// a float32 row against a float64 vector: 53 ns per product in pairs, 37 ns in fours on an
// AVX2 build; 120 and 60 ns on the baseline target). The lanes are the same accumulators,
// so the summation order, and every result, is the same to the bit either way.

/// A coordinate the loops widen to float64: a float32 row's, or a float64 vector's.
protocol WidenedCoordinate {
    /// The value in float64 (exact).
    var widened: Double { get }
    /// The four values from `pointer + offset` on, in float64 (exact).
    static func widened4(_ pointer: UnsafePointer<Self>, _ offset: Int) -> SIMD4<Double>
}

extension Float: WidenedCoordinate {
    @inline(__always)
    var widened: Double { Double(self) }

    @inline(__always)
    static func widened4(_ pointer: UnsafePointer<Float>, _ offset: Int) -> SIMD4<Double> {
        SIMD4<Double>(UnsafeRawPointer(pointer + offset).loadUnaligned(as: SIMD4<Float>.self))
    }
}

extension Double: WidenedCoordinate {
    @inline(__always)
    var widened: Double { self }

    @inline(__always)
    static func widened4(_ pointer: UnsafePointer<Double>, _ offset: Int) -> SIMD4<Double> {
        UnsafeRawPointer(pointer + offset).loadUnaligned(as: SIMD4<Double>.self)
    }
}

/// The sum of eight accumulators (lanes of `low`, then of `high`; `first` replaces low's
/// first lane), in the fixed order described above.
@inline(__always)
private func sumOfAccumulators(_ first: Double, _ low: SIMD4<Double>, _ high: SIMD4<Double>) -> Double {
    ((first + low[1]) + (low[2] + low[3])) + ((high[0] + high[1]) + (high[2] + high[3]))
}

/// `Σ u[i]·x[i]` in float64, `u` a float32 row (widened) or a float64 vector, `x` a float64
/// vector or a float32 normal (widened: the same value as a widened copy, without the copy);
/// inlined and specialised for each, it compiles to the hand-written loops it replaces.
@inline(__always)
func dot<Coordinate: WidenedCoordinate, Other: WidenedCoordinate>(
    _ u: UnsafePointer<Coordinate>, _ x: UnsafePointer<Other>, _ count: Int
) -> Double {
    var low = SIMD4<Double>(), high = SIMD4<Double>()
    var i = 0
    while i &+ 8 <= count {
        low += Coordinate.widened4(u, i) * Other.widened4(x, i)
        high += Coordinate.widened4(u, i &+ 4) * Other.widened4(x, i &+ 4)
        i &+= 8
    }
    var first = low[0]
    while i < count {
        first += u[i].widened * x[i].widened
        i &+= 1
    }
    return sumOfAccumulators(first, low, high)
}

/// `Σ (row[i] − c[i])²` with the float32 row widened to float64 (the squared norm for c = 0).
@inline(__always)
func squaredDistance(_ row: UnsafePointer<Float>, _ c: UnsafePointer<Double>, _ count: Int) -> Double {
    var low = SIMD4<Double>(), high = SIMD4<Double>()
    var i = 0
    while i &+ 8 <= count {
        let t0 = Float.widened4(row, i) - Double.widened4(c, i)
        let t1 = Float.widened4(row, i &+ 4) - Double.widened4(c, i &+ 4)
        low += t0 * t0
        high += t1 * t1
        i &+= 8
    }
    var first = low[0]
    while i < count {
        let t = Double(row[i]) - c[i]
        first += t * t
        i &+= 1
    }
    return sumOfAccumulators(first, low, high)
}

/// `y += a·x` in float64.
@inline(__always)
func axpy(_ a: Double, _ x: UnsafePointer<Double>, _ y: UnsafeMutablePointer<Double>, _ count: Int) {
    for i in 0..<count { y[i] += a * x[i] }
}

/// The points of a ``PointMatrix`` as raw row pointers, valid inside `withRows`.
struct RowSet {
    let base: UnsafePointer<Float>
    /// Offset of each point's first coordinate in `base`.
    let offsets: [Int]
    let dimension: Int

    var count: Int { offsets.count }

    @inline(__always)
    func row(_ index: Int) -> UnsafePointer<Float> { base + offsets[index] }

    /// The point with the smallest `⟨point, x⟩`, the lowest index on ties.
    func minimum(along x: UnsafePointer<Double>) -> (index: Int, value: Double) {
        var best = (index: 0, value: Double.infinity)
        for index in 0..<count {
            let value = dot(row(index), x, dimension)
            if value < best.value { best = (index, value) }
        }
        // A NaN in the data never wins a comparison; keep a valid index all the same.
        return best
    }

    /// The point with the largest `⟨point, x⟩`, the lowest index on ties.
    func maximum(along x: UnsafePointer<Double>) -> (index: Int, value: Double) {
        var best = (index: 0, value: -Double.infinity)
        for index in 0..<count {
            let value = dot(row(index), x, dimension)
            if value > best.value { best = (index, value) }
        }
        return best
    }

    /// `⟨point, x⟩` for every point, in order, into `values` (`count` entries).
    func products(along x: UnsafePointer<Double>, into values: UnsafeMutableBufferPointer<Double>) {
        for index in 0..<count { values[index] = dot(row(index), x, dimension) }
    }

    /// The mean of the points, the largest distance of a point from it, and the largest
    /// point norm (as ``largestNorm()`` computes it), in two passes over the points.
    func centroidRadiusAndLargestNorm() -> (centroid: [Double], radius: Double, largestNorm: Double) {
        let d = dimension
        var centroid = [Double](repeating: 0, count: d)
        var largest = 0.0
        let zeros = [Double](repeating: 0, count: d)
        centroid.withUnsafeMutableBufferPointer { centroid in
            zeros.withUnsafeBufferPointer { zeros in
                guard let c = centroid.baseAddress, let zero = zeros.baseAddress else { return }
                for index in 0..<count {
                    let p = row(index)
                    for i in 0..<d { c[i] += Double(p[i]) }
                    largest = max(largest, squaredDistance(p, zero, d))
                }
                let scale = 1 / Double(count)
                for i in 0..<d { c[i] *= scale }
            }
        }
        var radiusSquared = 0.0
        centroid.withUnsafeBufferPointer { centroid in
            guard let c = centroid.baseAddress else { return }
            for index in 0..<count { radiusSquared = max(radiusSquared, squaredDistance(row(index), c, d)) }
        }
        return (centroid, radiusSquared.squareRoot(), largest.squareRoot())
    }

    /// The largest Euclidean norm of a point.
    func largestNorm() -> Double {
        var largest = 0.0
        let zeros = [Double](repeating: 0, count: dimension)
        zeros.withUnsafeBufferPointer { zeros in
            guard let zero = zeros.baseAddress else { return }
            for index in 0..<count { largest = max(largest, squaredDistance(row(index), zero, dimension)) }
        }
        return largest.squareRoot()
    }
}

extension PointMatrix {
    /// Calls `body` with raw row pointers to this view's points.
    ///
    /// - Precondition: the view has at least one point and one coordinate.
    func withRows<R>(_ body: (RowSet) -> R) -> R {
        precondition(count > 0, "ProbeGeometry: a point set needs at least one point")
        precondition(dimension > 0, "ProbeGeometry: points need at least one coordinate")
        let d = dimension
        let offsets = (0..<count).map { storageRow($0) * d }
        return values.withUnsafeBufferPointer { buffer in
            // count > 0 and dimension > 0, so the storage is non-empty and has an address.
            guard let base = buffer.baseAddress else { preconditionFailure("ProbeGeometry: empty storage") }
            return body(RowSet(base: base, offsets: offsets, dimension: d))
        }
    }
}
