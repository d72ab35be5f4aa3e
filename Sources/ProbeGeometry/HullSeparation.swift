/// What the nearest-point solver proved about two convex hulls.
///
/// Every number here is backed by something a caller can re-check from the raw points:
/// ``upperBound`` is the distance between two explicit convex combinations
/// (``weightsA``, ``weightsB``; see ``checkCommonPoint(_:a:b:)``), and ``lowerBound`` is the
/// margin of the explicit hyperplane ``normal``/``offset`` over all points
/// (see ``checkSeparatingHyperplane(_:a:b:)``). The true hull distance lies between them.
public struct HullSeparation: Sendable {
    /// The solver's decision about two point sets.
    public enum Verdict: Sendable, Equatable {
        /// The hulls are disjoint: ``HullSeparation/lowerBound`` exceeds the overlap tolerance,
        /// certified by a hyperplane checked against every point.
        case separable
        /// The hulls intersect, up to the overlap tolerance: ``HullSeparation/upperBound``
        /// (a distance realised by two convex combinations) is at most the tolerance.
        case overlapping
    }

    /// A point index with its convex weight.
    public typealias Weight = (index: Int, weight: Double)

    /// `‖pA − pB‖` for the current nearest points: a distance achieved by convex combinations.
    public var upperBound: Double
    /// `min_a w·a − max_b w·b` for the unit ``normal`` `w`, over all points, clamped at 0.
    public var lowerBound: Double
    /// Convex weights (non-negative, sum 1) of the nearest point of hull(A), by increasing index.
    public var weightsA: [Weight]
    /// Convex weights (non-negative, sum 1) of the nearest point of hull(B), by increasing index.
    public var weightsB: [Weight]
    /// The unit normal `w`, pointing from B towards A; empty when the verdict is overlapping.
    public var normal: [Double]
    /// The offset `b` of the mid hyperplane `w·x + b = 0`, halfway between the two sets along `w`.
    public var offset: Double
    /// Whether the hulls are disjoint or intersect (see ``overlapTolerance(for:_:)``).
    public var verdict: Verdict
    /// The number of major iterations (oracle calls, on working sets or on all points) the
    /// solver made.
    public var iterations: Int
    /// The number of full passes over all points among them: each gives a certified lower
    /// bound; the last one, or a common point, certifies the verdict.
    public var fullPasses: Int
    /// The overlap tolerance used for this pair: `1e-7` times the largest point norm.
    public var tolerance: Double
    /// Wolfe's corral at the nearest points: affinely independent difference vertices
    /// `a[indexA] − b[indexB]` with convex weights, whose combination is the nearest point
    /// of A − B found. Handed back to ``separability(_:_:warmStart:)`` for a superset of
    /// either set, it lets the solver resume from here instead of from scratch.
    public var corral: [CorralVertex] = []
    /// Whether ``corral`` is the accurate (QR) corral's: the fast corral could not settle the
    /// pair. A warm start from it then starts on the QR corral (``separability(_:_:warmStart:onQRCorral:)``):
    /// the fast corral would leave some of its vertices out as dependent, near a degenerate
    /// nearest point, and hand over to the QR corral all the same.
    public var corralIsQR = false
    /// Whether the solve left out some vertices of its warm start as affinely dependent (so it
    /// did not start at the warm start's point).
    var droppedWarmStart = false
}

/// One difference vertex `a[indexA] − b[indexB]` of a corral, with its convex weight.
public struct CorralVertex: Sendable, Equatable {
    /// The point of A, by its index in A.
    public var indexA: Int
    /// The point of B, by its index in B.
    public var indexB: Int
    /// The vertex's convex weight.
    public var weight: Double

    /// A vertex of A − B with its weight.
    public init(indexA: Int, indexB: Int, weight: Double) {
        (self.indexA, self.indexB, self.weight) = (indexA, indexB, weight)
    }
}

extension HullSeparation.Verdict: CustomStringConvertible {
    /// `separable` or `overlapping`.
    public var description: String {
        switch self {
        case .separable: "separable"
        case .overlapping: "overlapping"
        }
    }
}
