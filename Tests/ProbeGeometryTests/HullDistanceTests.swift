import ProbeGeometry
import Testing

@Suite("Hull distance with known answers")
struct HullDistanceTests {
    @Test("two boxes with a known gap come out at that distance, certified", arguments: [
        (2, 40), (3, 40), (10, 60), (50, 60), (384, 80),
    ])
    func boxesWithKnownGap(dimension: Int, count: Int) {
        let gap: Float = 0.25
        let (a, b) = boxesWithGap(gap, count: count, dimension: dimension, seed: UInt64(dimension))
        let s = hullDistance(a, b)
        let expected = Double(gap)
        #expect(s.verdict == .separable)
        #expect(abs(s.upperBound - expected) <= 1e-6 * expected)
        #expect(s.lowerBound <= expected * (1 + 1e-12))
        #expect(s.upperBound - s.lowerBound <= 1e-6 * s.upperBound)
        #expect(checkSeparatingHyperplane(s, a: a, b: b) >= 0.999999 * expected)
        // The upper bound is realised by the reported convex combinations.
        #expect(abs(checkCommonPoint(s, a: a, b: b) - s.upperBound) <= 1e-9 * expected)
        // The normal points from B (larger first coordinate) towards A.
        #expect(s.normal.count == dimension)
        #expect(s.normal[0] < -0.999)
    }

    @Test("the reference's SVM formula 2/‖w‖ gives the hull distance")
    func svmMarginFormula() {
        let gap: Float = 0.5
        let (a, b) = boxesWithGap(gap, count: 50, dimension: 8, seed: 7)
        let s = hullDistance(a, b)
        let margin = checkSeparatingHyperplane(s, a: a, b: b)
        #expect(margin > 0)
        // Scale the unit normal so that A sits on w·x + b ≥ 1 and B on ≤ −1: the
        // hard-margin SVM's canonical form, whose margin width is 2/‖w‖.
        let factor = 2 / margin
        let w = s.normal.map { $0 * factor }
        let offset = s.offset * factor
        let normW = w.reduce(0) { $0 + $1 * $1 }.squareRoot()
        func value(_ point: ArraySlice<Float>) -> Double {
            zip(w, point).reduce(offset) { $0 + $1.0 * Double($1.1) }
        }
        let valuesA = (0..<a.count).map { value(a.point($0)) }
        let valuesB = (0..<b.count).map { value(b.point($0)) }
        #expect(abs((valuesA.min() ?? 0) - 1) <= 1e-9)
        #expect(abs((valuesB.max() ?? 0) + 1) <= 1e-9)
        let referenceDistance = (valuesA + valuesB).map { 2 * abs($0) / normW }.min() ?? 0
        #expect(abs(referenceDistance - Double(gap)) <= 1e-6 * Double(gap))
        #expect(abs(2 / normW - Double(gap)) <= 1e-6 * Double(gap))
    }

    @Test("interleaved blobs overlap and share a common point", arguments: [2, 3, 20])
    func interleavedBlobsOverlap(dimension: Int) {
        var g = SeededGenerator(seed: 100 + UInt64(dimension))
        let a = PointMatrix(rows: boxRows(120, dimension: dimension, &g))
        let b = PointMatrix(rows: boxRows(120, dimension: dimension, low: 0.1, &g))
        for s in [hullDistance(a, b), separability(a, b)] {
            #expect(s.verdict == .overlapping)
            #expect(s.upperBound <= s.tolerance)
            #expect(s.lowerBound == 0)
            #expect(s.normal.isEmpty)
            #expect(checkCommonPoint(s, a: a, b: b) <= s.tolerance)
        }
    }

    @Test("a point of B inside hull(A) in d = 384 means overlap")
    func pointInsideHighDimensionalHull() {
        var g = SeededGenerator(seed: 384)
        let rowsA = boxRows(60, dimension: 384, &g)
        // A convex combination of A's points, with unequal weights.
        var inside = [Float](repeating: 0, count: 384)
        let weights = (0..<60).map { Float($0 % 7 + 1) }
        let total = weights.reduce(0, +)
        for (row, w) in zip(rowsA, weights) { for i in 0..<384 { inside[i] += w / total * row[i] } }
        let a = PointMatrix(rows: rowsA)
        let b = PointMatrix(rows: boxRows(30, dimension: 384, low: 2, &g) + [inside])
        let s = separability(a, b)
        #expect(s.verdict == .overlapping)
        #expect(checkCommonPoint(s, a: a, b: b) <= s.tolerance)
        #expect(hullDistance(a, b).verdict == .overlapping)
    }

    @Test("random clouds in d = 384 with fewer points than dimensions are separable")
    func highDimensionalRandomClouds() {
        var g = SeededGenerator(seed: 9)
        // 2·100 points in general position in R^384 are affinely independent, so the hulls
        // of any two disjoint subsets are disjoint, however the clouds interleave.
        let a = PointMatrix(rows: boxRows(100, dimension: 384, &g))
        let b = PointMatrix(rows: boxRows(100, dimension: 384, &g))
        let s = hullDistance(a, b)
        #expect(s.verdict == .separable)
        #expect(s.upperBound - s.lowerBound <= 1e-6 * s.upperBound)
        let certified = checkSeparatingHyperplane(s, a: a, b: b)
        #expect(certified >= s.lowerBound * (1 - 1e-12))
        #expect(certified > s.tolerance)
        #expect(abs(checkCommonPoint(s, a: a, b: b) - s.upperBound) <= 1e-9 * s.upperBound)
        let quick = separability(a, b)
        #expect(quick.verdict == .separable)
        #expect(checkSeparatingHyperplane(quick, a: a, b: b) > 0)
        #expect(quick.lowerBound <= s.upperBound)
    }

    @Test("separability stops early but agrees with hullDistance", arguments: [0, 1, 2, 3, 4, 5])
    func separabilityAgrees(seed: UInt64) {
        var g = SeededGenerator(seed: 500 + seed)
        let shift = Float(seed) * 0.3  // from heavy overlap to clear separation
        let a = PointMatrix(rows: boxRows(80, dimension: 5, &g))
        let b = PointMatrix(rows: boxRows(80, dimension: 5, low: shift, &g))
        let full = hullDistance(a, b)
        let quick = separability(a, b)
        #expect(quick.verdict == full.verdict)
        #expect(quick.iterations <= full.iterations)
        if quick.verdict == .separable {
            #expect(checkSeparatingHyperplane(quick, a: a, b: b) >= quick.lowerBound * (1 - 1e-12))
            #expect(quick.lowerBound <= full.upperBound)
        }
    }

    @Test("the same inputs give bit-identical results")
    func deterministic() {
        let (a, b) = boxesWithGap(0.1, count: 70, dimension: 16, seed: 3)
        let first = hullDistance(a, b), second = hullDistance(a, b)
        #expect(first.upperBound.bitPattern == second.upperBound.bitPattern)
        #expect(first.lowerBound.bitPattern == second.lowerBound.bitPattern)
        #expect(first.normal == second.normal)
        #expect(first.weightsA.map(\.index) == second.weightsA.map(\.index))
        #expect(first.weightsA.map(\.weight) == second.weightsA.map(\.weight))
        #expect(first.iterations == second.iterations)
    }

    @Test("a view of selected rows solves the same problem as a copy of them")
    func rowSelection() {
        var g = SeededGenerator(seed: 11)
        let all = PointMatrix(rows: boxRows(40, dimension: 4, &g) + boxRows(40, dimension: 4, low: 1.5, &g))
        let indicesA = Array(stride(from: 0, to: 40, by: 3)), indicesB = Array(stride(from: 79, to: 40, by: -2))
        let viewA = all.selecting(rows: indicesA), viewB = all.selecting(rows: indicesB)
        let copyA = PointMatrix(rows: indicesA.map { Array(all.point($0)) })
        let copyB = PointMatrix(rows: indicesB.map { Array(all.point($0)) })
        let fromViews = hullDistance(viewA, viewB), fromCopies = hullDistance(copyA, copyB)
        #expect(fromViews.upperBound == fromCopies.upperBound)
        #expect(fromViews.weightsB.map(\.index) == fromCopies.weightsB.map(\.index))
        #expect(abs(checkCommonPoint(fromViews, a: viewA, b: viewB) - fromViews.upperBound) <= 1e-12)
        // A view of a view composes the selections.
        let nested = viewA.selecting(rows: [2, 0])
        #expect(Array(nested.point(0)) == Array(all.point(indicesA[2])))
        #expect(Array(nested.point(1)) == Array(all.point(indicesA[0])))
    }

    @Test("the overlap tolerance is 1e-7 of the largest norm: closer pairs overlap, farther are separable")
    func toleranceSemantics() {
        let p = PointMatrix(rows: [[1, 0, 0], [1, -1, 0]])
        // Largest norm √2, so the tolerance is 1.414e-7.
        let near = PointMatrix(rows: [[1, 5e-8, 0], [1, 1, 0]])
        let far = PointMatrix(rows: [[1, 1e-6, 0], [1, 1, 0]])
        #expect(abs(overlapTolerance(for: p, near) - 2.0.squareRoot() * 1e-7) <= 1e-20)
        for s in [hullDistance(p, near), separability(p, near)] {
            #expect(s.verdict == .overlapping)
            #expect(s.upperBound <= s.tolerance)
        }
        let s = hullDistance(p, far)
        #expect(s.verdict == .separable)
        #expect(abs(s.upperBound - Double(Float(1e-6))) <= 1e-6 * 1e-6)
        #expect(checkSeparatingHyperplane(s, a: p, b: far) > s.tolerance)
        #expect(separability(p, far).verdict == .separable)
    }
}
