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
        // The correlation is Pearson's r of the two vec.txt columns, paired by label pair
        // (the formula itself is checked against hand-computed values below).
        let x = try readNamedValues(folderA.file("results/vec.txt")).map(\.value)
        let y = try readNamedValues(folderB.file("results/vec.txt")).map(\.value)
        #expect(comparison.label_pairs == 3)
        #expect(x.count == 3 && y.count == 3)
        let r = try #require(correlation(x, y))
        #expect(comparison.pearson == r)
    }

    /// Values worked out by hand, not with the formula under test:
    /// - x = (1, 2, 3, 4), y = (2, 1, 4, 3): means 2.5 and 2.5, deviations (−1.5, −0.5, 0.5, 1.5)
    ///   and (−0.5, −1.5, 1.5, 0.5); Σdxdy = 0.75 · 4 = 3, Σdx² = Σdy² = 2.25 + 0.25 + 0.25 + 2.25 = 5;
    ///   r = 3 / √(5 · 5) = 0.6.
    /// - x = (1, 2, 3), y = (1, 3, 2): means 2 and 2, deviations (−1, 0, 1) and (−1, 1, 0);
    ///   Σdxdy = 1, Σdx² = Σdy² = 2; r = 1 / 2 = 0.5.
    /// - x = (0, 1, 2), y = (0, 1, 5): means 1 and 2, deviations (−1, 0, 1) and (−2, −1, 3);
    ///   Σdxdy = 2 + 3 = 5, Σdx² = 2, Σdy² = 4 + 1 + 9 = 14; r = 5 / √28 = 0.944911182523068.
    @Test("Pearson correlation of hand-computed examples")
    func pearsonKnownValues() throws {
        #expect(abs(try #require(correlation([1, 2, 3, 4], [2, 1, 4, 3])) - 0.6) < 1e-15)
        #expect(abs(try #require(correlation([1, 2, 3], [1, 3, 2])) - 0.5) < 1e-15)
        #expect(abs(try #require(correlation([0, 1, 2], [0, 1, 5])) - 0.944911182523068) < 1e-14)
    }

    @Test("Pearson correlation edge cases")
    func pearson() {
        #expect(correlation([1, 2, 3], [2, 4, 6]).map { abs($0 - 1) < 1e-12 } == true)
        #expect(correlation([1, 2, 3], [3, 2, 1]).map { abs($0 + 1) < 1e-12 } == true)
        #expect(correlation([1, 1, 1], [1, 2, 3]) == nil)
        #expect(correlation([1], [1]) == nil)
    }
}
