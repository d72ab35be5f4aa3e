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
            let found = try index.intersecting(query, threads: threads)
            let expected = clusters.indices.filter { j in
                guard j < 5 || (j - 5) % 97 != 0, clusters[j].label != query.label else { return false }
                let squared = query.centroid.withUnsafeBufferPointer { q in
                    clusters[j].centroid.withUnsafeBufferPointer { c in exactSquaredDistance(q.baseAddress!, c.baseAddress!, dimension: d) }
                }
                return query.radius + clusters[j].radius >= squared.squareRoot()
            }
            #expect(found == expected)
            #expect(found.count > 100 && found.count < 1_900)
        }
    }
}
