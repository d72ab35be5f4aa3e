import ProbeGeometry
import Testing

@Suite("Point-to-hull distances in Gram space (PointHull)")
struct PointHullTests {
    @Test("the unit cube: the same distances as pointDistance, certified", arguments: PointDistanceTests.cubeCases)
    func cube(point: [Float], distance: Double) {
        let cube = PointDistanceTests.cube()
        let s = PointHull(cube).distance(to: point, relativeAccuracy: 1e-7)
        #expect(s.verdict == .separable)
        #expect(abs(s.upperBound - distance) <= 1e-6 * distance)
        let p = PointMatrix(count: 1, dimension: 3, values: point)
        #expect(checkSeparatingHyperplane(s, a: cube, b: p) >= 0.999999 * distance)
        #expect(abs(checkCommonPoint(s, a: cube, b: p) - s.upperBound) <= 1e-9 * max(1, s.upperBound))
    }

    @Test("random clusters and queries, inside and out: equal to pointDistance within the accuracy", arguments: [2, 16, 64, 384])
    func random(dimension: Int) {
        var g = SeededGenerator(seed: UInt64(dimension))
        let cluster = PointMatrix(rows: boxRows(60, dimension: dimension, &g))
        let hull = PointHull(cluster)
        for q in 0..<40 {
            // Queries from well inside (the centre region) to well outside the box.
            let spread = Float(q) / 10
            let point = (0..<dimension).map { _ in 0.5 + spread * (g.unit() - 0.5) * 2 }
            let fast = hull.distance(to: point, relativeAccuracy: 1e-7)
            let reference = pointDistance(cluster, to: point, relativeAccuracy: 1e-7)
            #expect(fast.verdict == reference.verdict, "query \(q)")
            let scale = max(1e-6, reference.upperBound)
            #expect(abs(fast.upperBound - reference.upperBound) <= 2e-6 * scale, "query \(q): \(fast.upperBound) vs \(reference.upperBound)")
            if fast.verdict == .separable {
                let p = PointMatrix(count: 1, dimension: dimension, values: point)
                #expect(checkSeparatingHyperplane(fast, a: cluster, b: p) > 0)
            }
        }
    }

    @Test("a single point and a repeated point")
    func degenerate() {
        let one = PointMatrix(rows: [[1, 2, 3]])
        #expect(abs(PointHull(one).distance(to: [1, 2, 5]).upperBound - 2) <= 1e-9)
        let repeated = PointMatrix(rows: [[1, 1], [1, 1], [1, 1], [3, 1]])
        let s = PointHull(repeated).distance(to: [2, 4])
        #expect(abs(s.upperBound - 3) <= 1e-6)
        #expect(PointHull(repeated).distance(to: [2, 1]).verdict == .overlapping)
    }
}
