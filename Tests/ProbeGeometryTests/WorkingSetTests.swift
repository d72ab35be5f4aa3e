import Foundation
import Testing

@testable import ProbeGeometry

/// Two Gaussian clouds of `count` points in `dimension` coordinates, the second shifted by
/// `shift` along the first axis.
private func gaussianPair(count: Int, dimension: Int, shift: Float, seed: UInt64) -> (PointMatrix, PointMatrix) {
    var g = SeededGenerator(seed: seed)
    func cloud(_ offset: Float) -> PointMatrix {
        var values = [Float](repeating: 0, count: count * dimension)
        for k in values.indices {
            let u = Double.random(in: Double.ulpOfOne..<1, using: &g), v = Double.random(in: 0..<1, using: &g)
            values[k] = Float((-2 * log(u)).squareRoot() * cos(2 * Double.pi * v))
        }
        for p in 0..<count { values[p * dimension] += offset }
        return PointMatrix(count: count, dimension: dimension, values: values)
    }
    return (cloud(0), cloud(shift))
}

/// Small sets and frequent full passes, so that mid-size instances go through several
/// rounds of the working sets.
private let smallSets = WorkingSetPolicy(setSize: 16, fullPassWeight: 1)

/// Checks what a result claims against every point, with the independent checkers.
private func expectCertified(_ s: HullSeparation, _ a: PointMatrix, _ b: PointMatrix, _ label: String) {
    let common = checkCommonPoint(s, a: a, b: b)
    switch s.verdict {
    case .separable:
        #expect(s.lowerBound > s.tolerance, "\(label)")
        #expect(s.lowerBound <= s.upperBound * (1 + 1e-12), "\(label)")
        #expect(checkSeparatingHyperplane(s, a: a, b: b) >= s.lowerBound * (1 - 1e-12), "\(label)")
        #expect(abs(common - s.upperBound) <= 1e-9 * s.upperBound, "\(label)")
    case .overlapping:
        #expect(s.upperBound <= s.tolerance, "\(label)")
        #expect(common <= s.tolerance, "\(label)")
        #expect(s.normal.isEmpty && s.lowerBound == 0, "\(label)")
    }
}

@Suite("Working sets give the answers of full passes")
struct WorkingSetTests {
    /// (points per side, dimension, shift of B, seed): far apart (distance 7.3), close (0.72),
    /// overlapping, barely overlapping; then far, close and overlapping in d = 64 and 128.
    static let instances: [(Int, Int, Float, UInt64)] = [
        (300, 16, 12, 1), (300, 16, 5, 12), (300, 16, 0, 3), (300, 16, 4, 2),
        (200, 64, 20, 4), (200, 64, 5, 5), (400, 64, 0, 6),
        (150, 128, 4, 7), (300, 128, 0, 8),
    ]

    @Test("hull distance: same verdict and distance as a full pass every iteration", arguments: instances)
    func hullDistanceAgrees(count: Int, dimension: Int, shift: Float, seed: UInt64) {
        let (a, b) = gaussianPair(count: count, dimension: dimension, shift: shift, seed: seed)
        let label = "\(count)×\(dimension) shift \(shift)"
        let rule = StopRule.accuracy(1e-6)
        let restricted = solveNearestPoints(a, b, rule: rule, policy: smallSets)
        let full = solveNearestPoints(a, b, rule: rule, policy: .fullPasses)
        #expect(restricted.verdict == full.verdict, "\(label)")
        expectCertified(restricted, a, b, label)
        expectCertified(full, a, b, label)
        // The full-pass path is Wolfe's method as such; the other one searched its sets.
        #expect(full.fullPasses == full.iterations, "\(label)")
        #expect(restricted.fullPasses < restricted.iterations, "\(label)")
        if restricted.verdict == .separable && full.verdict == .separable {
            // Each brackets the distance within 1e-6, so each bracket holds the other's.
            #expect(abs(restricted.upperBound - full.upperBound) <= 2e-6 * full.upperBound, "\(label)")
            #expect(restricted.lowerBound <= full.upperBound * (1 + 1e-12), "\(label)")
            #expect(full.lowerBound <= restricted.upperBound * (1 + 1e-12), "\(label)")
        }
        // The public entry point (default policy) agrees as well.
        #expect(hullDistance(a, b).verdict == full.verdict, "\(label)")
    }

    @Test("separability: same verdict as the full-pass hull distance, certified", arguments: instances)
    func separabilityAgrees(count: Int, dimension: Int, shift: Float, seed: UInt64) {
        let (a, b) = gaussianPair(count: count, dimension: dimension, shift: shift, seed: seed)
        let label = "\(count)×\(dimension) shift \(shift)"
        let quick = solveNearestPoints(a, b, rule: .decision, policy: smallSets)
        let full = solveNearestPoints(a, b, rule: .accuracy(1e-6), policy: .fullPasses)
        #expect(quick.verdict == full.verdict, "\(label)")
        expectCertified(quick, a, b, label)
        if quick.verdict == .separable {
            #expect(quick.lowerBound <= full.upperBound * (1 + 1e-12), "\(label)")
        }
    }

    @Test("the instances cover far, close and overlapping pairs")
    func coverage() {
        var verdicts: [HullSeparation.Verdict] = []
        var distances: [Double] = []
        for (count, dimension, shift, seed) in Self.instances[0..<3] {
            let (a, b) = gaussianPair(count: count, dimension: dimension, shift: shift, seed: seed)
            let s = solveNearestPoints(a, b, rule: .accuracy(1e-6), policy: smallSets)
            verdicts.append(s.verdict)
            distances.append(s.upperBound)
            // Several rounds: the sets were rebuilt from more than one full pass.
            #expect(s.fullPasses >= 2)
        }
        #expect(verdicts == [.separable, .separable, .overlapping])
        #expect(distances[0] > 5 && distances[1] < 1)
    }

    @Test("the working-set path is deterministic")
    func deterministic() {
        let (a, b) = gaussianPair(count: 300, dimension: 32, shift: 3, seed: 11)
        let first = solveNearestPoints(a, b, rule: .accuracy(1e-6), policy: smallSets)
        let second = solveNearestPoints(a, b, rule: .accuracy(1e-6), policy: smallSets)
        #expect(first.upperBound.bitPattern == second.upperBound.bitPattern)
        #expect(first.lowerBound.bitPattern == second.lowerBound.bitPattern)
        #expect(first.normal == second.normal)
        #expect(first.weightsA.map(\.index) == second.weightsA.map(\.index))
        #expect(first.weightsB.map(\.weight) == second.weightsB.map(\.weight))
        #expect(first.iterations == second.iterations && first.fullPasses == second.fullPasses)
    }

    @Test("working sets that copy their rows and sets that read them in place give the same answer to the bit",
          arguments: [(300, 32, Float(3), UInt64(11)), (400, 64, 0, 6), (150, 128, 4, 7)])
    func packedAndUnpackedAgree(count: Int, dimension: Int, shift: Float, seed: UInt64) {
        let (a, b) = gaussianPair(count: count, dimension: dimension, shift: shift, seed: seed)
        var packed = smallSets, inPlace = smallSets
        packed.largestUnpackedSide = 0
        inPlace.largestUnpackedSide = .max
        for rule in [StopRule.accuracy(1e-6), .decision] {
            let copied = solveNearestPoints(a, b, rule: rule, policy: packed)
            let read = solveNearestPoints(a, b, rule: rule, policy: inPlace)
            #expect(copied.fullPasses >= 2)
            #expect(copied.verdict == read.verdict)
            #expect(copied.upperBound.bitPattern == read.upperBound.bitPattern)
            #expect(copied.lowerBound.bitPattern == read.lowerBound.bitPattern)
            #expect(copied.normal == read.normal)
            #expect(copied.weightsA.map(\.index) == read.weightsA.map(\.index))
            #expect(copied.weightsB.map(\.weight) == read.weightsB.map(\.weight))
            #expect(copied.iterations == read.iterations && copied.fullPasses == read.fullPasses)
        }
    }

    @Test("point to hull with more points than the default sets hold", arguments: [
        ([Float](repeating: 0.5, count: 8), true),
        ([Float(1.75)] + [Float](repeating: 0.5, count: 7), false),
        ([Float](repeating: 1.5, count: 8), false),
    ])
    func pointDistanceThroughWorkingSets(point: [Float], inside: Bool) {
        var g = SeededGenerator(seed: 21)
        // 600 > 256 points: the default policy restricts the oracle.
        let hull = PointMatrix(rows: boxRows(600, dimension: 8, &g))
        let s = pointDistance(hull, to: point)
        let p = PointMatrix(count: 1, dimension: 8, values: point)
        let full = solveNearestPoints(hull, p, rule: .accuracy(1e-6), policy: .fullPasses)
        #expect(s.verdict == (inside ? .overlapping : .separable))
        #expect(s.verdict == full.verdict)
        expectCertified(s, hull, p, "point \(point)")
        if !inside {
            #expect(abs(s.upperBound - full.upperBound) <= 2e-6 * full.upperBound)
            #expect(s.fullPasses <= s.iterations)
        }
    }
}
