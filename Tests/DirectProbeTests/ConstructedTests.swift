import Foundation
import ProbeStore
import ProbeGeometry
import Testing
@testable import DirectProbe

/// Random points in a box around `centre` with half-width `spread`, rounded to 6 decimals
/// (what the text round trip does anyway).
func blob(_ count: Int, centre: [Float], spread: Float, rng: inout SeededGenerator) -> [[Float]] {
    (0..<count).map { _ in
        centre.map { c in
            let value = Double(c) + Double.random(in: -Double(spread)...Double(spread), using: &rng)
            return Float((value * 1e6).rounded() / 1e6)
        }
    }
}

@Suite("Probing sets whose answer is known by construction")
struct ConstructedTests {
    @Test("two blobs with a known gap: linear, one cluster per label, distance = the gap")
    func knownGap() throws {
        var rng = SeededGenerator(seed: 1)
        let gap: Float = 0.25
        // A in the slab x0 ∈ [0, 1), B in (1 + gap, 2 + gap]; the two extreme points face each other.
        var a = blob(20, centre: [0.5, 0.5, 0.5, 0.5], spread: 0.49, rng: &rng)
        var b = blob(20, centre: [1.5 + gap, 0.5, 0.5, 0.5], spread: 0.49, rng: &rng)
        a.append([1, 0.5, 0.5, 0.5])
        b.append([1 + gap, 0.5, 0.5, 0.5])
        let folder = TemporaryFolder()
        let outcome = try runQuietly(writeTask(in: folder, points: a + b, labels: Array(repeating: "A", count: 21) + Array(repeating: "B", count: 21)))
        #expect(outcome.probing?.isLinear == true)
        #expect(outcome.probing?.clusters.count == 2)
        #expect(abs((outcome.analysis.labelPairDistances.first ?? 0) - Double(gap)) < 1e-5)
        #expect(try readValues(folder.file("results/vec.txt")) == ["A---B": 0.25])
        #expect(try readValues(folder.file("results/outside_min.txt")) == ["A": 0.25, "B": 0.25])
    }

    @Test("XOR blobs: the labels' hulls intersect, so the space needs more clusters than labels")
    func xor() throws {
        var rng = SeededGenerator(seed: 2)
        let corners: [([Float], String)] = [([0, 0, 0], "A"), ([10, 10, 0], "A"), ([0, 10, 0], "B"), ([10, 0, 0], "B")]
        var points: [[Float]] = [], labels: [String] = []
        for (centre, label) in corners {
            points += blob(12, centre: centre, spread: 1, rng: &rng)
            labels += Array(repeating: label, count: 12)
        }
        let folder = TemporaryFolder()
        let outcome = try runQuietly(writeTask(in: folder, points: points, labels: labels))
        #expect(outcome.probing?.isLinear == false)
        // One label's two blobs must split; once they do, the other label's blobs (a
        // diagonal band) are separable from each of them, so three clusters suffice.
        let partition = try readPartition(folder.file("results/clusters.txt"))
        let blobs = (0..<4).map { Array(($0 * 12)..<($0 * 12 + 12)) }
        #expect(partition.count == 3)
        #expect(partition.filter { blobs.contains($0) }.count == 2)
        #expect(partition.contains(blobs[0] + blobs[1]) || partition.contains(blobs[2] + blobs[3]))
        // Every pair of final clusters of different labels is certified separable.
        for pair in outcome.analysis.clusterPairs {
            #expect(pair.lowerBound > 0)
            #expect(pair.distance >= pair.lowerBound * (1 - 1e-12))
        }
        #expect(outcome.analysis.clusterPairs.count == 2)
    }

    @Test("identical points with different labels are set aside as singletons; the rest is probed")
    func identicalPoints() throws {
        var rng = SeededGenerator(seed: 3)
        var a = blob(10, centre: [0, 0], spread: 1, rng: &rng)
        let b = blob(10, centre: [5, 5], spread: 1, rng: &rng)
        a.append([5, 5])     // a point of A ...
        let twin: [Float] = [5, 5]
        let folder = TemporaryFolder()
        let points = a + b + [twin]  // ... and the same point in B
        let labels = Array(repeating: "A", count: 11) + Array(repeating: "B", count: 11)
        let outcome = try runQuietly(writeTask(in: folder, points: points, labels: labels))
        // Without the two copies the blobs are linearly separable: state 0 no longer overlaps.
        #expect(outcome.probing?.isLinear == true)
        #expect(outcome.probing?.clusters.count == 4)
        let partition = try readPartition(folder.file("results/clusters.txt"))
        #expect(partition.contains([10]))  // A's copy of the point
        #expect(partition.contains([21]))  // B's copy
        #expect(partition.contains(Array(0..<10)) && partition.contains(Array(11..<21)))
        let log = try String(contentsOfFile: folder.file("results/log.txt"), encoding: .utf8)
        #expect(log.contains("Set aside 2 coincident points of different labels in 1 groups"))
    }

    @Test("a label with one point and a label with five points are dropped from the analysis")
    func smallClusters() throws {
        var rng = SeededGenerator(seed: 4)
        let points = blob(8, centre: [0, 0, 0], spread: 1, rng: &rng) + blob(8, centre: [10, 0, 0], spread: 1, rng: &rng)
            + [[0, 20, 0]] + blob(5, centre: [0, 0, 30], spread: 1, rng: &rng) + blob(6, centre: [30, 30, 30], spread: 1, rng: &rng)
        let labels = Array(repeating: "a", count: 8) + Array(repeating: "b", count: 8) + ["c"]
            + Array(repeating: "d", count: 5) + Array(repeating: "e", count: 6)
        let folder = TemporaryFolder()
        let outcome = try runQuietly(writeTask(in: folder, points: points, labels: labels))
        #expect(outcome.probing?.isLinear == true)
        #expect(outcome.probing?.clusters.count == 5)
        #expect(outcome.analysis.clusters.map(\.label) == [0, 1, 4])  // c (1 point) and d (5 points) dropped
        let outside = try readValues(folder.file("results/outside_min.txt"))
        #expect(outside["c"] == 0 && outside["d"] == 0)
        #expect(try readValues(folder.file("results/inside_max.txt"))["d"] == 0)
        #expect(try readValues(folder.file("results/vec.txt"))["a---c"] == 0)
        #expect(try readValues(folder.file("results/vec.txt"))["a---b"] ?? 0 > 5)
    }

    @Test("one label only: linear, one cluster, no label pairs")
    func oneLabel() throws {
        var rng = SeededGenerator(seed: 5)
        let folder = TemporaryFolder()
        let outcome = try runQuietly(writeTask(in: folder, points: blob(9, centre: [1, 2], spread: 1, rng: &rng), labels: Array(repeating: "only", count: 9)))
        #expect(outcome.probing?.isLinear == true)
        #expect(outcome.probing?.clusters.count == 1)
        #expect(try String(contentsOfFile: folder.file("results/vec.txt"), encoding: .utf8).isEmpty)
        #expect(try readValues(folder.file("results/outside_min.txt")) == ["only": 0])
        #expect(try readValues(folder.file("results/inside_max.txt"))["only"] ?? 0 > 0)
    }

    @Test("a non-empty output folder is refused unless forced")
    func outputFolder() throws {
        var rng = SeededGenerator(seed: 6)
        let folder = TemporaryFolder()
        let configuration = try writeTask(in: folder, points: blob(6, centre: [0], spread: 1, rng: &rng) + blob(6, centre: [5], spread: 1, rng: &rng),
                                          labels: Array(repeating: "x", count: 6) + Array(repeating: "y", count: 6))
        _ = try runQuietly(configuration)
        #expect(throws: (any Error).self) { try runQuietly(configuration) }
        _ = try runQuietly(configuration, force: true)
        let entries = try FileManager.default.contentsOfDirectory(atPath: folder.file("results")).sorted()
        #expect(entries == ["clusters.txt", "inside_max.txt", "inside_mean.txt", "log.txt", "outside_min.txt", "summary.json", "vec.txt"])
    }
}

@Suite("Merge history")
struct MergeHistoryTests {
    /// Naive centroid linkage: O(n³), closest pair each step, ties by lowest (i, j).
    private func naiveDistances(_ points: [[Double]]) -> [Double] {
        var clusters = points.map { ($0, 1.0) }
        var alive = Array(repeating: true, count: points.count)
        var distances: [Double] = []
        for _ in 1..<points.count {
            var best = (Double.infinity, 0, 0)
            for i in clusters.indices where alive[i] {
                for j in (i + 1)..<clusters.count where alive[j] {
                    let d = zip(clusters[i].0, clusters[j].0).map { ($0 - $1) * ($0 - $1) }.reduce(0, +).squareRoot()
                    if d < best.0 { best = (d, i, j) }
                }
            }
            let (d, i, j) = best
            distances.append(d)
            let (ci, wi) = clusters[i], (cj, wj) = clusters[j]
            clusters[j] = (zip(ci, cj).map { ($0 * wi + $1 * wj) / (wi + wj) }, wi + wj)
            alive[i] = false
        }
        return distances
    }

    @Test("per-label centroid linkage equals the naive algorithm, and labels interleave by distance")
    func matchesNaive() throws {
        var rng = SeededGenerator(seed: 9)
        var points: [[Float]] = [], labels: [String] = []
        for _ in 0..<60 {
            points.append((0..<5).map { _ in Float((rng.gaussian() * 1e4).rounded() / 1e4) })
            labels.append(Bool.random(using: &rng) ? "p" : "q")
        }
        let folder = TemporaryFolder()
        let configuration = try writeTask(in: folder, points: points, labels: labels)
        let matrix = try EmbeddingInput.open(configuration.embeddingsPath ?? "", entityCount: points.count,
                                             entitiesPath: configuration.entitiesPath, scratchFolder: folder.file("scratch"),
                                             name: "train", showProgress: false)
        let labelIndex = labels.map { Int32($0 == "p" ? 0 : 1) }
        let data = try LabeledPoints(matrix: matrix, labels: labelIndex, labelSet: .init(["p", "q"]), source: "test")
        let history = try MergeHistory.mergeToEnd(data, kernel: .init(threadCount: 1), threads: 2, progress: nil)
        #expect(history.merges.count == 58)
        for label in 0..<2 {
            let ours = history.merges.filter { $0.label == label }.map(\.distance)
            let naive = naiveDistances(points.indices.filter { labelIndex[$0] == label }.map { points[$0].map(Double.init) })
            #expect(ours.count == naive.count)
            for (x, y) in zip(ours, naive) { #expect(abs(x - y) <= 1e-5 * max(1, y)) }
        }
        // Interleaving: whenever one label's next merge is closer than the other's, it comes first.
        var next = [0, 0]
        let perLabel = (0..<2).map { label in history.merges.filter { $0.label == label }.map(\.distance) }
        for merge in history.merges {
            let label = Int(merge.label), other = 1 - label
            if next[other] < perLabel[other].count { #expect(perLabel[label][next[label]] <= perLabel[other][next[other]]) }
            next[label] += 1
        }
        // Replaying the last state gives one cluster per label.
        #expect(Set(history.assignment(afterMerges: 58)).count == 2)
        #expect(Set(history.assignment(afterMerges: 0)).count == 60)
    }
}
