import Foundation
import ProbeKernels
import Testing
import TestSupport
@testable import DirectProbe

/// The sphere index of forward merging against a plain float64 test of every pair.
@Suite("Sphere index")
struct SphereIndexTests {
    @Test("the clusters found are exactly those of another label whose closed sphere meets the query's")
    func matchesExactTest() throws {
        var rng = SeededGenerator(seed: 5)
        let d = 24
        func centroid() -> [Float] { (0..<d).map { _ in Float(rng.gaussian()) } }
        var clusters: [Cluster] = []
        for node in 0..<3_000 {
            let c = centroid()
            // Radii around the typical distance (~7), so that many pairs are near the boundary.
            clusters.append(Cluster(node: node, label: node % 3, members: [Int32(node)], centroid: c, radius: Double.random(in: 0..<4.5, using: &rng)))
        }
        // Spheres that touch the query's exactly (up to float32 centroids): the boundary case.
        let query = Cluster(node: 9_000, label: 0, members: [0], centroid: centroid(), radius: 3)
        for k in 0..<20 {
            let other = clusters[3 * k + 1]
            let gap = (0..<d).reduce(0.0) { $0 + pow(Double(query.centroid[$1]) - Double(other.centroid[$1]), 2) }.squareRoot()
            clusters[3 * k + 1] = Cluster(node: other.node, label: other.label, members: other.members, centroid: other.centroid,
                                          radius: gap - query.radius)
        }
        var index = try SphereIndex(clusters, scratch: nil)
        for removed in stride(from: 5, to: 3_000, by: 97) { index.remove(removed) }
        for threads in [1, 2] {
            let meetings = try index.intersecting(query, threads: threads)
            let found = meetings.map(\.index).sorted()
            // Deepest overlap first.
            #expect(zip(meetings, meetings.dropFirst()).allSatisfy { ($0.gap, $0.index) < ($1.gap, $1.index) })
            let expected = clusters.indices.filter { j in
                guard j < 5 || (j - 5) % 97 != 0, clusters[j].label != query.label else { return false }
                let squared = query.centroid.withUnsafeBufferPointer { q in
                    clusters[j].centroid.withUnsafeBufferPointer { c in exactSquaredDistance(q.baseAddress!, c.baseAddress!, dimension: d) }
                }
                return query.radius + clusters[j].radius >= squared.squareRoot()
            }
            #expect(found == expected)
            // The gaps order the checks: each is the exact one up to the float32 estimate's rounding.
            for meeting in meetings {
                let gap = sphereGap(query, clusters[meeting.index])
                #expect(abs(meeting.gap - gap) <= 1e-2 * (1 + abs(gap)))
            }
            #expect(found.count > 100 && found.count < 1_900)
        }
    }

    @Test("sorted runs merged are the runs' elements sorted, ties in run order")
    func mergedRunsAreSorted() {
        var rng = SeededGenerator(seed: 11)
        for runCount in [0, 1, 2, 3, 7, 16] {
            // (key, origin): few distinct keys, so that runs tie often.
            let runs = (0..<runCount).map { run in
                (0..<Int(rng.unit() * 40)).map { position in (key: Int(rng.unit() * 10), origin: run * 1_000 + position) }
                    .sorted { $0.key < $1.key }
            }
            let merged = mergeRuns(runs, by: { $0.key < $1.key })
            // A stable sort of the runs' concatenation keeps ties in run order, as the merge must.
            let expected = runs.flatMap { $0 }.enumerated().sorted { ($0.element.key, $0.offset) < ($1.element.key, $1.offset) }.map(\.element)
            #expect(merged.map(\.origin) == expected.map(\.origin))
        }
    }

    @Test("removals and updates in any order keep it equal to a plain test of the live clusters")
    func removalsAndUpdatesKeepItExact() throws {
        var rng = SeededGenerator(seed: 8)
        let d = 16
        func centroid() -> [Float] { (0..<d).map { _ in Float(rng.gaussian()) } }
        var clusters: [Cluster?] = (0..<500).map { node in
            Cluster(node: node, label: node % 4, members: [Int32(node)], centroid: centroid(), radius: Double.random(in: 0..<4, using: &rng))
        }
        var index = try SphereIndex(clusters.compactMap { $0 }, scratch: nil)
        for step in 0..<400 {
            let target = Int(rng.unit() * 499)
            if step % 3 == 0, let old = clusters[target] {
                // A merge: the kept cluster grows, another of its label goes.
                let grown = Cluster(node: 1_000 + step, label: old.label, members: old.members, centroid: centroid(), radius: old.radius + 0.5)
                clusters[target] = grown
                index.update(target, to: grown)
            } else {
                clusters[target] = nil
                index.remove(target)
            }
            guard step % 40 == 0 else { continue }
            let query = Cluster(node: 9_000, label: step % 4, members: [0], centroid: centroid(), radius: 2.5)
            let expected = clusters.indices.filter { j in
                guard let other = clusters[j], other.label != query.label else { return false }
                let squared = query.centroid.withUnsafeBufferPointer { q in
                    other.centroid.withUnsafeBufferPointer { c in exactSquaredDistance(q.baseAddress!, c.baseAddress!, dimension: d) }
                }
                return query.radius + other.radius >= squared.squareRoot()
            }
            #expect(try index.intersecting(query, threads: 2).map(\.index).sorted() == expected)
        }
    }
}
