import Foundation
import Testing
import TestSupport

@testable import ProbeGeometry

/// `count` random vectors of `dimension` float64 coordinates in [−1, 1).
private func randomVectors(_ count: Int, dimension: Int, seed: UInt64) -> [[Double]] {
    var g = SeededGenerator(seed: seed)
    return (0..<count).map { _ in (0..<dimension).map { _ in Double(g.unit()) * 2 - 1 } }
}

private func inner(_ u: [Double], _ v: [Double]) -> Double { zip(u, v).reduce(0) { $0 + $1.0 * $1.1 } }

/// The affine minimum-norm point's weights of `vectors`, from the bordered normal equations
/// solved by Gaussian elimination: independent of both corrals.
private func affineWeights(_ vectors: [[Double]]) -> [Double] {
    let k = vectors.count
    // [G 1; 1ᵀ 0] [α; μ] = [0; 1].
    var m = (0..<(k + 1)).map { i in
        (0..<(k + 2)).map { j -> Double in
            if i < k && j < k { return inner(vectors[i], vectors[j]) }
            if i == k && j == k { return 0 }
            if j == k + 1 { return i == k ? 1 : 0 }
            return 1
        }
    }
    for column in 0...k {
        let pivot = (column...k).max { abs(m[$0][column]) < abs(m[$1][column]) } ?? column
        m.swapAt(column, pivot)
        for row in 0...k where row != column {
            let factor = m[row][column] / m[column][column]
            for j in column...(k + 1) { m[row][j] -= factor * m[column][j] }
        }
    }
    return (0..<k).map { m[$0][k + 1] / m[$0][$0] }
}

@Suite("The Gram-matrix corral and its triangular factor")
struct GramCorralTests {
    @Test("the factor's RᵀR is the matrix it was built from, after appends and removals")
    func factorReproducesMatrix() {
        let vectors = randomVectors(9, dimension: 12, seed: 3)
        let shift = 2.0
        func entry(_ i: Int, _ j: Int) -> Double { shift + inner(vectors[i], vectors[j]) }
        var factor = TriangularFactor()
        for k in vectors.indices {
            let appended = factor.append((0...k).map { entry($0, k) }, dependenceTolerance: 1e-10)
            #expect(appended)
        }
        var kept = Array(vectors.indices)
        for position in [4, 0, 5] {
            factor.remove(at: position) { _, _, _ in }
            kept.remove(at: position)
        }
        // Column j of R solves Rᵀ y = (entries of column j above the diagonal), so R's
        // product is checked through the solves: Rᵀ R e_j, column by column.
        for (j, original) in kept.enumerated() {
            var unit = [Double](repeating: 0, count: kept.count)
            unit[j] = 1
            // (RᵀR)⁻¹ M e_j must be e_j.
            let column = kept.map { entry($0, original) }
            let back = factor.solve(factor.solveTransposed(column))
            for (t, value) in back.enumerated() { #expect(abs(value - unit[t]) < 1e-9, "column \(j) entry \(t)") }
        }
    }

    @Test("an affinely dependent vertex is refused and changes nothing")
    func dependentVertexRefused() {
        let vectors = randomVectors(3, dimension: 6, seed: 5)
        var corral = GramCorral(dimension: 6, shift: 1)
        for (p, v) in vectors.enumerated() {
            let appended = corral.append(v, indexA: p, indexB: 0)
            #expect(appended)
        }
        // An affine combination of the three (weights sum to 1).
        let dependent = (0..<6).map { 0.2 * vectors[0][$0] + 0.5 * vectors[1][$0] + 0.3 * vectors[2][$0] }
        let appended = corral.append(dependent, indexA: 9, indexB: 9)
        #expect(!appended)
        #expect(corral.size == 3 && !corral.contains(9, 9))
    }

    @Test("both corrals give the affine minimiser of independent elimination", arguments: [2, 5, 11])
    func affineMinimizersAgree(count: Int) {
        let vectors = randomVectors(count, dimension: 16, seed: UInt64(count))
        var gram = GramCorral(dimension: 16, shift: 4)
        var qr = Corral(dimension: 16, shift: 4)
        for (p, v) in vectors.enumerated() {
            let intoGram = gram.append(v, indexA: p, indexB: p)
            let intoQR = qr.append(v, indexA: p, indexB: p)
            #expect(intoGram && intoQR)
        }
        let expected = affineWeights(vectors)
        let fromGram = gram.affineMinimizer() ?? []
        let fromQR = qr.affineMinimizer() ?? []
        #expect(fromGram.count == count && fromQR.count == count)
        for p in 0..<min(count, fromGram.count, fromQR.count) {
            #expect(abs(fromGram[p] - expected[p]) < 1e-9, "vertex \(p)")
            #expect(abs(fromQR[p] - expected[p]) < 1e-9, "vertex \(p)")
        }
        // After a removal both still agree with elimination on the rest.
        gram.remove(at: 0)
        qr.remove(at: 0)
        let rest = affineWeights(Array(vectors.dropFirst()))
        if count > 1, let g = gram.affineMinimizer(), let q = qr.affineMinimizer() {
            for p in rest.indices {
                #expect(abs(g[p] - rest[p]) < 1e-9)
                #expect(abs(q[p] - rest[p]) < 1e-9)
            }
        }
    }

    @Test("the fast corral's kept R⁻ᵀ1 follows appends and removals anywhere (first, middle, last)")
    func minimiserThroughManyUpdates() {
        // The fast corral keeps y = R⁻ᵀ1 up to date instead of solving for it at each minor
        // cycle; after every step its minimiser must still be that of independent elimination.
        let dimension = 40
        let pool = randomVectors(60, dimension: dimension, seed: 23)
        var corral = GramCorral(dimension: dimension, shift: 2)
        var inside: [[Double]] = []
        var next = 0
        // Removals at the front, the back and in between, and appends in bulk and one by one.
        let steps: [(removeAt: Int?, add: Int)] = [(nil, 12), (0, 0), (nil, 3), (5, 0), (nil, 0), (-1, 0), (2, 4), (-1, 0), (0, 6), (7, 1)]
        for (step, (removeAt, add)) in steps.enumerated() {
            if let removeAt {
                let position = removeAt < 0 ? corral.size - 1 : removeAt
                corral.remove(at: position)
                inside.remove(at: position)
            }
            if add == 1 {
                let joined = corral.append(pool[next], indexA: next, indexB: 0)
                #expect(joined)
                inside.append(pool[next])
                next += 1
            } else if add > 1 {
                let block = (next..<(next + add)).map { CorralCandidate(vertex: pool[$0], indexA: $0, indexB: 0) }
                let joined = corral.append(contentsOf: block)
                #expect(joined.allSatisfy { $0 })
                inside += pool[next..<(next + add)]
                next += add
            }
            let expected = affineWeights(inside)
            let found = corral.affineMinimizer() ?? []
            #expect(found.count == expected.count, "step \(step)")
            for p in 0..<min(found.count, expected.count) {
                #expect(abs(found[p] - expected[p]) < 1e-8, "step \(step), vertex \(p)")
            }
        }
    }

    @Test("a warm start appended in bulk joins the vertices one by one would, with the same minimiser")
    func bulkAppendMatchesOneByOne() {
        // 70 vertices (three blocks of the QR corral) in 80 dimensions, among them affine
        // combinations of earlier ones (dependent) inside a block and at a block's start.
        let dimension = 80
        var vectors = randomVectors(66, dimension: dimension, seed: 17)
        for (position, (p, q)) in [(5, (1, 3)), (32, (0, 31)), (40, (33, 35)), (64, (2, 60))] {
            vectors.insert((0..<dimension).map { 0.25 * vectors[p][$0] + 0.75 * vectors[q][$0] }, at: position)
        }
        let candidates = vectors.enumerated().map { CorralCandidate(vertex: $1, indexA: $0, indexB: 0) }
        func check<C: WolfeCorral>(_: C.Type) {
            var single = C(dimension: dimension, shift: 3), bulk = C(dimension: dimension, shift: 3)
            let one = candidates.map { single.append($0.vertex, indexA: $0.indexA, indexB: $0.indexB) }
            let all = bulk.append(contentsOf: candidates)
            #expect(all == one, "\(C.self)")
            #expect(all.filter { !$0 }.count == 4, "\(C.self)")
            #expect(bulk.indexA == single.indexA)
            let independent = vectors.indices.filter { all[$0] }.map { vectors[$0] }
            let expected = affineWeights(independent)
            let fromBulk = bulk.affineMinimizer() ?? []
            #expect(fromBulk.count == expected.count, "\(C.self)")
            for p in 0..<min(fromBulk.count, expected.count) { #expect(abs(fromBulk[p] - expected[p]) < 1e-8, "\(C.self) vertex \(p)") }
            // The factor keeps working after the bulk: one more vertex, then a removal.
            let extra = randomVectors(1, dimension: dimension, seed: 99)[0]
            let extraJoined = bulk.append(extra, indexA: 99, indexB: 0)
            #expect(extraJoined)
            bulk.remove(at: 10)
            let rest = Array((independent + [extra]).enumerated().filter { $0.offset != 10 }.map(\.element))
            let afterwards = bulk.affineMinimizer() ?? []
            let expectedAfterwards = affineWeights(rest)
            #expect(afterwards.count == expectedAfterwards.count)
            for p in 0..<min(afterwards.count, expectedAfterwards.count) {
                #expect(abs(afterwards[p] - expectedAfterwards[p]) < 1e-8, "\(C.self) vertex \(p) after a removal")
            }
        }
        check(Corral.self)
        check(GramCorral.self)
    }

    @Test("a warm start of independent vertices is factored at once (Cholesky, Householder), and the factors then follow appends and removals")
    func bulkFactorOfAWarmStart() {
        // 48 independent vertices in 64 dimensions: LAPACK's factor of the whole warm start
        // (the fast corral's Cholesky, the QR corral's Householder QR), not appends one by one.
        let dimension = 64
        let vectors = randomVectors(48, dimension: dimension, seed: 31)
        #expect(vectors.count >= GramCorral.smallestBulkFactor && vectors.count >= Corral.smallestHouseholderStart)
        func check<C: WolfeCorral>(_: C.Type) {
            var corral = C(dimension: dimension, shift: 2)
            let joined = corral.append(contentsOf: vectors.enumerated().map { CorralCandidate(vertex: $1, indexA: $0, indexB: 0) })
            #expect(joined == [Bool](repeating: true, count: vectors.count), "\(C.self)")
            #expect(corral.indexA == Array(vectors.indices), "\(C.self)")
            var inside = vectors
            func expectMinimiser(_ step: String) {
                let expected = affineWeights(inside)
                let found = corral.affineMinimizer() ?? []
                #expect(found.count == expected.count, "\(C.self) \(step)")
                for p in 0..<min(found.count, expected.count) {
                    #expect(abs(found[p] - expected[p]) < 1e-8, "\(C.self) \(step), vertex \(p)")
                }
            }
            expectMinimiser("after the bulk")
            // The current point is the weighted sum of the vertices.
            corral.weights = [Double](repeating: 1 / Double(vectors.count), count: vectors.count)
            let point = corral.currentPoint()
            for k in 0..<dimension {
                let expected = vectors.reduce(0) { $0 + $1[k] } / Double(vectors.count)
                #expect(abs(point[k] - expected) < 1e-12, "\(C.self)")
            }
            let extra = randomVectors(1, dimension: dimension, seed: 32)[0]
            let extraJoined = corral.append(extra, indexA: 48, indexB: 0)
            #expect(extraJoined, "\(C.self)")
            inside.append(extra)
            expectMinimiser("after one more vertex")
            // The first, one in the middle, the last.
            for removal in [0, 20, -1] {
                let position = removal < 0 ? corral.size - 1 : removal
                corral.remove(at: position)
                inside.remove(at: position)
                expectMinimiser("after removing vertex \(position)")
            }
            // A vertex in the affine hull of the others is still refused.
            let dependent = (0..<dimension).map { 0.5 * inside[3][$0] + 0.5 * inside[7][$0] }
            let dependentJoined = corral.append(dependent, indexA: 99, indexB: 0)
            #expect(!dependentJoined, "\(C.self)")
            expectMinimiser("after a refused vertex")
        }
        check(GramCorral.self)
        check(Corral.self)
    }

    /// (points per side, dimension, gap between the boxes; 0 touches).
    static let pairs: [(Int, Int, Float)] = [(40, 8, 0.5), (120, 24, 0.05), (200, 64, 0.01), (60, 16, 0), (300, 32, 1e-4)]

    @Test("solves on the fast corral give the QR corral's verdicts and distances", arguments: pairs)
    func fastCorralAgreesWithQR(count: Int, dimension: Int, gap: Float) {
        let (a, b) = boxesWithGap(gap, count: count, dimension: dimension, seed: UInt64(count))
        for rule in [StopRule.decision, .accuracy(1e-7)] {
            let fast = solveNearestPoints(a, b, rule: rule, corrals: .fastThenQR)
            let qr = solveNearestPoints(a, b, rule: rule, corrals: .qrOnly)
            #expect(fast.verdict == qr.verdict, "gap \(gap) \(rule)")
            #expect(fast.isConclusive(under: rule) == qr.isConclusive(under: rule), "gap \(gap) \(rule)")
            // Both bracket the distance; for a distance each bracket holds the other's.
            if case .accuracy = rule, fast.verdict == .separable {
                #expect(abs(fast.upperBound - qr.upperBound) <= 2e-7 * qr.upperBound, "gap \(gap)")
                #expect(abs(fast.upperBound - Double(gap)) <= 1e-5 * Double(gap) + 1e-6, "gap \(gap)")
            }
            #expect(checkCommonPoint(fast, a: a, b: b) <= fast.upperBound * (1 + 1e-9) + 1e-12)
            if fast.verdict == .separable {
                #expect(checkSeparatingHyperplane(fast, a: a, b: b) >= fast.lowerBound * (1 - 1e-12))
            }
        }
    }

    @Test("a result is conclusive when it proves overlap, or separation (within the accuracy asked)")
    func conclusiveness() {
        func result(upper: Double, lower: Double) -> HullSeparation {
            HullSeparation(upperBound: upper, lowerBound: lower, weightsA: [], weightsB: [], normal: [], offset: 0,
                           verdict: lower > 0 ? .separable : .overlapping, iterations: 1, fullPasses: 1, tolerance: 1e-6)
        }
        #expect(result(upper: 5e-7, lower: 0).isConclusive(under: .decision))
        #expect(result(upper: 1, lower: 0.5).isConclusive(under: .decision))
        #expect(!result(upper: 1, lower: 0.5).isConclusive(under: .accuracy(1e-3)))
        #expect(result(upper: 1, lower: 1 - 1e-4).isConclusive(under: .accuracy(1e-3)))
        // A margin at or below the tolerance proves nothing.
        #expect(!result(upper: 1, lower: 1e-6).isConclusive(under: .decision))
        #expect(!result(upper: 1, lower: 0).isConclusive(under: .accuracy(1e-3)))
    }
}
