// Public entry points: hull distance, separability and point-to-hull distance.
//
// Overlap tolerance. Two sets are declared overlapping when the solver holds two convex
// combinations at most `1e-7 · scale` apart, scale being the largest point norm of the
// pair; separable needs a hyperplane whose margin over every point exceeds that. The
// reference decides overlap by the LP "w·x + b ≥ 1 on A, ≤ −1 on B" in Gurobi with
// feasibility tolerance 1e-4. That LP is feasible exactly when the hulls are disjoint, and
// a hull distance δ needs ‖w‖ = 2/δ, so its constraint rows hold values |w·x| up to
// 2·scale/δ that must be met to 1e-4 absolute, a relative accuracy of 5e-5·δ/scale: at
// δ = 1e-7·scale that is 5e-12, the end of what double-precision simplex arithmetic
// resolves on such rows. Below it the reference's answer is set by rounding, not by the
// data, and so is the data itself: the embeddings are float32, rounded at 2^-24 ≈ 6e-8
// relative to their norm, so hulls closer than ~1e-7·scale touch within the rounding of
// their own coordinates. Above the tolerance both methods agree on every pair; the
// tolerance is scaled so that the verdict does not depend on the units of the embeddings.

/// The overlap tolerance used for a pair of point sets: `1e-7` times the largest point norm.
public func overlapTolerance(for a: PointMatrix, _ b: PointMatrix) -> Double {
    let scale = max(a.withRows { $0.largestNorm() }, b.withRows { $0.largestNorm() })
    return overlapTolerance(scale: scale)
}

/// The Euclidean distance between the convex hulls of `a` and `b`, with certificates.
///
/// This is the margin width of the hard-margin linear SVM between the two sets. Runs until
/// `upperBound − lowerBound ≤ relativeAccuracy · upperBound`, or until the hulls are shown
/// to intersect (``HullSeparation/Verdict/overlapping``, `upperBound` within the tolerance).
/// Single-threaded and deterministic: the same inputs give bit-identical results; callers
/// parallelise over pairs. Sets of more than a few hundred points are searched through
/// working sets of their most violating points, with a full pass over all points only now
/// and then; the bounds returned are always those of a full pass. Coordinates must be finite: with NaN or infinite ones the call
/// still returns, but the result means nothing.
///
/// - Precondition: both sets are non-empty and have the same positive dimension.
public func hullDistance(
    _ a: PointMatrix, _ b: PointMatrix, relativeAccuracy: Double = 1e-6
) -> HullSeparation {
    solveNearestPoints(a, b, rule: .accuracy(max(relativeAccuracy, 0)))
}

/// Whether the convex hulls of `a` and `b` are disjoint, stopping as soon as that is decided.
///
/// Separable once a hyperplane with margin above the overlap tolerance has been checked
/// against every point; overlapping once two convex combinations are within the tolerance.
/// The bounds are valid but not tight; use ``hullDistance(_:_:relativeAccuracy:)`` for
/// the distance.
///
/// A `warmStart` corral (from ``HullSeparation/corral`` of an earlier pair whose sets are
/// subsets of these, re-indexed into `a` and `b`) starts the solver at that pair's nearest
/// point: when a set grew by a few points, the verdict then takes a few iterations instead
/// of hundreds. Vertices out of range, with non-positive weights or affinely dependent on
/// those before them are skipped; the verdict and its certificates are those of a cold
/// start (only the path to them differs). A warm solve that ends with neither certificate
/// (rounding near a degenerate corral) is solved again from scratch, so a warm start never
/// turns a separable pair into an unproven overlap. `onQRCorral` (the earlier result's
/// ``HullSeparation/corralIsQR``) starts the warm solve on the accurate corral.
///
/// - Precondition: both sets are non-empty and have the same positive dimension.
public func separability(_ a: PointMatrix, _ b: PointMatrix, warmStart: [CorralVertex] = [], onQRCorral: Bool = false) -> HullSeparation {
    solveNearestPoints(a, b, rule: .decision, warmStart: warmStart, corrals: onQRCorral && !warmStart.isEmpty ? .qrFirst : .fastThenQR)
}

/// The distance from point `p` to the convex hull of `a` (0 inside), with certificates.
///
/// Solved as ``hullDistance(_:_:relativeAccuracy:)`` between `a` and the one-point set
/// `{p}`, which is B in the result: `weightsB` is `[(0, 1)]`, `normal` points from `p`
/// towards the hull.
///
/// - Precondition: `a` is non-empty and `p.count == a.dimension > 0`.
public func pointDistance(
    _ a: PointMatrix, to p: [Float], relativeAccuracy: Double = 1e-6
) -> HullSeparation {
    precondition(p.count == a.dimension, "ProbeGeometry: point of dimension \(p.count), hull of \(a.dimension)")
    return hullDistance(a, PointMatrix(count: 1, dimension: p.count, values: p), relativeAccuracy: relativeAccuracy)
}
