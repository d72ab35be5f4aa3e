import Foundation
import Testing
import TestSupport

@testable import DirectProbe

@Suite("Cluster summaries")
struct ClusterSummaryTests {
    @Test("a large cluster summarised on several threads has the one-thread centroid and radius, bit for bit", arguments: [2, 3])
    func threadsGiveTheSameSummary(threads: Int) throws {
        // 4 100 members (two gather blocks of 4 096 rows) of 5 000 points in 24 dimensions.
        var g = SeededGenerator(seed: 11)
        let points = (0..<5000).map { _ in (0..<24).map { _ in g.unit() * 8 - 3 } }
        let folder = TemporaryFolder()
        let geometry = try clusterGeometry(points: points, labels: Array(repeating: "a", count: points.count), labelSet: ["a"], in: folder)
        var members = (0..<5000).map(Int32.init)
        for _ in 0..<900 { members.remove(at: Int(g.unit() * Float(members.count - 1))) }
        #expect(members.count == 4100 && members.count >= ClusterGeometry.parallelMembers)
        let one = try geometry.summary(node: 7, label: 0, members: members)
        let many = try geometry.summary(node: 7, label: 0, members: members, threads: threads)
        #expect(many.centroid.map(\.bitPattern) == one.centroid.map(\.bitPattern))
        #expect(many.radius.bitPattern == one.radius.bitPattern)
        #expect(many.members == one.members && many.node == 7)
        // And both are the mean and the largest distance from it, computed here in float64.
        let mean = (0..<24).map { k in members.reduce(0.0) { $0 + Double(points[Int($1)][k]) } / Double(members.count) }
        for k in 0..<24 { #expect(abs(Double(one.centroid[k]) - mean[k]) <= 1e-6 * max(1, abs(mean[k]))) }
        func squaredDistance(_ row: [Float], _ centre: [Float]) -> Double {
            var sum = 0.0
            for (x, c) in zip(row, centre) {
                let difference = Double(x) - Double(c)
                sum += difference * difference
            }
            return sum
        }
        let farthest = members.map { squaredDistance(points[Int($0)], one.centroid) }.max() ?? 0
        // (The task is written as text, so its points are the generated ones up to the printed digits.)
        #expect(abs(one.radius - farthest.squareRoot()) <= 1e-6 * one.radius)
    }
}
