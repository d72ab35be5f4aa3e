import Foundation
import ProbeConfig
import ProbeReport
import ProbeStore
import ResultSchema
import Testing
@testable import DirectProbe

/// The syn-batch case's inputs (3 iterations × 12 layers of 300 × 8 points).
let synBatchData = casesFolder.appendingPathComponent("syn-batch/data").path

/// The config.ini text of a sweep (or batch) over `batch` (a folder of iteration folders), with the syn-batch labels and entities.
func sweepINI(batch: String, output: String, mode: String = "probing", test: Bool = false) -> String {
    let testLines = test ? "test_entities_path = ${common}/entities/test.txt\ntest_embeddings_path = ${common}/embeddings/synthetic/test/2/12.txt" : ""
    return """
    [run]
    output_path = \(output)
    [data]
    common = \(synBatchData)
    label_set_path = ${common}/labels/tags.txt
    entities_path = ${common}/entities/train.txt
    embeddings_path = ${common}/embeddings/synthetic/train/0/1.txt
    batch_embeddings_path = \(batch)
    \(testLines)
    [clustering]
    mode = \(mode)
    rate = 0.05
    probing_cluster_path = \(casesFolder.appendingPathComponent("syn-batch/expected-probe/clusters.txt").path)
    """
}

/// A sweep configuration over `batch` (a folder of iteration folders), with the syn-batch labels and entities.
func sweepConfiguration(batch: String, output: String, test: Bool = false) throws -> ProbeConfiguration {
    try ProbeConfiguration(INIFile(parsing: sweepINI(batch: batch, output: output, test: test)))
}

/// Copies some (iteration, layer) files of syn-batch into a new layout folder.
func copyLayers(_ spaces: [(String, String)], into folder: TemporaryFolder, name: String = "layout") throws -> String {
    for (iteration, layer) in spaces {
        let source = "\(synBatchData)/embeddings/synthetic/train/\(iteration)/\(layer).txt"
        let target = folder.file("\(name)/\(iteration)/\(layer).txt")
        try FileManager.default.createDirectory(atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: source, toPath: target)
    }
    return folder.file(name)
}

@Suite("probe sweep")
struct SweepTests {
    private func sweep(_ configuration: ProbeConfiguration, only: Int? = nil) throws -> SweepProbe.Outcome {
        var sweep = SweepProbe(configuration: configuration)
        sweep.verbose = false
        sweep.threads = 2
        return try sweep.run(only: only)
    }

    @Test("the syn-batch sweep: 36 result folders, a 36-row sweep.csv, each clusters.txt equal to a plain probe run")
    func synBatch() throws {
        let folder = TemporaryFolder()
        let configuration = try sweepConfiguration(batch: "\(synBatchData)/embeddings/synthetic/train", output: folder.file("sweep"))
        let outcome = try sweep(configuration)
        #expect(outcome.plan.spaces.count == 36)
        #expect(outcome.computed.count == 36)
        let csv = try String(contentsOfFile: folder.file("sweep/sweep.csv"), encoding: .utf8).split(separator: "\n")
        #expect(csv.first.map(String.init) == SweepTable.header)
        #expect(csv.count == 37)
        let summary = try SweepSummary.decode(try #require(FileManager.default.contents(atPath: folder.file("sweep/summary.json"))))
        #expect(summary.spaces?.count == 36)
        #expect(summary.missing == [])
        for iteration in ["0", "1", "2"] {
            for layer in 1...12 {
                let space = "\(iteration)/\(layer)"
                var plain = configuration
                plain.mode = .probing
                plain.embeddingsPath = "\(synBatchData)/embeddings/synthetic/train/\(space).txt"
                plain.outputPath = folder.file("plain/\(space)")
                _ = try runQuietly(plain)
                let ours = try String(contentsOfFile: folder.file("sweep/\(space)/clusters.txt"), encoding: .utf8)
                let theirs = try String(contentsOfFile: folder.file("plain/\(space)/clusters.txt"), encoding: .utf8)
                #expect(ours == theirs, "clusters.txt of \(space)")
                let row = csv.first { $0.hasPrefix("\(iteration),\(layer),") }.map { $0.split(separator: ",", omittingEmptySubsequences: false) }
                let clusters = Set(theirs.split(separator: "\n")).count
                #expect(row?[3] == "\(clusters)", "clusters of \(space) in sweep.csv")
                #expect(row?[2] == "300")
            }
        }
    }

    @Test("an interrupted sweep resumes with only the missing spaces")
    func resumes() throws {
        let folder = TemporaryFolder()
        let layout = try copyLayers([("0", "1"), ("0", "2"), ("0", "10"), ("1", "1"), ("1", "2")], into: folder)
        let configuration = try sweepConfiguration(batch: layout, output: folder.file("sweep"))
        // The "interruption": only spaces 0 and 3 finished, and space 1 left a partial folder behind.
        _ = try sweep(configuration, only: 0)
        _ = try sweep(configuration, only: 3)
        try FileManager.default.createDirectory(atPath: folder.file("sweep/0/.2.partial-1-dead"), withIntermediateDirectories: true)
        #expect(!FileManager.default.fileExists(atPath: folder.file("sweep/sweep.csv")))
        let before = try FileManager.default.attributesOfItem(atPath: folder.file("sweep/0/1/clusters.txt"))[.modificationDate] as? Date

        let outcome = try sweep(configuration)
        #expect(outcome.plan.spaces.map(\.folder) == ["0/1", "0/2", "0/10", "1/1", "1/2"])
        #expect(outcome.computed.map(\.folder) == ["0/2", "0/10", "1/2"])
        #expect(outcome.reused.map(\.folder) == ["0/1", "1/1"])
        let after = try FileManager.default.attributesOfItem(atPath: folder.file("sweep/0/1/clusters.txt"))[.modificationDate] as? Date
        #expect(before == after)
        #expect(!FileManager.default.fileExists(atPath: folder.file("sweep/0/.2.partial-1-dead")))
        let csv = try String(contentsOfFile: folder.file("sweep/sweep.csv"), encoding: .utf8).split(separator: "\n")
        #expect(csv.count == 6)

        // A third run does nothing; a changed layer file is probed again.
        #expect(try sweep(configuration).computed.isEmpty)
        let changed = folder.file("layout/1/2.txt")
        try FileManager.default.removeItem(atPath: changed)
        try FileManager.default.copyItem(atPath: "\(synBatchData)/embeddings/synthetic/train/2/12.txt", toPath: changed)
        #expect(try sweep(configuration).computed.map(\.folder) == ["1/2"])
    }

    @Test("assembling an unfinished sweep lists the missing spaces")
    func missingSpaces() throws {
        let folder = TemporaryFolder()
        let layout = try copyLayers([("0", "1"), ("0", "2"), ("1", "1")], into: folder)
        let configuration = try sweepConfiguration(batch: layout, output: folder.file("sweep"))
        _ = try sweep(configuration, only: 1)
        var probe = SweepProbe(configuration: configuration)
        probe.verbose = false
        let plan = try SweepPlan(configuration: configuration)
        #expect(try probe.unfinished(plan).map(\.folder) == ["0/1", "1/1"])
        let summary = try probe.assemble(plan: plan)
        #expect(summary.missing == ["0/1", "1/1"])
        #expect(summary.spaces?.map(\.folder) == ["0/2"])
        #expect(throws: InputError.self) { try sweep(configuration, only: 3) }
    }

    @Test("test embeddings laid out like the training ones give each space its prediction")
    func testSetPerSpace() throws {
        let folder = TemporaryFolder()
        let configuration = try sweepConfiguration(batch: "\(synBatchData)/embeddings/synthetic/train", output: folder.file("sweep"), test: true)
        let plan = try SweepPlan(configuration: configuration)
        #expect(plan.testRoot == "\(synBatchData)/embeddings/synthetic/test")
        #expect(plan.spaces[5].testEmbeddingsPath == "\(synBatchData)/embeddings/synthetic/test/0/6.txt")
        _ = try sweep(configuration, only: 35)
        let run = try SweepProbe(configuration: configuration).readSummary(plan.spaces[35])
        #expect(run.accuracy != nil)
        #expect(FileManager.default.fileExists(atPath: folder.file("sweep/2/12/prediction.txt")))
    }
}

@Suite("report of a sweep")
struct SweepReportTests {
    /// The `<svg>` elements of a page with the given `data-plot` kind, as text.
    private func plots(_ html: String, kind: String) -> [String] {
        html.components(separatedBy: "data-plot=\"\(kind)\"").dropFirst().map { $0.components(separatedBy: "</svg>").first ?? "" }
    }

    @Test("cluster counts and linearity across layers and checkpoints, and min distance per label, from the sweep's summary")
    func sweepPlots() throws {
        let folder = TemporaryFolder()
        let layout = try copyLayers([("0", "1"), ("0", "2"), ("0", "3"), ("2", "1"), ("2", "2"), ("2", "3")], into: folder)
        var sweep = SweepProbe(configuration: try sweepConfiguration(batch: layout, output: folder.file("sweep")))
        sweep.verbose = false
        let outcome = try sweep.run()
        let summary = try #require(outcome.summary)
        let html = try Report(resultFolders: [folder.file("sweep")], options: ReportOptions(layersAcrossIterations: ["2", "3"])).html()

        let acrossLayers = plots(html, kind: "sweep-clusters-layers")
        #expect(acrossLayers.count == 1)
        #expect(acrossLayers.first?.components(separatedBy: "class=\"series\"").count == 3)   // two checkpoints
        // Each point's value is the space's cluster count.
        for space in summary.spaces ?? [] {
            let point = "data-series=\"checkpoint \(space.iteration)\" data-x=\"\(space.layer)\" data-value=\"\(String(format: "%.4f", Double(space.clusters ?? -1)))\""
            #expect(acrossLayers.first?.contains(point) == true, "no point \(point)")
        }
        let across = plots(html, kind: "sweep-clusters-iterations")
        #expect(across.first?.components(separatedBy: "class=\"series\"").count == 3)   // layers 2 and 3
        #expect(html.components(separatedBy: "data-plot=\"linearity\"").count == 2)
        let perLabel = plots(html, kind: "sweep-layers")
        #expect(perLabel.count == 2)
        #expect(perLabel.first?.components(separatedBy: "class=\"series\"").count == 1 + (summary.labels?.count ?? 0))
    }
}

@Suite("probe sweep over a store")
struct SweepStoreTests {
    @Test("a store's groups are swept like the text layout, test set included, with the same clusters")
    func fromStore() throws {
        let folder = TemporaryFolder()
        var options = ProbeStore.ConversionOptions()
        options.showProgress = false
        let store = folder.file("task.h5")
        _ = try Converter.convertTask(TaskDirectory(root: synBatchData), to: store, options: options)
        let text = try sweepConfiguration(batch: "\(synBatchData)/embeddings/synthetic/train", output: folder.file("text"), test: true)
        var stored = text
        stored.outputPath = folder.file("store")
        stored.batchEmbeddingsPath = "\(store):synthetic/train"
        stored.testEmbeddingsPath = "\(store):synthetic/test/2/12"
        let plan = try SweepPlan(configuration: stored)
        #expect(plan.spaces.count == 36)
        #expect(plan.testRoot == "\(store):synthetic/test")
        #expect(plan.spaces[5].embeddingsPath == "\(store):synthetic/train/0/6")
        #expect(plan.spaces[5].testEmbeddingsPath == "\(store):synthetic/test/0/6")
        for index in [0, 17, 35] {
            for configuration in [text, stored] {
                var sweep = SweepProbe(configuration: configuration)
                sweep.verbose = false
                _ = try sweep.run(only: index)
            }
            let space = plan.spaces[index].folder
            for file in ["clusters.txt", "prediction.txt", "outside_min.txt"] {
                #expect(try String(contentsOfFile: folder.file("store/\(space)/\(file)"), encoding: .utf8)
                        == String(contentsOfFile: folder.file("text/\(space)/\(file)"), encoding: .utf8), "\(space)/\(file)")
            }
        }
    }
}

@Suite("content keys of store datasets")
struct ContentKeyTests {
    @Test("a store's dataset is keyed by its own values: the same layer in two stores matches, a changed one does not")
    func datasetKeys() throws {
        let folder = TemporaryFolder()
        var options = ProbeStore.ConversionOptions()
        options.showProgress = false
        // Task B: syn-batch with layer 2/12 replaced by layer 2/11.
        try FileManager.default.copyItem(atPath: synBatchData, toPath: folder.file("b"))
        let changed = folder.file("b/embeddings/synthetic/train/2/12.txt")
        try FileManager.default.removeItem(atPath: changed)
        try FileManager.default.copyItem(atPath: "\(synBatchData)/embeddings/synthetic/train/2/11.txt", toPath: changed)
        _ = try Converter.convertTask(TaskDirectory(root: synBatchData), to: folder.file("a.h5"), options: options)
        _ = try Converter.convertTask(TaskDirectory(root: folder.file("b")), to: folder.file("b.h5"), options: options)
        let keys = ContentKeys()
        let a = folder.file("a.h5"), b = folder.file("b.h5")
        #expect(try keys.checksum("\(a):synthetic/train/0/1") == keys.checksum("\(b):synthetic/train/0/1"))
        #expect(try keys.checksum("\(a):synthetic/train/2/12") != keys.checksum("\(b):synthetic/train/2/12"))
        #expect(try keys.checksum("\(b):synthetic/train/2/12") == keys.checksum("\(a):synthetic/train/2/11"))
        #expect(try keys.checksum("\(a):synthetic/train/0/1") != keys.checksum("\(a):synthetic/train/0/2"))
        // Labels and entities in a store: by their values.
        #expect(try keys.checksum(a) == keys.checksum(b))
        #expect(try keys.checksum("\(a):train") == keys.checksum("\(b):train"))
        #expect(try keys.checksum("\(a):train") != keys.checksum("\(a):test"))
    }
}
