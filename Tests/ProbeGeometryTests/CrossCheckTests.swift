import ProbeGeometry
import Testing

@Suite("Randomised cross-check against enumeration")
struct CrossCheckTests {
    @Test("tiny random instances match the brute-force distance", arguments: 0..<4)
    func tinyInstances(batch: Int) {
        var g = SeededGenerator(seed: 1_000 + UInt64(batch))
        var overlapping = 0, separable = 0
        for _ in 0..<50 {
            let d = Int.random(in: 2...3, using: &g)
            let countA = Int.random(in: 1...4, using: &g), countB = Int.random(in: 1...4, using: &g)
            // Small integers on a grid make ties, shared points and touching faces common.
            let onGrid = Bool.random(using: &g)
            func coordinate() -> Float {
                onGrid ? Float(Int.random(in: -2...2, using: &g)) : 4 * g.unit() - 2
            }
            let rowsA = (0..<countA).map { _ in (0..<d).map { _ in coordinate() } }
            // B shifted by 0 (mostly overlapping), 0.5 or 3 (mostly apart).
            let shift = [Float(0), 0.5, 3][Int.random(in: 0...2, using: &g)]
            let rowsB = (0..<countB).map { _ in (0..<d).map { _ in coordinate() + shift } }
            let a = PointMatrix(rows: rowsA), b = PointMatrix(rows: rowsB)
            let expected = bruteForceDistance(doubleRows(a), doubleRows(b))
            let s = hullDistance(a, b)
            let tolerance = s.tolerance
            if expected <= tolerance / 10 {
                overlapping += 1
                #expect(s.verdict == .overlapping, "A=\(rowsA) B=\(rowsB)")
                #expect(checkCommonPoint(s, a: a, b: b) <= tolerance)
            } else if expected >= tolerance * 10 {
                separable += 1
                #expect(s.verdict == .separable, "A=\(rowsA) B=\(rowsB)")
                #expect(abs(s.upperBound - expected) <= 1e-6 * expected, "A=\(rowsA) B=\(rowsB)")
                #expect(s.lowerBound <= expected * (1 + 1e-12))
                #expect(checkSeparatingHyperplane(s, a: a, b: b) >= s.lowerBound * (1 - 1e-12))
                #expect(abs(checkCommonPoint(s, a: a, b: b) - s.upperBound) <= 1e-9 * expected)
                let quick = separability(a, b)
                #expect(quick.verdict == .separable)
                #expect(checkSeparatingHyperplane(quick, a: a, b: b) > 0)
            }
        }
        // Both kinds of instance occur in every batch.
        #expect(overlapping >= 5 && separable >= 5, "\(overlapping) overlapping, \(separable) separable")
    }
}
