import Foundation
import ProbeConfig
import ProbeStore
import Testing
@testable import DirectProbe

@Suite("Batch probing")
struct BatchTests {
    private func configuration(output: String) throws -> ProbeConfiguration {
        let data = casesFolder.appendingPathComponent("syn-batch/data").path
        let ini = """
        [run]
        output_path = \(output)
        [data]
        common = \(data)
        label_set_path = ${common}/labels/tags.txt
        entities_path = ${common}/entities/train.txt
        batch_embeddings_path = ${common}/embeddings/synthetic/train
        [clustering]
        mode = batch_probing
        rate = 0.05
        probing_cluster_path = \(casesFolder.appendingPathComponent("syn-batch/expected-probe/clusters.txt").path)
        """
        return try ProbeConfiguration(INIFile(parsing: ini))
    }

    private func run(_ configuration: ProbeConfiguration) throws -> BatchProbe.Outcome {
        var batch = BatchProbe(configuration: configuration)
        batch.verbose = false
        batch.threads = 2
        return try batch.run()
    }

    private func table(_ path: String) throws -> [[String]] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
    }

    @Test("the four CSVs of every iteration agree with the reference's within 1e-3")
    func fidelity() throws {
        let folder = TemporaryFolder()
        let outcome = try run(configuration(output: folder.file("results")))
        #expect(outcome.iterations == ["0", "1", "2"])
        #expect(outcome.layers["0"] == (1...12).map(String.init))
        // The reference: layers 1 and 3 of iteration 0 are not separable with the fixed clusters.
        #expect(outcome.linear["0"]?.filter { !$0.value }.keys.sorted() == ["1", "3"])
        #expect(outcome.linear["1"]?.values.allSatisfy { $0 } == true)
        let expected = casesFolder.appendingPathComponent("syn-batch/expected")
        for folderName in ["batch_vec", "outside_min", "inside_mean", "inside_max"] {
            for iteration in ["0", "1", "2"] {
                let ours = try table(folder.file("results/\(folderName)/\(iteration).txt"))
                let theirs = try table(expected.appendingPathComponent("\(folderName)/\(iteration).txt").path)
                #expect(ours.count == theirs.count)
                #expect(ours.first == theirs.first, "header of \(folderName)/\(iteration)")
                for (a, b) in zip(ours.dropFirst(), theirs.dropFirst()) {
                    #expect(a.first == b.first)
                    for (x, y) in zip(a.dropFirst(), b.dropFirst()) {
                        #expect(abs((Double(x) ?? .nan) - (Double(y) ?? .nan)) <= 1e-3, "\(folderName)/\(iteration) \(a[0]): \(x) vs \(y)")
                    }
                }
            }
        }
    }

    @Test("a batch read from one converted store gives the same CSVs as the text layout")
    func fromStore() throws {
        let folder = TemporaryFolder()
        _ = try run(configuration(output: folder.file("text")))
        var options = ProbeStore.ConversionOptions()
        options.showProgress = false
        let store = folder.file("task.h5")
        _ = try Converter.convertTask(TaskDirectory(root: casesFolder.appendingPathComponent("syn-batch/data").path), to: store, options: options)
        var configuration = try configuration(output: folder.file("store"))
        configuration.batchEmbeddingsPath = "\(store):synthetic/train"
        let outcome = try run(configuration)
        #expect(outcome.iterations == ["0", "1", "2"])
        for folderName in ["batch_vec", "outside_min", "inside_mean", "inside_max"] {
            for iteration in ["0", "1", "2"] {
                #expect(try String(contentsOfFile: folder.file("store/\(folderName)/\(iteration).txt"), encoding: .utf8)
                        == String(contentsOfFile: folder.file("text/\(folderName)/\(iteration).txt"), encoding: .utf8))
            }
        }
    }

    @Test("a re-run after an interruption does only the missing layers and gives the same files")
    func resume() throws {
        let folder = TemporaryFolder()
        let configuration = try configuration(output: folder.file("results"))
        let first = try run(configuration)
        #expect(first.computed == 36 && first.reused == 0)
        let csv = folder.file("results/outside_min/1.txt")
        let complete = try String(contentsOfFile: csv, encoding: .utf8)
        // Simulate an interruption in iteration 1: two layers and the CSVs never written.
        try FileManager.default.removeItem(atPath: folder.file("results/.batch-cache/1/5.json"))
        try FileManager.default.removeItem(atPath: folder.file("results/.batch-cache/1/12.json"))
        try FileManager.default.removeItem(atPath: csv)
        let second = try run(configuration)
        #expect(second.computed == 2 && second.reused == 34)
        #expect(try String(contentsOfFile: csv, encoding: .utf8) == complete)
        // Changed inputs are not reused: a record keyed by other content is recomputed.
        let record = folder.file("results/.batch-cache/2/7.json")
        let text = try String(contentsOfFile: record, encoding: .utf8).replacingOccurrences(of: "crc32:", with: "crc32:0")
        try text.write(toFile: record, atomically: true, encoding: .utf8)
        let third = try run(configuration)
        #expect(third.computed == 1 && third.reused == 35)
    }
}
