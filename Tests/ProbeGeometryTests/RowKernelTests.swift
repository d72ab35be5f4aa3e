import Testing
import TestSupport

@testable import ProbeGeometry

/// The dot product with eight scalar accumulators, element i into accumulator i mod 8 (the
/// tail into the first), summed ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7)): the order
/// the kernels promise, written out one element at a time.
private func scalarDot(_ u: [Double], _ x: [Double]) -> Double {
    var s = [Double](repeating: 0, count: 8)
    let whole = u.count / 8 * 8
    for i in 0..<whole { s[i % 8] += u[i] * x[i] }
    for i in whole..<u.count { s[0] += u[i] * x[i] }
    return ((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7]))
}

@Suite("Row kernels")
struct RowKernelTests {
    /// Lengths around the eight-wide blocks, and a real layer's width.
    static let lengths = Array(0...19) + [383, 384, 385]

    @Test("dot products are the scalar order's to the bit, for every pairing of float32 and float64", arguments: lengths)
    func dotMatchesScalarOrder(length: Int) {
        var g = SeededGenerator(seed: UInt64(length) + 7)
        // Values of mixed magnitudes, so that the order of the sums shows in the last bits.
        let floats = (0..<length).map { _ in (g.unit() - 0.5) * Float(1 << Int(g.next() % 20)) }
        let doubles = (0..<length).map { _ in Double(g.unit() - 0.5) * 1e3 + Double(g.unit()) * 1e-9 }
        let widened = floats.map(Double.init)
        #expect(dot(floats, doubles, length).bitPattern == scalarDot(widened, doubles).bitPattern)
        #expect(dot(doubles, floats, length).bitPattern == scalarDot(doubles, widened).bitPattern)
        #expect(dot(doubles, doubles, length).bitPattern == scalarDot(doubles, doubles).bitPattern)
        #expect(dot(floats, floats, length).bitPattern == scalarDot(widened, widened).bitPattern)
        let differences = zip(widened, doubles).map { $0 - $1 }
        #expect(squaredDistance(floats, doubles, length).bitPattern == scalarDot(differences, differences).bitPattern)
    }

    @Test("removing a column column by column leaves the factor and the rotations of a sweep by rows", arguments: [0, 3, 17, 38])
    func removalMatchesRowSweep(position: Int) {
        var g = SeededGenerator(seed: 11)
        let size = 40, dimension = 48
        let vectors = (0..<size).map { _ in (0..<dimension).map { _ in Double(g.unit()) * 2 - 1 } }
        var factor = TriangularFactor()
        for k in 0..<size {
            let column = (0...k).map { p in 1 + zip(vectors[p], vectors[k]).reduce(0) { $0 + $1.0 * $1.1 } }
            let appended = factor.append(column, dependenceTolerance: 1e-10)
            #expect(appended)
        }
        // The reference: R as a dense matrix, the column dropped, then each rotation of rows
        // (i, i + 1) swept across all the columns in turn.
        var r = (0..<size).map { row in (0..<size).map { factor.entry(row, $0) } }
        for row in 0..<size { r[row].remove(at: position) }
        var expectedRotations: [(Int, Double, Double)] = []
        for i in position..<(size - 1) {
            let a = r[i][i], b = r[i + 1][i]
            let h = (a * a + b * b).squareRoot()
            let cs = a / h, sn = b / h
            for c in i..<(size - 1) {
                let x = r[i][c], y = r[i + 1][c]
                r[i][c] = cs * x + sn * y
                r[i + 1][c] = cs * y - sn * x
            }
            r[i + 1][i] = 0
            expectedRotations.append((i, cs, sn))
        }
        var rotations: [(Int, Double, Double)] = []
        factor.remove(at: position) { rotations.append(($0, $1, $2)) }
        #expect(factor.size == size - 1)
        #expect(rotations.count == expectedRotations.count)
        for (found, expected) in zip(rotations, expectedRotations) {
            #expect(found.0 == expected.0 && found.1.bitPattern == expected.1.bitPattern && found.2.bitPattern == expected.2.bitPattern)
        }
        for row in 0..<(size - 1) {
            for column in row..<(size - 1) {
                #expect(factor.entry(row, column).bitPattern == r[row][column].bitPattern, "entry (\(row), \(column))")
            }
        }
    }

    @Test("the Gram corral's point is its vertices' weighted sum after removals and reused slots")
    func corralSlotsKeepTheVertices() {
        var g = SeededGenerator(seed: 23)
        let dimension = 10
        func vector() -> [Double] { (0..<dimension).map { _ in Double(g.unit()) * 2 - 1 } }
        var corral = GramCorral(dimension: dimension, shift: 2)
        var expected: [[Double]] = []
        for step in 0..<9 {
            let v = vector()
            if corral.append(v, indexA: step, indexB: 0) { expected.append(v) }
        }
        // Drop three (the first, one inside, the last), then refill the freed slots.
        for position in [0, 3, expected.count - 3] {
            corral.remove(at: position)
            expected.remove(at: position)
        }
        for step in 9..<13 {
            let v = vector()
            if corral.append(v, indexA: step, indexB: 0) { expected.append(v) }
        }
        #expect(corral.size == expected.count && expected.count == 10)
        corral.weights = (0..<corral.size).map { Double($0 + 1) / 55 }
        // x = Σ λ_p v_p, summed in the corral's order.
        var sum = [Double](repeating: 0, count: dimension)
        for (p, v) in expected.enumerated() { for i in 0..<dimension { sum[i] += corral.weights[p] * v[i] } }
        #expect(corral.currentPoint().map(\.bitPattern) == sum.map(\.bitPattern))
        // The factor describes the vertices now in the corral: its minimiser is theirs.
        let minimizer = corral.affineMinimizer() ?? []
        let u = expected.map { v in expected.map { w in 2 + zip(v, w).reduce(0) { $0 + $1.0 * $1.1 } } }
        // Check (c·11ᵀ + G) α ∝ 1: every entry of the product is the same.
        let products = u.map { row in zip(row, minimizer).reduce(0) { $0 + $1.0 * $1.1 } }
        #expect(minimizer.count == expected.count)
        for value in products { #expect(abs(value - (products.first ?? 0)) < 1e-9) }
    }
}
