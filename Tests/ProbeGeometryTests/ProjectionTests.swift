import ProbeGeometry
import Testing

/// `projectionMaxima` (one matrix product for many directions) against the exact maxima
/// computed directly in float64 from the float32 coordinates, point by point.
@Suite("Projections on many directions at once")
struct ProjectionTests {
    /// The largest `⟨w, x⟩` over the rows, summed in float64 one point at a time.
    private func directMaximum(_ rows: [[Float]], _ w: [Double]) -> Double {
        rows.map { row in zip(row, w).reduce(0.0) { $0 + Double($1.0) * $1.1 } }.max() ?? -.infinity
    }

    @Test("every direction's maximum equals the direct one, across tile boundaries and row selections",
          arguments: [(1, 3, 1), (127, 20, 5), (128, 7, 3), (300, 64, 40)])
    func maximaMatchDirect(count: Int, dimension: Int, directions: Int) {
        var g = SeededGenerator(seed: UInt64(count * 1_000 + dimension))
        let rows = boxRows(count, dimension: dimension, &g).map { $0.map { $0 * 4 - 2 } }
        let w = boxRows(directions, dimension: dimension, &g).map { $0.map { Double($0) - 0.5 } }
        let all = PointMatrix(rows: rows)
        let maxima = projectionMaxima(all, along: w.flatMap { $0 })
        #expect(maxima.count == directions)
        for (j, direction) in w.enumerated() {
            let expected = directMaximum(rows, direction)
            #expect(abs(maxima[j] - expected) <= 1e-12 * max(1, abs(expected)))
            #expect(abs(maxima[j] - projectionRange(all, along: direction).max) <= 1e-12 * max(1, abs(expected)))
        }
        // A view of every other row: the maxima of those rows only.
        let chosen = Array(stride(from: 0, to: count, by: 2))
        let view = all.selecting(rows: chosen)
        let viewMaxima = projectionMaxima(view, along: w.flatMap { $0 })
        for (j, direction) in w.enumerated() {
            let expected = directMaximum(chosen.map { rows[$0] }, direction)
            #expect(abs(viewMaxima[j] - expected) <= 1e-12 * max(1, abs(expected)))
        }
    }

    @Test("no directions give no maxima")
    func noDirections() {
        #expect(projectionMaxima(PointMatrix(rows: [[1, 2], [3, 4]]), along: []).isEmpty)
    }
}
