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
    return points.withRows { rows in
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
