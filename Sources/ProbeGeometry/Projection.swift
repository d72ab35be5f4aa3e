/// The smallest and largest value of `⟨direction, x⟩` over the points of `points`.
///
/// Products are accumulated in float64 from the float32 coordinates, as the solvers'
/// oracle computes them, so a hyperplane checked with this range is checked as exactly as
/// a solver's certificate. Used to reuse a separating hyperplane after one side grew:
/// the new points are projected, the old extremes are kept.
///
/// - Precondition: `points` is non-empty and `direction.count == points.dimension > 0`.
public func projectionRange(_ points: PointMatrix, along direction: [Double]) -> (min: Double, max: Double) {
    precondition(direction.count == points.dimension, "ProbeGeometry: direction of \(direction.count) values, points of \(points.dimension)")
    return extremes(points, along: direction)
}

/// ``projectionRange(_:along:)`` for a float32 normal: the same values as along its float64
/// widening, without making that copy.
///
/// - Precondition: `points` is non-empty and `normal.count == points.dimension > 0`.
public func projectionRange(_ points: PointMatrix, alongNormal normal: [Float]) -> (min: Double, max: Double) {
    precondition(normal.count == points.dimension, "ProbeGeometry: normal of \(normal.count) values, points of \(points.dimension)")
    return extremes(points, along: normal)
}

/// The extremes of `dot(point, direction)` over the points (float64 products, the direction
/// widened entry by entry).
private func extremes<Coordinate: WidenedCoordinate>(_ points: PointMatrix, along direction: [Coordinate]) -> (min: Double, max: Double) {
    points.withRows { rows in
        direction.withUnsafeBufferPointer { x in
            var low = Double.infinity, high = -Double.infinity
            for index in 0..<rows.count {
                let value = dot(rows.row(index), x.baseAddress!, rows.dimension)
                low = min(low, value)
                high = max(high, value)
            }
            return (low, high)
        }
    }
}

/// The smallest and largest value of `⟨direction, x⟩` over the points of `points`, for many
/// directions at once.
///
/// `directions` holds `directions.count / points.dimension` directions, row-major. Entry `j`
/// of the result is ``projectionRange(_:along:)`` for direction `j`, up to the rounding of a
/// different summation order (float64 throughout, from the float32 coordinates): the
/// products come from one `cblas_dgemm` per tile of 128 points, so a large cluster is read
/// once for all its candidate hyperplanes instead of once for each.
///
/// - Precondition: `points` is non-empty and `directions.count` is a multiple of `points.dimension > 0`.
public func projectionRanges(_ points: PointMatrix, along directions: [Double]) -> [(min: Double, max: Double)] {
    let d = points.dimension
    precondition(d > 0 && directions.count % d == 0, "ProbeGeometry: \(directions.count) direction values, points of \(d)")
    let k = directions.count / d
    guard k > 0 else { return [] }
    var minima = [Double](repeating: .infinity, count: k)
    var maxima = [Double](repeating: -.infinity, count: k)
    let tileRows = 128
    var tile = [Double](repeating: 0, count: tileRows * d)
    var products = [Double](repeating: 0, count: tileRows * k)
    points.withRows { rows in
        var start = 0
        while start < rows.count {
            let n = min(tileRows, rows.count - start)
            for i in 0..<n {
                let row = rows.row(start + i)
                for t in 0..<d { tile[i * d + t] = Double(row[t]) }
            }
            tile.withUnsafeBufferPointer { x in
                directions.withUnsafeBufferPointer { w in
                    products.withUnsafeMutableBufferPointer { multiplyTransposed(x, rows: n, w, columns: k, dimension: d, into: $0) }
                }
            }
            for i in 0..<n {
                for j in 0..<k {
                    let value = products[i * k + j]
                    minima[j] = min(minima[j], value)
                    maxima[j] = max(maxima[j], value)
                }
            }
            start += n
        }
    }
    return (0..<k).map { (minima[$0], maxima[$0]) }
}

/// The smallest and largest value of `⟨normal, x⟩` over the points of `points`, for many
/// float32 normals at once, each extreme exactly ``projectionRange(_:along:)``'s value.
///
/// `normals` holds `normals.count / points.dimension` normals, row-major. The products come
/// from `cblas_sgemm` in float32 (half the work of float64, and no widened copies), whose
/// error is at most `γ·‖w‖·‖x‖` with `γ = (d+2)·2⁻²⁴ / (1 − (d+2)·2⁻²⁴)` whatever the summation
/// order (Higham, *Accuracy and Stability of Numerical Algorithms*, §3.1). The point that is
/// extreme in exact arithmetic is therefore among those within twice that bound of the
/// float32 extreme, and only those are computed again in float64, as `projectionRange` does:
/// so the values returned are the float64 ones, not float32 approximations.
///
/// - Precondition: `points` is non-empty and `normals.count` is a multiple of `points.dimension > 0`.
public func projectionRanges(_ points: PointMatrix, along normals: [Float]) -> [(min: Double, max: Double)] {
    let d = points.dimension
    precondition(d > 0 && normals.count % d == 0, "ProbeGeometry: \(normals.count) normal values, points of \(d)")
    let k = normals.count / d
    guard k > 0 else { return [] }
    let unit = 0x1p-24 * Double(d + 2)
    let gamma = unit / (1 - unit)
    let normalNorms = (0..<k).map { j in (0..<d).reduce(0.0) { $0 + Double(normals[j * d + $1]) * Double(normals[j * d + $1]) }.squareRoot() }
    return points.withRows { rows in
        let n = rows.count
        var products = [Float](repeating: 0, count: n * k)
        var tile = [Float](repeating: 0, count: min(n, 128) * d)
        var largestNorm = 0.0
        var start = 0
        while start < n {
            let m = min(128, n - start)
            tile.withUnsafeMutableBufferPointer { tile in
                for i in 0..<m {
                    let row = rows.row(start + i)
                    var squared = 0.0
                    for t in 0..<d {
                        tile[i * d + t] = row[t]
                        squared += Double(row[t]) * Double(row[t])
                    }
                    largestNorm = max(largestNorm, squared)
                }
            }
            tile.withUnsafeBufferPointer { x in
                normals.withUnsafeBufferPointer { w in
                    products.withUnsafeMutableBufferPointer { out in
                        let rowsOut = UnsafeMutableBufferPointer(rebasing: out[(start * k)..<((start + m) * k)])
                        multiplyTransposed(x, rows: m, w, columns: k, dimension: d, into: rowsOut)
                    }
                }
            }
            start += m
        }
        largestNorm = largestNorm.squareRoot()
        var minima = [Float](repeating: .infinity, count: k), maxima = [Float](repeating: -.infinity, count: k)
        for i in 0..<n {
            for j in 0..<k {
                let value = products[i * k + j]
                minima[j] = min(minima[j], value)
                maxima[j] = max(maxima[j], value)
            }
        }
        // The exact extremes, over the points within twice the error bound of the float32 ones
        // (a little more, for the rounding of the bound itself).
        var ranges: [(min: Double, max: Double)] = []
        ranges.reserveCapacity(k)
        var direction = [Double](repeating: 0, count: d)
        for j in 0..<k {
            let slack = 2.001 * gamma * normalNorms[j] * largestNorm + Double(2 * d) * 0x1p-149  // (and float32 underflow)
            let high = Double(maxima[j]) - slack, low = Double(minima[j]) + slack
            for t in 0..<d { direction[t] = Double(normals[j * d + t]) }
            var exact = (min: Double.infinity, max: -Double.infinity)
            direction.withUnsafeBufferPointer { w in
                for i in 0..<n {
                    let value = Double(products[i * k + j])
                    guard value >= high || value <= low else { continue }
                    let product = dot(rows.row(i), w.baseAddress!, d)
                    if value >= high { exact.max = max(exact.max, product) }
                    if value <= low { exact.min = min(exact.min, product) }
                }
            }
            ranges.append(exact)
        }
        return ranges
    }
}
