import Testing
import TestSupport

@testable import DirectProbe

@Suite("Centroid-difference normals")
struct CentroidDifferenceTests {
    @Test("the float32 difference is the float64 difference rounded to float32, bit for bit")
    func float32DifferenceIsTheRoundedExactOne() {
        // Values of every scale, signs and subnormals: pairs whose exact difference needs more
        // than 24 bits (different exponents) are where a double rounding could differ.
        var g = SeededGenerator(seed: 5)
        var low: [Float] = [], high: [Float] = []
        for _ in 0..<20_000 {
            let scaleA = Float(sign: .plus, exponent: Int(g.unit() * 60) - 30, significand: 1)
            let scaleB = Float(sign: .plus, exponent: Int(g.unit() * 60) - 30, significand: 1)
            low.append((g.unit() * 2 - 1) * scaleA)
            high.append((g.unit() * 2 - 1) * scaleB)
        }
        low += [.leastNonzeroMagnitude, 1, -.greatestFiniteMagnitude, 0x1p-126, 1 + .ulpOfOne, 0]
        high += [-.leastNonzeroMagnitude, 0x1p-25, .greatestFiniteMagnitude, 0x1.8p-126, 1, -0.0]
        let difference = centroidDifference(from: low, to: high)
        let reference = (0..<low.count).map { Float(Double(high[$0]) - Double(low[$0])) }
        #expect(difference.count == low.count)
        #expect(difference.map(\.bitPattern) == reference.map(\.bitPattern))
    }
}
