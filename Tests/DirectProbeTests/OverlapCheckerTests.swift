import Foundation
import ProbeGeometry
import ProbeStore
import Testing
import TestSupport
@testable import DirectProbe

/// The overlap checker's caches and its parallel search for the first overlapping pair.
@Suite("Overlap checker")
struct OverlapCheckerTests {
    @Test("a solver's hyperplane with its corral outlives thousands of cheap hyperplanes")
    func solvedHyperplanesOutliveCheapOnes() {
        let cache = HyperplaneCache(capacityBytes: 64 << 10)
        let corral = StoredCorral([.init(indexA: 0, indexB: 0, weight: 1)], isQR: false, aIsLow: true, membersA: [3], membersB: [7])
        cache.store(1, 2, SeparatingHyperplane(normal: .stored([1, 0]), lowNode: 1, lowMax: 0, highMin: 1, corral: corral))
        // Far more cheap hyperplanes than the budget holds: the cheap generations turn over many times.
        for node in 10..<5_000 {
            cache.store(node, node + 1, SeparatingHyperplane(normal: .centroidDifference(from: node, to: node + 1), lowNode: node, lowMax: 0, highMin: 1))
        }
        #expect(!cache.contains(10, 11))
        let kept = cache.hyperplane(2, 1)
        #expect(kept?.corral?.rowsA == [3])
        #expect(kept?.corral?.rowsB == [7])
        // Released from the current generation, where it was stored.
        cache.release(1, [2])
        #expect(!cache.contains(1, 2))
    }

    @Test("the first overlapping pair, the verdicts kept and the solver calls do not depend on the thread count")
    func firstOverlapIsThreadIndependent() throws {
        // Four labels drawn from shared blobs in 6 dimensions: clusters of a label overlap those
        // of others here and there, and many pairs need the solver.
        var rng = SeededGenerator(seed: 77)
        var points: [[Float]] = [], labels: [String] = []
        for index in 0..<400 {
            let blob = index % 8
            points.append((0..<6).map { axis in Float(Double((blob >> (axis % 3)) & 1) * 1.5 + rng.gaussian() * 0.6) })
            labels.append(["a", "b", "c", "d"][Int.random(in: 0..<4, using: &rng)])
        }
        let folder = TemporaryFolder()
        let labelSet = ["a", "b", "c", "d"]
        let geometry = try clusterGeometry(points: points, labels: labels, labelSet: labelSet, in: folder)
        // Clusters: each label's points in the same blob, so clusters of a label are compact and
        // those of different labels in one blob overlap.
        var groups: [String: [Int32]] = [:]
        for index in points.indices { groups["\(labels[index]) \(index % 8)", default: []].append(Int32(index)) }
        let clusters = try groups.keys.sorted().enumerated().map { node, key in
            try geometry.summary(node: node, label: labelSet.firstIndex(of: String(key.prefix(1))) ?? 0, members: groups[key] ?? [])
        }
        // A second state on the same checker: one cluster per label, from one blob each.
        let fewer = try (0..<4).map { label in
            try geometry.summary(node: 100 + label, label: label,
                                 members: points.indices.filter { labels[$0] == labelSet[label] && $0 % 8 == label * 2 }.map(Int32.init))
        }
        var answers: [[Int]] = []
        for threads in [1, 2, 4] {
            let checker = OverlapChecker(geometry: geometry, threads: threads)
            let witness = try checker.firstOverlap(in: clusters)
            let second = try checker.firstOverlap(in: fewer)
            answers.append([witness?.0.node ?? -1, witness?.1.node ?? -1, second?.0.node ?? -1, checker.solverCalls,
                            checker.reusedHyperplanes, checker.centroidCertificates])
        }
        #expect(answers[0][0] >= 0)
        #expect(answers[1] == answers[0])
        #expect(answers[2] == answers[0])
    }

    @Test("a hyperplane reused by a merged cluster is reused again after its part retired, from the part's kept centroid")
    func reusedHyperplanesOutliveTheirPart() throws {
        // A (label a) along the x axis near the origin; X (label b) a long segment at y = 4,
        // whose sphere contains A's: the centroid difference separates them. B1 and B2
        // (label a) join A one after the other.
        let points: [[Float]] = [[0, 0], [1, 0], [0.5, 0.2], [0.7, -0.1], [-6, 4], [7, 4]]
        let labels = ["a", "a", "a", "a", "b", "b"]
        let folder = TemporaryFolder()
        let geometry = try clusterGeometry(points: points, labels: labels, labelSet: ["a", "b"], in: folder)
        let a = try geometry.summary(node: 0, label: 0, members: [0, 1])
        let b1 = try geometry.summary(node: 1, label: 0, members: [2])
        let b2 = try geometry.summary(node: 2, label: 0, members: [3])
        let x = try geometry.summary(node: 3, label: 1, members: [4, 5])
        let first = try geometry.summary(node: 10, label: 0, members: [0, 1, 2])
        let second = try geometry.summary(node: 11, label: 0, members: [0, 1, 2, 3])

        for retires in [true, false] {
            let checker = OverlapChecker(geometry: geometry, threads: 2)
            #expect(try checker.firstOverlap(in: [a, x]) == nil)
            #expect(checker.centroidCertificates == 1)
            // A ∪ B1: A's hyperplane with X, re-checked on B1's point.
            #expect(try !checker.overlapsAny(first, parts: [a, b1], candidates: [x], records: false))
            #expect(checker.reusedHyperplanes == 1)
            checker.forgetHyperplanes(of: [a.node, b1.node], with: [x])
            if retires { checker.retire([a, b1]) }
            // (A ∪ B1) ∪ B2: the hyperplane kept for A ∪ B1 is A's centroid difference with X;
            // with A's centroid kept it is reused again, else the centroid certificate decides.
            #expect(try !checker.overlapsAny(second, parts: [first, b2], candidates: [x], records: false))
            #expect(checker.reusedHyperplanes == (retires ? 2 : 1))
            #expect(checker.centroidCertificates == (retires ? 1 : 2))
            #expect(checker.solverCalls == 0)
        }
    }

    @Test("a pair separated by less than float32 rounding of its normal keeps the solver's float64 normal, and a merge reuses it")
    func exactNormalsAreKeptAndReused() throws {
        // A and B 1.3e-4 apart; the overlap tolerance is 1e-7 of the largest norm, ~1e-4.
        // Rounding the solver's unit normal to float32 turns it by ~3e-8, which moves the
        // segments' ends by ~3e-5 along it: more than the margin has above the tolerance, for
        // most angles. The first angle where the solver separates the pair and its rounded
        // normal does not is used.
        let pair = try #require(NearTolerancePair.first(angles: 200, gap: { _ in 1.3e-4 }) { a, b, verdict in
            guard verdict.verdict == .separable else { return false }
            let rounded = verdict.normal.map { Double(Float($0)) }
            let norm = rounded.reduce(0) { $0 + $1 * $1 }.squareRoot()
            let margin = (projectionRange(a, along: rounded).min - projectionRange(b, along: rounded).max) / norm
            return margin <= overlapTolerance(for: a, b)
        }, "no angle where float32 rounding of the normal costs the margin")
        let folder = TemporaryFolder()
        let (geometry, a, b, far, merged) = try pair.clusters(in: folder)
        let checker = OverlapChecker(geometry: geometry, threads: 2)
        #expect(try checker.firstOverlap(in: [a, b]) == nil)
        #expect(checker.solverCalls == 1)
        // A ∪ {a point on A's far side}: the stored float64 hyperplane still separates.
        #expect(try !checker.overlapsAny(merged, parts: [a, far], candidates: [b], records: false))
        #expect(checker.solverCalls == 1)
        #expect(checker.reusedHyperplanes == 1)
    }

    @Test("a pair the solver separates with a margin below the tolerance keeps its corral, and no certificate")
    func belowToleranceMarginsKeepOnlyTheCorral() throws {
        // A and B about one overlap tolerance apart: where the solver ends with no two points
        // within the tolerance and a hyperplane whose margin is positive but not above it, the
        // pair is separable, its hyperplane proves nothing, and only its corral is worth keeping.
        let pair = try #require(NearTolerancePair.first(angles: 400, gap: { 1.0e-4 * (1 + 0.002 * Double($0 % 20)) }) { _, _, verdict in
            verdict.verdict == .separable && verdict.lowerBound <= verdict.tolerance
        }, "no pair separable with a margin below the tolerance")
        let folder = TemporaryFolder()
        let (geometry, a, b, far, merged) = try pair.clusters(in: folder)
        let checker = OverlapChecker(geometry: geometry, threads: 2, corralIterations: 0)
        #expect(try checker.firstOverlap(in: [a, b]) == nil)
        #expect(checker.solverCalls == 1)
        #expect(checker.wasNearTouching(a, b))
        // A merge solves again (from the corral): the kept hyperplane is no certificate.
        #expect(try !checker.overlapsAny(merged, parts: [a, far], candidates: [b], records: false))
        #expect(checker.solverCalls == 2)
        #expect(checker.reusedHyperplanes == 0)
    }

    @Test("a merge that overlaps a cluster separated on the QR corral is rejected by that suspect, before any other candidate is certified")
    func qrSuspectsEndARejectedMerge() throws {
        // A and B: long parallel segments ~1.3e-4 apart at norms ~1000 (the overlap tolerance is
        // ~1e-4), at the first angle whose solve ends on the QR corral (the nearest points very
        // close): B is then a suspect that likely rejects. P (label a) lies beyond B, so A ∪ P
        // overlaps B. Ten points of label b left of A are other candidates, all separable.
        let pair = try #require(NearTolerancePair.first(angles: 400, gap: { 1.0e-4 * (1 + 0.002 * Double($0 % 20)) }) { _, _, verdict in
            verdict.verdict == .separable && verdict.corralIsQR
        }, "no angle where the solve ends on the QR corral")
        let turn = atan2(Double(pair.points[1][1]), Double(pair.points[1][0])) - Double.pi / 2
        func turned(_ x: Double, _ y: Double) -> [Float] {
            [Float(x * cos(turn) - y * sin(turn)), Float(x * sin(turn) + y * cos(turn))]
        }
        let points = Array(pair.points[0..<4]) + [turned(5, 0)] + (0..<10).map { turned(-100 - 10 * Double($0), 40 * Double($0)) }
        let folder = TemporaryFolder()
        let geometry = try clusterGeometry(points: points, labels: ["a", "a", "b", "b", "a"] + Array(repeating: "b", count: 10),
                                           labelSet: ["a", "b"], in: folder)
        let a = try geometry.summary(node: 0, label: 0, members: [0, 1]), b = try geometry.summary(node: 1, label: 1, members: [2, 3])
        let p = try geometry.summary(node: 2, label: 0, members: [4])
        let far = try (0..<10).map { try geometry.summary(node: 10 + $0, label: 1, members: [Int32(5 + $0)]) }
        let merged = try geometry.summary(node: 50, label: 0, members: [0, 1, 4])
        let checker = OverlapChecker(geometry: geometry, threads: 2, corralIterations: 0)
        #expect(try checker.firstOverlap(in: [a, b]) == nil)
        #expect(checker.solverCalls == 1)
        #expect(checker.wasNearTouching(a, b))
        let certificatesBefore = checker.reusedHyperplanes + checker.centroidCertificates
        #expect(try checker.overlapsAny(merged, parts: [a, p], candidates: far + [b], records: false))
        #expect(checker.solverCalls == 2)
        #expect(checker.unprovenOverlaps == 0)
        #expect(checker.reusedHyperplanes + checker.centroidCertificates == certificatesBefore)
        for other in far { #expect(!checker.hasHyperplane(merged, other)) }
    }

    @Test("a merge that overlaps a near-touching cluster is rejected, its suspect solved with the others' leftovers")
    func suspectsEndARejectedMerge() throws {
        // A (label a) is the segment (0,0)–(10,0); C (label b) the segment (−5,1)–(20,−0.5),
        // above A over A's whole span: separable, but not along the centroid difference, so
        // the solver separates them (a near-touching pair). B (label a) is the point (5,1),
        // above C at x = 5: A ∪ B overlaps C. Twenty far clusters of label b are candidates too.
        let folder = TemporaryFolder()
        let (geometry, a, b, c, far, merged) = try SuspectScene.clusters(pointB: [5, 1], farHeight: { _ in 100 }, in: folder)

        // With the solver's hyperplane of A and C stored (a corral kept after any solve), C is
        // a suspect of A ∪ B. Separated on the fast corral, it is solved in one batch with the
        // candidates the others' certificates leave (none here: all twenty are certified), and
        // the merge is rejected.
        let checker = OverlapChecker(geometry: geometry, threads: 2, corralIterations: 0)
        #expect(try checker.firstOverlap(in: [a, c]) == nil)
        #expect(checker.solverCalls == 1)
        #expect(checker.wasNearTouching(a, c))
        let certificatesBefore = checker.reusedHyperplanes + checker.centroidCertificates
        #expect(try checker.overlapsAny(merged, parts: [a, b], candidates: far + [c], records: false))
        #expect(checker.reusedHyperplanes + checker.centroidCertificates == certificatesBefore + far.count)
        // The overlap was proven (two points within the tolerance), not assumed.
        #expect(checker.solverCalls == 2)
        #expect(checker.unprovenOverlaps == 0)

        // Without it (a fresh checker), the same verdict, after certificates for the far clusters.
        let fresh = OverlapChecker(geometry: geometry, threads: 2)
        #expect(try fresh.overlapsAny(merged, parts: [a, b], candidates: far + [c], records: false))
        #expect(fresh.centroidCertificates >= far.count)
    }

    @Test("an accepted merge with suspects and other candidates gets the same verdicts and records on one thread or two")
    func suspectsBesideTheOthersCertificates() throws {
        // The clusters of the test above, with B the point (5, −1), below A: A ∪ B stays
        // separable from C (a suspect, solved again) and from the far clusters (certified),
        // with the same solves, certificates and hyperplanes kept whatever the thread count.
        let folder = TemporaryFolder()
        let (geometry, a, b, c, far, merged) = try SuspectScene.clusters(pointB: [5, -1], farHeight: { 100 + Float($0 % 3) }, in: folder)
        var records: [[Int]] = []
        for threads in [1, 2] {
            let checker = OverlapChecker(geometry: geometry, threads: threads, corralIterations: 0)
            #expect(try checker.firstOverlap(in: [a, c] + far) == nil)
            #expect(checker.wasNearTouching(a, c))
            #expect(try !checker.overlapsAny(merged, parts: [a, b], candidates: far + [c], records: false))
            records.append([checker.solverCalls, checker.reusedHyperplanes, checker.centroidCertificates, checker.unprovenOverlaps])
            // Every candidate's hyperplane with the merged cluster was kept (a later merge reuses it).
            for other in far + [c] { #expect(checker.hasHyperplane(merged, other)) }
        }
        #expect(records[0] == records[1])
        #expect(records[0][3] == 0)
    }

    @Test("projections split over threads, by directions and by points, give the exact extremes of one product",
          arguments: [(700, 96, 40), (5_000, 64, 7), (300, 48, 300)])
    func projectionsSplitOverThreadsAreExact(count: Int, dimension: Int, directions: Int) throws {
        var g = SeededGenerator(seed: UInt64(count + directions))
        let points = PointMatrix(rows: (0..<count).map { _ in (0..<dimension).map { _ in g.unit() * 4 - 2 } })
        let normals = (0..<(directions * dimension)).map { _ in g.unit() - 0.5 }
        let whole = projectionRanges(points, along: normals)
        let folder = TemporaryFolder()
        let geometry = try clusterGeometry(points: [[0, 0], [1, 1]], labels: ["a", "b"], labelSet: ["a", "b"], in: folder)
        for threads in [1, 2, 3] {
            let split = try OverlapChecker(geometry: geometry, threads: threads).projectionRanges(points, along: normals)
            #expect(split.count == directions)
            #expect(split.map(\.min) == whole.map(\.min))
            #expect(split.map(\.max) == whole.map(\.max))
        }
    }

    @Test("hyperplanes forgotten in the background are gone for every later question, and only theirs")
    func forgottenHyperplanesAreGoneForTheNextCheck() throws {
        let folder = TemporaryFolder()
        let (geometry, a, b, c, far, merged) = try SuspectScene.clusters(pointB: [5, -1], farHeight: { 100 + Float($0 % 3) }, in: folder)
        let checker = OverlapChecker(geometry: geometry, threads: 2)
        #expect(try checker.firstOverlap(in: [a, c] + far) == nil)
        #expect(try !checker.overlapsAny(merged, parts: [a, b], candidates: far + [c], records: false))
        // As after an accepted merge: the parts' hyperplanes go, the merged cluster's stay.
        checker.forgetHyperplanes(of: [a.node, b.node], with: far + [c])
        for other in far + [c] {
            #expect(!checker.hasHyperplane(a, other))
            #expect(checker.hasHyperplane(merged, other))
        }
        // As after a rejection, followed at once by a check that reads the cache.
        checker.forgetHyperplanes(of: [merged.node], with: far)
        #expect(!checker.wasNearTouching(merged, far[0]))
        for other in far { #expect(!checker.hasHyperplane(merged, other)) }
        #expect(checker.hasHyperplane(merged, c))
    }
}

/// The cluster geometry of `points` labelled `labels` (each one of `labelSet`), read from a
/// task written into `folder`.
func clusterGeometry(points: [[Float]], labels: [String], labelSet: [String], in folder: TemporaryFolder) throws -> ClusterGeometry {
    let configuration = try writeTask(in: folder, points: points, labels: labels)
    let matrix = try EmbeddingInput.open(configuration.embeddingsPath ?? "", entityCount: points.count,
                                         entitiesPath: configuration.entitiesPath, scratchFolder: folder.file("scratch"),
                                         name: "train", showProgress: false)
    let data = try LabeledPoints(matrix: matrix, labels: labels.map { Int32(labelSet.firstIndex(of: $0) ?? 0) },
                                 labelSet: .init(labelSet), source: "test")
    return ClusterGeometry(points: data)
}

/// The clusters of the suspect tests: A (label a) the segment (0,0)–(10,0), B (label a) the
/// point `pointB`, C (label b) the segment (−5,1)–(20,−0.5), twenty far points of label b at
/// x = 100, 110, … and heights `farHeight(k)`, and A ∪ B (node 50).
private enum SuspectScene {
    static func clusters(pointB: [Float], farHeight: (Int) -> Float, in folder: TemporaryFolder) throws
        -> (geometry: ClusterGeometry, a: Cluster, b: Cluster, c: Cluster, far: [Cluster], merged: Cluster) {
        var points: [[Float]] = [[0, 0], [10, 0], pointB, [-5, 1], [20, -0.5]]
        for k in 0..<20 { points.append([100 + Float(10 * k), farHeight(k)]) }
        let labels = ["a", "a", "a", "b", "b"] + Array(repeating: "b", count: 20)
        let geometry = try clusterGeometry(points: points, labels: labels, labelSet: ["a", "b"], in: folder)
        return (geometry,
                try geometry.summary(node: 0, label: 0, members: [0, 1]),
                try geometry.summary(node: 1, label: 0, members: [2]),
                try geometry.summary(node: 2, label: 1, members: [3, 4]),
                try (0..<20).map { try geometry.summary(node: 10 + $0, label: 1, members: [Int32(5 + $0)]) },
                try geometry.summary(node: 50, label: 0, members: [0, 1, 2]))
    }
}

/// Two long parallel segments (length 2000, norms ~1000: an overlap tolerance of ~1e-4) a
/// small gap apart, turned by an angle, and a point on the far side of the first: A is rows
/// 0–1 (label a), B rows 2–3 (label b), the point row 4 (label a).
private struct NearTolerancePair {
    let points: [[Float]]

    /// The first of `angles` angles (0.0137 rad apart; `gap(step)` apart) whose pair A, B meets
    /// `accepts` with the solver's verdict on it.
    static func first(angles: Int, gap: (Int) -> Double,
                      accepts: (PointMatrix, PointMatrix, HullSeparation) -> Bool) -> NearTolerancePair? {
        func turned(_ x: Double, _ y: Double, by angle: Double) -> [Float] {
            [Float(x * cos(angle) - y * sin(angle)), Float(x * sin(angle) + y * cos(angle))]
        }
        for step in 1...angles {
            let angle = 0.0137 * Double(step), width = gap(step)
            let points = [turned(0, -1000, by: angle), turned(0, 1000, by: angle), turned(width, -1000, by: angle),
                          turned(width, 1000, by: angle), turned(-5, 0, by: angle)]
            let a = PointMatrix(rows: [points[0], points[1]]), b = PointMatrix(rows: [points[2], points[3]])
            if accepts(a, b, separability(a, b)) { return NearTolerancePair(points: points) }
        }
        return nil
    }

    /// The points' geometry, the clusters A and B, the far point, and A with the far point.
    func clusters(in folder: TemporaryFolder) throws -> (geometry: ClusterGeometry, a: Cluster, b: Cluster, far: Cluster, merged: Cluster) {
        let geometry = try clusterGeometry(points: points, labels: ["a", "a", "b", "b", "a"], labelSet: ["a", "b"], in: folder)
        return (geometry, try geometry.summary(node: 0, label: 0, members: [0, 1]),
                try geometry.summary(node: 1, label: 1, members: [2, 3]),
                try geometry.summary(node: 2, label: 0, members: [4]),
                try geometry.summary(node: 3, label: 0, members: [0, 1, 4]))
    }
}
