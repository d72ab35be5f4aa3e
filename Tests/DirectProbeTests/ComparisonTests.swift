import Foundation
import ProbeConfig
import ProbeStore
import Testing
@testable import DirectProbe

@Suite("Comparing two spaces")
struct ComparisonTests {
    @Test("centroid displacement, min-distance changes and the correlation of label-pair distances")
    func shiftedLabel() throws {
        var rng = SeededGenerator(seed: 21)
        var points: [[Float]] = [], labels: [String] = []
        for (label, centre) in [("a", [0.0, 0.0]), ("b", [6.0, 0.0]), ("c", [0.0, 6.0])] {
            for _ in 0..<10 {
                points.append(centre.map { Float((($0 + Double.random(in: -1...1, using: &rng)) * 1e4).rounded() / 1e4) })
                labels.append(label)
            }
        }
        // Space B: the same points, label "a" moved by (−1, −1) away from b and c.
        let moved = zip(points, labels).map { point, label in label == "a" ? [point[0] - 1, point[1] - 1] : point }
        let folderA = TemporaryFolder(), folderB = TemporaryFolder()
        _ = try runQuietly(writeTask(in: folderA, points: points, labels: labels))
        var configurationB = try writeTask(in: folderB, points: moved, labels: labels, mode: "prediction")
        configurationB.probingClusterPath = folderA.file("results/clusters.txt")
        _ = try runQuietly(configurationB)

        let comparison = try SpaceComparison.compare(folderA.file("results"), folderB.file("results"))
        #expect(comparison.centroid_note == nil)
        let byLabel = Dictionary(uniqueKeysWithValues: comparison.labels.map { ($0.label, $0) })
        #expect(abs((byLabel["a"]?.centroid_displacement ?? 0) - 2.0.squareRoot()) < 1e-4)
        #expect((byLabel["b"]?.centroid_displacement ?? 1) < 1e-6)
        #expect(byLabel["a"]?.direction == "apart")
        #expect(byLabel["a"]?.change ?? 0 > 0.5)
        #expect(comparison.moved_apart + comparison.moved_closer + comparison.unchanged == 3)
        // The correlation is Pearson's r of the two vec.txt columns.
        let x = try readNamedValues(folderA.file("results/vec.txt")).map(\.value)
        let y = try readNamedValues(folderB.file("results/vec.txt")).map(\.value)
        #expect(comparison.label_pairs == 3)
        let mx: Double = x.reduce(0, +) / 3
        let my: Double = y.reduce(0, +) / 3
        var sxy = 0.0, sxx = 0.0, syy = 0.0
        for (u, v) in zip(x, y) {
            sxy += (u - mx) * (v - my)
            sxx += (u - mx) * (u - mx)
            syy += (v - my) * (v - my)
        }
        let r = sxy / (sxx * syy).squareRoot()
        #expect(abs((comparison.pearson ?? 0) - r) < 1e-12)
    }

    @Test("Pearson correlation edge cases")
    func pearson() {
        #expect(correlation([1, 2, 3], [2, 4, 6]).map { abs($0 - 1) < 1e-12 } == true)
        #expect(correlation([1, 2, 3], [3, 2, 1]).map { abs($0 + 1) < 1e-12 } == true)
        #expect(correlation([1, 1, 1], [1, 2, 3]) == nil)
        #expect(correlation([1], [1]) == nil)
    }
}
