import Foundation
import ProbeConfig
import ProbeStore
import ProbeReport
import ResultSchema
import Testing
@testable import DirectProbe

/// Coincident points of different labels: found at load, set aside as singleton clusters,
/// the rest probed as the reference probes data without them.
@Suite("Coincident points of different labels")
struct SetAsideTests {
    static let case500 = casesFolder.appendingPathComponent("pos500-l0")

    private func pos500(output: String, coincident: String = "set-aside", test: Bool = false) throws -> ProbeConfiguration {
        let data = Self.case500.appendingPathComponent("data").path
        let ini = """
        [run]
        output_path = \(output)
        [data]
        common = \(data)
        label_set_path = ${common}/labels/tags.txt
        entities_path = ${common}/entities/train.txt
        embeddings_path = ${common}/embeddings/all-MiniLM-L6-v2/train/0/0.txt
        test_entities_path = \(test ? "${common}/entities/test.txt" : "")
        test_embeddings_path = \(test ? "${common}/embeddings/all-MiniLM-L6-v2/test/0/0.txt" : "")
        [clustering]
        mode = probing
        rate = 0.05
        coincident = \(coincident)
        """
        return try ProbeConfiguration(INIFile(parsing: ini))
    }

    /// The 1-based training lines the reference's clean run left out.
    private func setAsideLines() throws -> [Int] {
        try String(contentsOf: Self.case500.appendingPathComponent("expected-clean/set-aside.txt"), encoding: .utf8)
            .split(separator: "\n").compactMap { Int($0) }
    }

    @Test("pos500-l0: the set-aside lines are singletons, the rest is the reference's clean result")
    func pos500Clean() throws {
        let folder = TemporaryFolder()
        let outcome = try runQuietly(pos500(output: folder.file("results"), test: true))
        let lines = try setAsideLines()
        #expect(lines.count == 10)
        let assignment = try String(contentsOfFile: folder.file("results/clusters.txt"), encoding: .utf8)
            .split(separator: "\n").map { Int($0) ?? -1 }
        #expect(assignment.count == 500)
        // Every set-aside point is alone in its cluster.
        for line in lines {
            #expect(assignment.filter { $0 == assignment[line - 1] }.count == 1, "line \(line)")
        }
        // The other points: the reference's partition on the data without those lines.
        let excluded = Set(lines.map { $0 - 1 })
        var groups: [Int: [Int]] = [:]
        for (index, row) in (0..<500).filter({ !excluded.contains($0) }).enumerated() { groups[assignment[row], default: []].append(index) }
        let ours = groups.values.sorted { $0[0] < $1[0] }
        let expected = Self.case500.appendingPathComponent("expected-clean")
        #expect(ours == (try readPartition(expected.appendingPathComponent("clusters.txt").path)))
        #expect(outcome.probing?.isLinear == true)
        #expect(outcome.probing?.clusters.count == 14)
        #expect(outcome.analysis.clusters.count == 4)
        for name in ["vec.txt", "outside_min.txt", "inside_mean.txt", "inside_max.txt"] {
            let mine = try readValues(folder.file("results/\(name)"))
            let theirs = try readValues(expected.appendingPathComponent(name).path)
            #expect(mine.keys.sorted() == theirs.keys.sorted(), "\(name)")
            for (key, value) in theirs { #expect(abs((mine[key] ?? .nan) - value) <= 1e-3, "\(name) \(key)") }
        }
        // Reported in summary.json (1-based lines, entity text, label, group) and in the log.
        let summary = try JSONDecoder().decode(RunSummary.self, from: Data(contentsOf: URL(fileURLWithPath: folder.file("results/summary.json"))))
        let setAsideList = summary.setAside ?? []
        #expect(setAsideList.map(\.line) == lines)
        let entities = try String(contentsOfFile: Self.case500.appendingPathComponent("data/entities/train.txt").path, encoding: .utf8)
            .split(separator: "\n")
        for entry in setAsideList {
            let fields = entities[entry.line - 1].split(separator: "\t")
            #expect(entry.entity == String(fields[0]) && entry.label == String(fields[1]))
        }
        // Groups: each holds two lines of different labels, numbered by first line.
        let byGroup = Dictionary(grouping: setAsideList, by: \.group)
        #expect(byGroup.count == 5)
        #expect(byGroup.values.allSatisfy { Set($0.map(\.label)).count > 1 })
        #expect(byGroup.keys.sorted().map { key in byGroup[key]?.map(\.line).min() ?? 0 } == byGroup.values.map { $0.map(\.line).min() ?? 0 }.sorted())
        let log = try String(contentsOfFile: folder.file("results/log.txt"), encoding: .utf8)
        #expect(log.contains("Set aside 10 coincident points of different labels in 5 groups"))
        #expect(log.contains("train.txt:36 'hoist' verb (group 1)"))
        // Prediction ranks every cluster, the singletons included.
        let prediction = try String(contentsOfFile: folder.file("results/prediction.txt"), encoding: .utf8).split(separator: "\n")
        #expect(prediction.count == 150)
        #expect(prediction.allSatisfy { $0.split(separator: "\t").count == 1 + 14 })
        #expect(summary.testCoincident != nil)
        // The HTML report lists them.
        let html = try Report(resultFolders: [folder.file("results")]).html()
        #expect(html.contains("Points set aside: 10 training points"))
        #expect(html.contains("<td>hoist</td>") && html.contains("<td>homiletic</td>"))
    }

    @Test("coincident = error stops before probing and names the lines")
    func errorPolicy() throws {
        let folder = TemporaryFolder()
        #expect {
            try runQuietly(pos500(output: folder.file("results"), coincident: "error"))
        } throws: { error in
            let text = "\(error)"
            return error is CoincidentPointsError && text.contains("train.txt") && text.contains("36 ('hoist' verb)")
                && text.contains("--coincident set-aside")
        }
        #expect(!FileManager.default.fileExists(atPath: folder.file("results/clusters.txt")))
    }

    @Test("same-label twins stay ordinary points; a mixed group of three is set aside whole")
    func constructed() throws {
        var rng = SeededGenerator(seed: 11)
        var a = blob(10, centre: [0, 0], spread: 1, rng: &rng)
        var b = blob(10, centre: [8, 8], spread: 1, rng: &rng)
        a.append(a[0])              // a same-label twin (row 10 equals row 0)
        a.append([4, 4])            // row 11: A ...
        b.append([4, 4])            // row 22: ... and B twice
        b.append([4, 4])            // row 23
        let points = a + b
        let labels = Array(repeating: "A", count: 12) + Array(repeating: "B", count: 12)
        let folder = TemporaryFolder()
        let outcome = try runQuietly(writeTask(in: folder, points: points, labels: labels))
        #expect(outcome.probing?.isLinear == true)
        let partition = try readPartition(folder.file("results/clusters.txt"))
        #expect(partition == [Array(0...10), [11], Array(12...21), [22], [23]])
        #expect(outcome.summary.setAside?.map(\.line) == [12, 23, 24])
        #expect(Set(outcome.summary.setAside?.map(\.group) ?? []) == [1])
    }

    @Test("rows equal as values coincide (-0.0 and 0.0); rows one bit apart do not")
    func exactComparison() throws {
        let folder = TemporaryFolder()
        let tiny = Float(bitPattern: 1)
        let rows: [[Float]] = [[0, 1, 2], [-0.0, 1, 2], [tiny, 1, 2], [3, 4, 5], [3, 4, 5], [3, 4, 5.000001]]
        let path = folder.write("e.txt", rows.map { $0.map { "\($0)" }.joined(separator: " ") }.joined(separator: "\n") + "\n")
        var options = ConversionOptions()
        options.showProgress = false
        let store = folder.file("e.h5")
        _ = try Converter.convertEmbeddingsFile(path, to: store, dataset: "/embeddings/e", expectedRows: 6, options: options, expectedRowsSource: path)
        let found = try CoincidentPoints.find(in: EmbeddingMatrix(path: store, dataset: "/embeddings/e"), blockRows: 2)
        #expect(found.groups == [[0, 1], [3, 4]])
        #expect(found.mixed(labels: [0, 1, 0, 0, 0, 1]) == [[0, 1]])
    }
}

@Suite("Coincident points in batch probing")
struct BatchCoincidenceTests {
    @Test("fixed clusters holding coincident points of different labels overlap in that layer, and are named per layer")
    func batchCoincidence() throws {
        var rng = SeededGenerator(seed: 21)
        let a = blob(8, centre: [0, 0, 0], spread: 1, rng: &rng)
        let b = blob(8, centre: [9, 9, 9], spread: 1, rng: &rng)
        let folder = TemporaryFolder()
        let labels = Array(repeating: "A", count: 8) + Array(repeating: "B", count: 8)
        func text(_ points: [[Float]]) -> String {
            points.map { $0.map { String(format: "%.6f", Double($0)) }.joined(separator: " ") }.joined(separator: "\n") + "\n"
        }
        folder.write("task/labels/tags.txt", "A\nB\n")
        folder.write("task/entities/train.txt", labels.enumerated().map { "w\($0.offset)\t\($0.element)" }.joined(separator: "\n") + "\n")
        folder.write("task/batch/0/1.txt", text(a + b))
        var twin = b
        twin[7] = a[0]   // iteration 1: B's last point is A's first
        folder.write("task/batch/1/1.txt", text(a + twin))
        folder.write("clusters.txt", (Array(repeating: "0", count: 8) + Array(repeating: "1", count: 8)).joined(separator: "\n") + "\n")
        let ini = """
        [run]
        output_path = \(folder.file("results"))
        [data]
        label_set_path = \(folder.file("task/labels/tags.txt"))
        entities_path = \(folder.file("task/entities/train.txt"))
        batch_embeddings_path = \(folder.file("task/batch"))
        [clustering]
        mode = batch_probing
        rate = 0.05
        probing_cluster_path = \(folder.file("clusters.txt"))
        """
        var batch = BatchProbe(configuration: try ProbeConfiguration(INIFile(parsing: ini)))
        batch.verbose = false
        let outcome = try batch.run()
        #expect(outcome.linear["0"]?["1"] == true)
        #expect(outcome.linear["1"]?["1"] == false)
        let summary = try JSONDecoder().decode(BatchSummary.self, from: Data(contentsOf: URL(fileURLWithPath: folder.file("results/summary.json"))))
        #expect(summary.coincidentOverlap == ["1": ["1": [0, 1]]])
        let log = try String(contentsOfFile: folder.file("results/log.txt"), encoding: .utf8)
        #expect(log.contains("fixed clusters 0, 1 hold coincident points of different labels"))
    }
}
