import Foundation
import ProbeGeometry
import Testing

/// A warm start changes the solver's path, never its verdict or the validity of its
/// certificates: each case compares a warm-started solve with a cold one on the same sets
/// and re-checks the certificates independently.
@Suite("Solver warm starts from a subset's corral")
struct WarmStartTests {
    /// Two overlapping clouds minus the points of A nearest B's centroid, so that A's hull
    /// misses B's; the full A overlaps B.
    private func nearlyTouching(dimension: Int, seed: UInt64) -> (full: [[Float]], trimmed: [[Float]], b: [[Float]]) {
        var g = SeededGenerator(seed: seed)
        let full = boxRows(300, dimension: dimension, &g)
        var b = boxRows(300, dimension: dimension, low: 0.97, &g)
        // B's first coordinate pushed out so that only a few points of A reach past it.
        b = b.map { row in var row = row; row[0] += 0.02; return row }
        let trimmed = full.filter { $0[0] < 0.97 }
        return (full, trimmed, b)
    }

    @Test("a grown set resumes from the subset's corral: same verdicts, valid certificates", arguments: [3, 20, 64])
    func grownSetSameVerdict(dimension: Int) {
        let (full, trimmed, bRows) = nearlyTouching(dimension: dimension, seed: 40 + UInt64(dimension))
        let b = PointMatrix(rows: bRows)
        let small = PointMatrix(rows: trimmed)
        let first = separability(small, b)
        #expect(first.verdict == .separable)
        #expect(!first.corral.isEmpty)
        #expect(checkSeparatingHyperplane(first, a: small, b: b) > first.tolerance)
        // Re-index the corral into the full set (trimmed rows are a subsequence of full).
        var positionInFull: [Int] = []
        var next = 0
        for row in trimmed {
            while full[next] != row { next += 1 }
            positionInFull.append(next)
            next += 1
        }
        let warm = first.corral.map { CorralVertex(indexA: positionInFull[$0.indexA], indexB: $0.indexB, weight: $0.weight) }
        let grown = PointMatrix(rows: full)
        let cold = separability(grown, b)
        // Resumed on the fast corral first, and on the QR corral at once.
        for onQR in [false, true] {
            let resumed = separability(grown, b, warmStart: warm, onQRCorral: onQR)
            #expect(resumed.verdict == cold.verdict, "on the QR corral first: \(onQR)")
            switch resumed.verdict {
            case .overlapping:
                #expect(checkCommonPoint(resumed, a: grown, b: b) <= resumed.tolerance * (1 + 1e-9))
            case .separable:
                #expect(checkSeparatingHyperplane(resumed, a: grown, b: b) > resumed.tolerance)
            }
            if onQR { #expect(resumed.corralIsQR, "a warm solve on the QR corral hands back its corral as the QR corral's") }
        }
        // The same sets as the corral came from: it starts at the nearest point already.
        let again = separability(small, b, warmStart: first.corral)
        #expect(again.verdict == .separable)
        #expect(again.iterations <= first.iterations)
        #expect(checkSeparatingHyperplane(again, a: small, b: b) > again.tolerance)
    }

    @Test("a warm start from a nearly degenerate corral ends certified, with the cold start's verdict (real points)")
    func degenerateWarmStartIsCertified() throws {
        // Nine points of each of two clusters of layer 0 of the full supersense task (all-MiniLM-L6-v2,
        // 384 dimensions) and ten vertices of the corral kept for a near-touching pair of their
        // clusters, cut down from 1 798 + 478 points and 246 vertices while the failure stayed:
        // the fast corral dropped some vertices as dependent and the start moved far away, and
        // the solve ended after two iterations with neither certificate, read as an overlap.
        // The sets are separable with a margin of ~0.03.
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/degenerate-warm-start.f32")
        let data = try #require(FileManager.default.contents(atPath: url.path), "fixture \(url.path) missing")
        let dimension = 384
        let values = data.withUnsafeBytes { raw in (0..<raw.count / 4).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self))) } }
        try #require(values.count == 18 * dimension)
        let rows = stride(from: 0, to: values.count, by: dimension).map { Array(values[$0..<$0 + dimension]) }
        let a = PointMatrix(rows: Array(rows[..<9])), b = PointMatrix(rows: Array(rows[9...]))
        let warm = [
            CorralVertex(indexA: 0, indexB: 4, weight: 0.0474575480790674),
            CorralVertex(indexA: 6, indexB: 6, weight: 0.09465739378912058),
            CorralVertex(indexA: 2, indexB: 3, weight: 0.06517402869599828),
            CorralVertex(indexA: 4, indexB: 0, weight: 0.028065319166921638),
            CorralVertex(indexA: 1, indexB: 8, weight: 0.041086600747419544),
            CorralVertex(indexA: 7, indexB: 5, weight: 0.026624860483770062),
            CorralVertex(indexA: 3, indexB: 1, weight: 0.01423569454752596),
            CorralVertex(indexA: 3, indexB: 4, weight: 0.041959342368146565),
            CorralVertex(indexA: 5, indexB: 7, weight: 0.03472350068658792),
            CorralVertex(indexA: 8, indexB: 2, weight: 0.019436040348128045),
        ]
        let cold = separability(a, b)
        #expect(cold.verdict == .separable)
        #expect(checkSeparatingHyperplane(cold, a: a, b: b) > 0.01)
        // Resumed on the fast corral first (which leaves vertices out here and hands over to
        // the QR corral), and on the QR corral at once, as a corral the QR corral found is.
        for onQR in [false, true] {
            let resumed = separability(a, b, warmStart: warm, onQRCorral: onQR)
            #expect(resumed.verdict == .separable, "on the QR corral first: \(onQR)")
            #expect(checkSeparatingHyperplane(resumed, a: a, b: b) > 0.01, "on the QR corral first: \(onQR)")
        }
    }

    @Test("unusable warm-start vertices are skipped, not trusted")
    func unusableVerticesSkipped() {
        let (a, b) = boxesWithGap(0.25, count: 40, dimension: 5, seed: 3)
        let junk = [
            CorralVertex(indexA: -1, indexB: 0, weight: 0.5),
            CorralVertex(indexA: 0, indexB: 999, weight: 0.5),
            CorralVertex(indexA: 1, indexB: 1, weight: -2),
            CorralVertex(indexA: 2, indexB: 2, weight: .nan),
            CorralVertex(indexA: 3, indexB: 3, weight: 1),
            CorralVertex(indexA: 3, indexB: 3, weight: 1),
        ]
        let cold = hullDistance(a, b)
        let s = separability(a, b, warmStart: junk)
        #expect(s.verdict == .separable)
        #expect(checkSeparatingHyperplane(s, a: a, b: b) > s.tolerance)
        #expect(s.upperBound >= cold.upperBound * (1 - 1e-6))
    }
}
