#if canImport(Glibc)
// Glibc links libm, where the optimiser may send squareRoot() on some targets.
import Glibc
#elseif canImport(Musl)
import Musl
#endif

// Dot products and extreme-point scans, the only loops over all points.
//
// Eight scalar accumulators in a fixed order: the optimiser vectorises this well (measured
// faster than explicit SIMD4<Double> conversions from SIMD8<Float>; eight rather than four
// because the baseline x86-64 target has two-lane SSE2 vectors, and four independent
// chains hide the latency of the additions: 25–40% faster passes), it stays usable in
// debug builds, and the summation order never changes, so results are bit-identical.

/// A coordinate the loops widen to float64: a float32 row's, or a float64 vector's.
protocol WidenedCoordinate {
    /// The value in float64 (exact).
    var widened: Double { get }
}

extension Float: WidenedCoordinate {
    @inline(__always)
    var widened: Double { Double(self) }
}

extension Double: WidenedCoordinate {
    @inline(__always)
    var widened: Double { self }
}

/// `Σ u[i]·x[i]` in float64, `u` a float32 row (widened) or a float64 vector, `x` a float64
/// vector or a float32 normal (widened: the same value as a widened copy, without the copy);
/// inlined and specialised for each, it compiles to the hand-written loops it replaces.
@inline(__always)
func dot<Coordinate: WidenedCoordinate, Other: WidenedCoordinate>(
    _ u: UnsafePointer<Coordinate>, _ x: UnsafePointer<Other>, _ count: Int
) -> Double {
    var s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0, s4 = 0.0, s5 = 0.0, s6 = 0.0, s7 = 0.0
    var i = 0
    while i &+ 8 <= count {
        s0 += u[i].widened * x[i].widened
        s1 += u[i &+ 1].widened * x[i &+ 1].widened
        s2 += u[i &+ 2].widened * x[i &+ 2].widened
        s3 += u[i &+ 3].widened * x[i &+ 3].widened
        s4 += u[i &+ 4].widened * x[i &+ 4].widened
        s5 += u[i &+ 5].widened * x[i &+ 5].widened
        s6 += u[i &+ 6].widened * x[i &+ 6].widened
        s7 += u[i &+ 7].widened * x[i &+ 7].widened
        i &+= 8
    }
    while i < count {
        s0 += u[i].widened * x[i].widened
        i &+= 1
    }
    return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7))
}

/// `Σ (row[i] − c[i])²` with the float32 row widened to float64 (the squared norm for c = 0).
@inline(__always)
func squaredDistance(_ row: UnsafePointer<Float>, _ c: UnsafePointer<Double>, _ count: Int) -> Double {
    var s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0, s4 = 0.0, s5 = 0.0, s6 = 0.0, s7 = 0.0
    var i = 0
    while i &+ 8 <= count {
        let t0 = Double(row[i]) - c[i], t1 = Double(row[i &+ 1]) - c[i &+ 1]
        let t2 = Double(row[i &+ 2]) - c[i &+ 2], t3 = Double(row[i &+ 3]) - c[i &+ 3]
        let t4 = Double(row[i &+ 4]) - c[i &+ 4], t5 = Double(row[i &+ 5]) - c[i &+ 5]
        let t6 = Double(row[i &+ 6]) - c[i &+ 6], t7 = Double(row[i &+ 7]) - c[i &+ 7]
        s0 += t0 * t0
        s1 += t1 * t1
        s2 += t2 * t2
        s3 += t3 * t3
        s4 += t4 * t4
        s5 += t5 * t5
        s6 += t6 * t6
        s7 += t7 * t7
        i &+= 8
    }
    while i < count {
        let t = Double(row[i]) - c[i]
        s0 += t * t
        i &+= 1
    }
    return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7))
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
