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
