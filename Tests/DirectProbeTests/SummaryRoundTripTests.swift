import Foundation
import ProbeConfig
import ProbeReport
import ProbeStore
import ResultSchema
import Testing
@testable import DirectProbe

/// `summary.json` as `probe` writes it, read back by the report: one schema on both sides.
@Suite("summary.json round trip")
struct SummaryRoundTripTests {
    /// Two labelled blobs in 3 dimensions (linear), 40 points.
    private func blobs() -> (points: [[Float]], labels: [String]) {
        var generator = SeededGenerator(seed: 12)
        var points: [[Float]] = [], labels: [String] = []
        for i in 0..<40 {
            let centre: Float = i % 2 == 0 ? -3 : 3
            points.append((0..<3).map { _ in centre + Float(generator.gaussian()) * 0.5 })
            labels.append(i % 2 == 0 ? "left" : "right")
        }
        return (points, labels)
    }

    @Test("a probe run's summary.json decodes to what the run recorded, and the report shows its checksum")
    func runToReport() throws {
        let folder = TemporaryFolder()
        let (points, labels) = blobs()
        let configuration = try writeTask(in: folder, points: points, labels: labels)
        let outcome = try runQuietly(configuration)

        let written = try #require(FileManager.default.contents(atPath: folder.file("results/summary.json")))
        let decoded = try RunSummary.decode(written)
        #expect(decoded == outcome.summary)
        #expect(decoded.mode == .probing)
        // The checksum is that of the embeddings file, computed here independently.
        let expected = try ContentChecksum(path: folder.file("task/embeddings/train.txt")).description
        #expect(decoded.inputs?.embeddings?.checksum == expected)
        #expect(decoded.inputs?.embeddings?.rows == 40)

        let run = try RunResult(folder: folder.file("results"))
        let summary = try #require(run.summary)
        #expect(summary.clusters == outcome.summary.clusters)
        #expect(summary.linear == true)
        #expect(run.summaryMeasures.source == .summaryFile)
        #expect(run.summaryMeasures.globalMinDistance == outcome.analysis.globalMinimum)
        let html = try Report(resultFolders: [folder.file("results")]).html()
        #expect(html.contains("Embeddings checksum"))
        #expect(html.contains(expected))
    }

    @Test("the keys on disk are snake_case and sorted")
    func keysAreSnakeCaseAndSorted() throws {
        let folder = TemporaryFolder()
        let (points, labels) = blobs()
        _ = try runQuietly(try writeTask(in: folder, points: points, labels: labels))
        let text = try String(contentsOfFile: folder.file("results/summary.json"), encoding: .utf8)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        for key in ["clusters_analysed", "per_label", "label_pairs", "timings_seconds", "peak_memory_bytes", "summary", "inputs"] {
            #expect(object[key] != nil, "no \(key)")
        }
        #expect(!text.contains("clustersAnalysed"))
        let topKeys = text.split(separator: "\n").filter { $0.hasPrefix("  \"") }.map { $0.dropFirst(3).prefix { $0 != "\"" } }
        #expect(topKeys == topKeys.sorted())
    }

    @Test("a batch's summary.json and cache records decode with the shared schema and the report reads them")
    func batchToReport() throws {
        let folder = TemporaryFolder()
        let data = casesFolder.appendingPathComponent("syn-batch/data").path
        let ini = """
        [run]
        output_path = \(folder.file("batch"))
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
        let configuration = try ProbeConfiguration(INIFile(parsing: ini))
        var batch = BatchProbe(configuration: configuration)
        batch.verbose = false
        batch.threads = 2
        let outcome = try batch.run()

        let summary = try BatchSummary(path: folder.file("batch/summary.json"))
        #expect(summary.mode == .batchProbing)
        #expect(summary.linear == outcome.linear)
        #expect(summary.iterations == outcome.iterations)
        let record = try BatchLayerRecord.decode(try #require(FileManager.default.contents(atPath: folder.file("batch/.batch-cache/0/1.json"))))
        #expect(record.linear == outcome.linear["0"]?["1"])
        let result = try BatchResult(folder: folder.file("batch"))
        #expect(result.linearityFromSummary)
        #expect(result.isLinear(iteration: "0", layer: "1") == outcome.linear["0"]?["1"])
    }
}
