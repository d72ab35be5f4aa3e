import ProbeGeometry
import Testing

@Suite("Degenerate inputs")
struct DegenerateTests {
    static let intervalCases: [([Float], [Float], Double)] = [
        ([Float(0), 1, 0.5], [Float(3), 2.5, 4], 1.5),
        ([Float(0), 2], [Float(1), 3], 0),
        ([Float(5)], [Float(5)], 0),
        ([Float(-1), -3], [Float(2)], 3),
        ([Float(4), 4, 4], [Float(-2), -2.5], 6),
    ]

    @Test("one dimension: intervals", arguments: Self.intervalCases)
    func intervals(a: [Float], b: [Float], distance: Double) {
        let ma = PointMatrix(count: a.count, dimension: 1, values: a)
        let mb = PointMatrix(count: b.count, dimension: 1, values: b)
        let s = hullDistance(ma, mb)
        if distance == 0 {
            #expect(s.verdict == .overlapping)
            #expect(checkCommonPoint(s, a: ma, b: mb) <= s.tolerance)
        } else {
            #expect(s.verdict == .separable)
            #expect(abs(s.upperBound - distance) <= 1e-9 * distance)
            #expect(checkSeparatingHyperplane(s, a: ma, b: mb) >= 0.999999 * distance)
        }
    }

    static let squareCases: [([[Float]], Double)] = [
        ([[Float(2), 2], [3, 2], [2, 3], [3, 3]], 2.0.squareRoot()),
        ([[Float(2), 0.5], [3, 0.5], [2.5, 0], [2.5, 1]], 1.0),
        ([[Float(0.5), 0.5], [1.5, 0.5], [0.5, 1.5], [1.5, 1.5]], 0.0),
        ([[Float(1), 0], [2, 0], [1, 1], [2, 1]], 0.0),
        ([[Float(-3), 0.25], [-2, 0.25], [-3, 0.75], [-2.5, 0.5]], 2.0),
    ]

    @Test("two-dimensional squares: corner to corner, edge to vertex, overlap, touching", arguments: Self.squareCases)
    func squares(b: [[Float]], distance: Double) {
        let a = PointMatrix(rows: [[0, 0], [1, 0], [0, 1], [1, 1], [0.5, 0.5], [0.25, 0.75]])
        let mb = PointMatrix(rows: b)
        let s = hullDistance(a, mb)
        if distance == 0 {
            #expect(s.verdict == .overlapping)
            #expect(checkCommonPoint(s, a: a, b: mb) <= s.tolerance)
        } else {
            #expect(s.verdict == .separable)
            #expect(abs(s.upperBound - distance) <= 1e-6 * distance)
            #expect(checkSeparatingHyperplane(s, a: a, b: mb) >= 0.999999 * distance)
        }
    }

    @Test("duplicated points change nothing")
    func duplicates() {
        let (a, b) = boxesWithGap(0.3, count: 30, dimension: 5, seed: 21)
        let rowsA = doubleRows(a).map { $0.map(Float.init) }, rowsB = doubleRows(b).map { $0.map(Float.init) }
        // Every row three times, in an order that separates the copies.
        let tripleA = PointMatrix(rows: rowsA + rowsA.reversed() + rowsA)
        let tripleB = PointMatrix(rows: rowsB + rowsB + rowsB.reversed())
        let single = hullDistance(a, b), tripled = hullDistance(tripleA, tripleB)
        #expect(tripled.verdict == .separable)
        #expect(abs(tripled.upperBound - single.upperBound) <= 1e-9 * single.upperBound)
        #expect(abs(tripled.upperBound - 0.3) <= 1e-6 * 0.3)
        #expect(tripled.weightsA.allSatisfy { $0.index < tripleA.count && $0.weight > 0 })
        #expect(checkSeparatingHyperplane(tripled, a: tripleA, b: tripleB) >= 0.999999 * 0.3)
        // Overlapping sets with duplicates.
        let both = PointMatrix(rows: rowsA + rowsA)
        let s = hullDistance(both, PointMatrix(rows: rowsA.reversed() + [rowsA[0]]))
        #expect(s.verdict == .overlapping)
    }

    static let collinearCases: [([Float], Float, Float, Double)] = [
        // B's line, B's interval, expected distance
        ([Float(0), 1, 0], 0.5, 2.0, 1.0),  // parallel line at distance 1, intervals overlap along it
        ([Float(0), 0, 0], 0.5, 2.0, 0.0),  // same line, overlapping intervals
        ([Float(0), 0, 0], 1.5, 2.0, 0.5),  // same line, disjoint intervals
        ([Float(0), 3, 4], 2.0, 3.0, (1.0 + 25).squareRoot()),  // parallel, intervals apart
    ]

    @Test("collinear points on parallel, coinciding and separated lines in 3-d", arguments: Self.collinearCases)
    func collinear(offset: [Float], from: Float, to: Float, distance: Double) {
        let a = PointMatrix(rows: [0, 0.25, 1, 0.5, 0.75].map { [$0, 0, 0] })
        let b = PointMatrix(rows: [to, from, (from + to) / 2, from + 0.1].map { [$0 + offset[0], offset[1], offset[2]] })
        let s = hullDistance(a, b)
        if distance == 0 {
            #expect(s.verdict == .overlapping)
            #expect(checkCommonPoint(s, a: a, b: b) <= s.tolerance)
        } else {
            #expect(s.verdict == .separable)
            #expect(abs(s.upperBound - distance) <= 1e-6 * distance)
            #expect(checkSeparatingHyperplane(s, a: a, b: b) >= 0.999999 * distance)
        }
    }

    @Test("points far from the origin: the tolerance scales with them")
    func farFromOrigin() {
        // Two unit-gap boxes translated by 1000 in every coordinate: the distance is exact.
        let (a, b) = boxesWithGap(0.5, count: 30, dimension: 4, seed: 31)
        func shifted(_ m: PointMatrix) -> PointMatrix {
            PointMatrix(count: m.count, dimension: m.dimension, values: m.values.map { $0 + 1000 })
        }
        let s = hullDistance(shifted(a), shifted(b))
        #expect(s.verdict == .separable)
        // float32 rounding of the shifted data is 2^-14 ≈ 6e-5, so compare to the data's own gap.
        let gap = Double(Float(1000) + 1.5) - Double(Float(1000) + 1)
        #expect(abs(s.upperBound - gap) <= 1e-6 * gap)
        #expect(s.tolerance > 1e-4 && s.tolerance < 1e-3)
    }
}
