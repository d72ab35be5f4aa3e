import ProbeGeometry
import Testing

@Suite("Point-to-hull and point-to-point distances")
struct PointDistanceTests {
    /// The unit cube's corners plus interior points, which must never matter.
    static func cube() -> PointMatrix {
        var rows: [[Float]] = []
        for x in [Float(0), 1] { for y in [Float(0), 1] { for z in [Float(0), 1] { rows.append([x, y, z]) } } }
        var g = SeededGenerator(seed: 8)
        rows.insert(contentsOf: (0..<20).map { _ in [0.05 + 0.9 * g.unit(), 0.05 + 0.9 * g.unit(), 0.05 + 0.9 * g.unit()] }, at: 3)
        return PointMatrix(rows: rows)
    }

    static let cubeCases: [([Float], Double)] = [
        ([Float(1.5), 0.5, 0.5], 0.5),
        ([Float(-0.25), 0.5, 0.5], 0.25),
        ([Float(1.5), 1.5, 0.5], 0.5.squareRoot()),
        ([Float(0.5), -1, -1], 2.0.squareRoot()),
        ([Float(2), 2, 2], 3.0.squareRoot()),
        ([Float(-1), -2, 3], (1.0 + 4 + 4).squareRoot()),
    ]

    @Test("distance from outside the unit cube to a face, an edge and a vertex", arguments: Self.cubeCases)
    func outsideCube(point: [Float], distance: Double) {
        let cube = Self.cube()
        let s = pointDistance(cube, to: point)
        #expect(s.verdict == .separable)
        #expect(abs(s.upperBound - distance) <= 1e-6 * distance)
        #expect(s.weightsB.count == 1 && s.weightsB[0].index == 0 && s.weightsB[0].weight == 1)
        let p = PointMatrix(count: 1, dimension: 3, values: point)
        #expect(checkSeparatingHyperplane(s, a: cube, b: p) >= 0.999999 * distance)
        #expect(abs(checkCommonPoint(s, a: cube, b: p) - s.upperBound) <= 1e-12)
    }

    @Test("points inside a simplex or the cube are at distance 0", arguments: [
        [Float(0.2), 0.2, 0.2], [Float(0.01), 0.01, 0.97], [Float(0), 0, 0], [Float(0.5), 0.5, 0],
    ])
    func insideSimplex(point: [Float]) {
        let simplex = PointMatrix(rows: [[0, 0, 0], [1, 0, 0], [0, 1, 0], [0, 0, 1]])
        for hull in [simplex, Self.cube()] {
            let s = pointDistance(hull, to: point)
            #expect(s.verdict == .overlapping)
            #expect(s.upperBound <= s.tolerance)
            let p = PointMatrix(count: 1, dimension: 3, values: point)
            #expect(checkCommonPoint(s, a: hull, b: p) <= s.tolerance)
        }
    }

    @Test("single points: the distance is ‖p − q‖, the normal their direction")
    func singlePoints() {
        let p = PointMatrix(rows: [[1, 2, 3, 4]])
        let q = PointMatrix(rows: [[1, -1, 3, 0]])
        let s = hullDistance(p, q)
        #expect(s.verdict == .separable)
        #expect(abs(s.upperBound - 5) <= 1e-12)
        #expect(abs(s.lowerBound - 5) <= 1e-12)
        #expect(s.normal.count == 4)
        #expect(abs(s.normal[1] - 0.6) <= 1e-12 && abs(s.normal[3] - 0.8) <= 1e-12)
        // The mid hyperplane passes through the midpoint (1, 0.5, 3, 2).
        #expect(abs(0.6 * 0.5 + 0.8 * 2 + s.offset) <= 1e-12)
        #expect(s.weightsA.count == 1 && s.weightsA[0] == (index: 0, weight: 1))
    }

    @Test("the same single point on both sides overlaps")
    func identicalSinglePoints() {
        let p = PointMatrix(rows: [[0.5, -2, 7]])
        let s = hullDistance(p, p)
        #expect(s.verdict == .overlapping)
        #expect(s.upperBound == 0)
        #expect(s.iterations == 0)
    }

    @Test("a point shared by both sets makes them overlap", arguments: [0, 5, 17])
    func sharedPoint(sharedRow: Int) {
        var g = SeededGenerator(seed: 40 + UInt64(sharedRow))
        let rowsA = boxRows(20, dimension: 6, &g)
        // B lies mostly far away, but contains one of A's points (a vertex of hull(A)
        // or an interior point, depending on the row).
        var rowsB = boxRows(20, dimension: 6, low: 3, &g)
        rowsB.insert(rowsA[sharedRow], at: 7)
        let a = PointMatrix(rows: rowsA), b = PointMatrix(rows: rowsB)
        for s in [hullDistance(a, b), separability(a, b)] {
            #expect(s.verdict == .overlapping)
            #expect(checkCommonPoint(s, a: a, b: b) <= s.tolerance)
        }
    }
}
