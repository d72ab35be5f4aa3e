// Certificate checkers: recompute, in float64 from the raw points and independently of the
// solver, what a HullSeparation claims. They share no code with the solver beyond reading
// the points, so a bug in one is not hidden by the same bug in the other.

/// The margin `min_a w·a − max_b w·b` of the result's hyperplane, over every point.
///
/// Positive means the hyperplane `w·x + offset = 0` strictly separates the sets, and the
/// value is a certified lower bound on their hull distance (`w` is unit length; the value
/// is scaled by `1/‖w‖` if it is not). Returns `-infinity` when the result has no normal.
public func checkSeparatingHyperplane(_ s: HullSeparation, a: PointMatrix, b: PointMatrix) -> Double {
    guard s.normal.count == a.dimension, a.dimension == b.dimension, a.count > 0, b.count > 0 else {
        return -.infinity
    }
    let norm = s.normal.reduce(0) { $0 + $1 * $1 }.squareRoot()
    guard norm > 0, norm.isFinite else { return -.infinity }
    var minA = Double.infinity
    for i in 0..<a.count { minA = min(minA, projection(s.normal, a.point(i))) }
    var maxB = -Double.infinity
    for j in 0..<b.count { maxB = max(maxB, projection(s.normal, b.point(j))) }
    return (minA - maxB) / norm
}

/// The distance `‖Σ wA·a − Σ wB·b‖` between the result's two convex combinations.
///
/// For an overlapping verdict this shows the common point (a value within the tolerance);
/// for a separable one it shows that `upperBound` is a distance actually achieved. Returns
/// `infinity` when the weights are not convex (negative, index out of range, or not
/// summing to 1 within 1e-9).
public func checkCommonPoint(_ s: HullSeparation, a: PointMatrix, b: PointMatrix) -> Double {
    guard a.dimension == b.dimension,
        let pointA = combination(s.weightsA, of: a),
        let pointB = combination(s.weightsB, of: b)
    else { return .infinity }
    var sum = 0.0
    for i in 0..<a.dimension {
        let t = pointA[i] - pointB[i]
        sum += t * t
    }
    return sum.squareRoot()
}

private func projection(_ w: [Double], _ point: ArraySlice<Float>) -> Double {
    var sum = 0.0
    for (wi, xi) in zip(w, point) { sum += wi * Double(xi) }
    return sum
}

private func combination(_ weights: [HullSeparation.Weight], of points: PointMatrix) -> [Double]? {
    var result = [Double](repeating: 0, count: points.dimension)
    var total = 0.0
    for (index, weight) in weights {
        guard index >= 0, index < points.count, weight >= 0, weight.isFinite else { return nil }
        total += weight
        for (i, x) in points.point(index).enumerated() { result[i] += weight * Double(x) }
    }
    guard abs(total - 1) <= 1e-9 else { return nil }
    return result
}
