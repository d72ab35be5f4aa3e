import ProbeGeometry
import Testing

/// `projectionRanges` (one matrix product for many directions) against the extremes
/// computed directly in float64 from the float32 coordinates, point by point.
@Suite("Projections on many directions at once")
struct ProjectionTests {
    /// The smallest and largest `⟨w, x⟩` over the rows, summed in float64 one point at a time.
    private func directRange(_ rows: [[Float]], _ w: [Double]) -> (min: Double, max: Double) {
        let values = rows.map { row in zip(row, w).reduce(0.0) { $0 + Double($1.0) * $1.1 } }
        return (values.min() ?? .infinity, values.max() ?? -.infinity)
    }

    private func close(_ x: Double, _ y: Double) -> Bool { abs(x - y) <= 1e-12 * max(1, abs(y)) }

    @Test("every direction's extremes equal the direct ones, across tile boundaries and row selections",
          arguments: [(1, 3, 1), (127, 20, 5), (128, 7, 3), (300, 64, 40)])
    func maximaMatchDirect(count: Int, dimension: Int, directions: Int) {
        var g = SeededGenerator(seed: UInt64(count * 1_000 + dimension))
        let rows = boxRows(count, dimension: dimension, &g).map { $0.map { $0 * 4 - 2 } }
        let w = boxRows(directions, dimension: dimension, &g).map { $0.map { Double($0) - 0.5 } }
        let all = PointMatrix(rows: rows)
        let ranges = projectionRanges(all, along: w.flatMap { $0 })
        #expect(ranges.count == directions)
        for (j, direction) in w.enumerated() {
            let expected = directRange(rows, direction), single = projectionRange(all, along: direction)
            #expect(close(ranges[j].min, expected.min) && close(ranges[j].max, expected.max))
            #expect(close(ranges[j].min, single.min) && close(ranges[j].max, single.max))
        }
        // A view of every other row: the maxima of those rows only.
        let chosen = Array(stride(from: 0, to: count, by: 2))
        let view = all.selecting(rows: chosen)
        let viewRanges = projectionRanges(view, along: w.flatMap { $0 })
        for (j, direction) in w.enumerated() {
            let expected = directRange(chosen.map { rows[$0] }, direction)
            #expect(close(viewRanges[j].min, expected.min) && close(viewRanges[j].max, expected.max))
        }
    }

    @Test("float32 normals: every extreme is exactly the float64 one of projectionRange",
          arguments: [(1, 3, 1), (130, 384, 7), (300, 64, 40)])
    func floatNormalsGiveExactExtremes(count: Int, dimension: Int, directions: Int) {
        var g = SeededGenerator(seed: UInt64(count * 7 + dimension))
        var rows = boxRows(count, dimension: dimension, &g).map { $0.map { $0 * 4 - 2 } }
        // Near-ties, where float32 products cannot tell the extreme point: copies of a row
        // moved by one unit in the last place of one coordinate.
        if count > 4 {
            for copy in 1...3 { rows[copy] = rows[0]; rows[copy][copy % dimension] = rows[0][copy % dimension].nextUp }
        }
        let normals = boxRows(directions, dimension: dimension, &g).map { $0.map { $0 - 0.5 } }
        let all = PointMatrix(rows: rows)
        let ranges = projectionRanges(all, along: normals.flatMap { $0 })
        #expect(ranges.count == directions)
        for (j, normal) in normals.enumerated() {
            let single = projectionRange(all, along: normal.map(Double.init))
            #expect(ranges[j].min == single.min && ranges[j].max == single.max)
            // Along the float32 normal itself: the same values, bit for bit.
            let unwidened = projectionRange(all, alongNormal: normal)
            #expect(unwidened.min == single.min && unwidened.max == single.max)
        }
        let view = all.selecting(rows: Array(stride(from: 0, to: count, by: 2)))
        let viewRanges = projectionRanges(view, along: normals.flatMap { $0 })
        for (j, normal) in normals.enumerated() {
            let single = projectionRange(view, along: normal.map(Double.init))
            #expect(viewRanges[j].min == single.min && viewRanges[j].max == single.max)
        }
    }

    @Test("no directions give no ranges")
    func noDirections() {
        #expect(projectionRanges(PointMatrix(rows: [[1, 2], [3, 4]]), along: [Double]()).isEmpty)
        #expect(projectionRanges(PointMatrix(rows: [[1, 2], [3, 4]]), along: [Float]()).isEmpty)
    }
}
