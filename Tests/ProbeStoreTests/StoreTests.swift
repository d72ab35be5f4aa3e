import Foundation
import Testing
@testable import ProbeStore

private func quiet() -> ConversionOptions {
    var options = ConversionOptions()
    options.showProgress = false
    options.blockBytes = 256
    return options
}

@Suite("Store round trip and block reader")
struct StoreTests {
    @Test("a converted task reads back equal, chunked (the default), contiguous or compressed",
          arguments: [MatrixStorage.default, .contiguous, .compressed(chunkRows: 7, level: 1)])
    func taskRoundTrip(storage: MatrixStorage) throws {
        let folder = TemporaryFolder()
        let matrices = makeTask(in: folder)
        var options = quiet()
        options.storage = storage
        let output = folder.file("task.h5")
        let report = try Converter.convertTask(TaskDirectory(root: folder.file("task")), to: output, options: options)
        #expect(report.datasets.count == 4)

        let store = try ProbeStoreFile(path: output)
        #expect(try store.labels().labels == ["a", "b", "c"])
        #expect(try store.splits() == ["test", "train"])
        #expect(try store.entityLabels(split: "train") == (0..<30).map { Int32([0, 1, 2][$0 % 3]) })
        #expect(try store.entityTexts(split: "test").prefix(2) == ["w0", "w1"])
        #expect(try store.embeddingKeys() == ["m/test/0/1", "m/test/0/2", "m/train/0/1", "m/train/0/2"])
        #expect(try store.attribute("format") == StoreLayout.format)
        #expect(try store.attribute("layer", on: StoreLayout.embeddings("m/train/0/2")) == "2")
        for (key, expected) in matrices {
            let matrix = try store.matrix(key)
            #expect(matrix.isMemoryMapped == (storage != .compressed(chunkRows: 7, level: 1)))
            #expect(matrix.rowCount == expected.count && matrix.dimension == 5)
            var all = [Float](repeating: 0, count: matrix.rowCount * matrix.dimension)
            try all.withUnsafeMutableBufferPointer { try matrix.readRows(0..<matrix.rowCount, into: $0) }
            #expect(all == expected.flatMap { $0 })
        }
    }

    @Test("blocks cover every row once, with a last partial block, on both read paths", arguments: [true, false])
    func blocks(memoryMap: Bool) throws {
        let folder = TemporaryFolder()
        let (values, text) = makeEmbeddings(rows: 23, dim: 4, seed: 5)
        let source = folder.write("e.txt", text)
        let output = folder.file("e.h5")
        _ = try Converter.convertEmbeddingsFile(source, to: output, dataset: "/embeddings/e", options: quiet())
        let matrix = try EmbeddingMatrix(path: output, dataset: "/embeddings/e", allowMemoryMap: memoryMap)
        #expect(matrix.isMemoryMapped == memoryMap)
        for blockRows in [1, 5, 23, 100] {
            var seen: [[Float]] = []
            var ranges: [Range<Int>] = []
            try matrix.forEachBlock(rows: blockRows) { range, block in
                ranges.append(range)
                #expect(block.count == range.count * 4)
                for r in 0..<range.count { seen.append(Array(block[(r * 4)..<(r * 4 + 4)])) }
            }
            #expect(seen == values)
            #expect(ranges.last?.count == (23 % blockRows == 0 ? min(blockRows, 23) : 23 % blockRows))
        }
    }

    /// The ways `gatherRows` reads a matrix, and how each is stored and opened.
    enum GatherPath: String, CaseIterable, Sendable {
        /// One mapping of a contiguous dataset.
        case contiguousMapping
        /// Mapped runs of page-aligned chunks.
        case chunkMapping
        /// HDF5 reads of a compressed dataset.
        case compressedHDF5
        /// HDF5 reads of a mappable dataset, with mapping turned off.
        case uncompressedHDF5

        var storage: MatrixStorage {
            switch self {
            case .contiguousMapping: return .contiguous
            case .chunkMapping, .uncompressedHDF5: return .chunked(chunkRows: 64)
            case .compressedHDF5: return .compressed(chunkRows: 64, level: 1)
            }
        }
        var allowMemoryMap: Bool { self != .uncompressedHDF5 }
    }

    @Test("row gathers return rows in the asked order, duplicates included, on every read path", arguments: GatherPath.allCases)
    func gathers(path: GatherPath) throws {
        let folder = TemporaryFolder()
        let (values, text) = makeEmbeddings(rows: 3000, dim: 3, seed: 9)
        let source = folder.write("e.txt", text)
        let output = folder.file("e.h5")
        var options = quiet()
        options.storage = path.storage
        _ = try Converter.convertEmbeddingsFile(source, to: output, dataset: "/x", options: options)
        let matrix = try EmbeddingMatrix(path: output, dataset: "/x", allowMemoryMap: path.allowMemoryMap)
        // The read path that the gather below takes.
        switch path {
        case .contiguousMapping:
            #expect(matrix.isMemoryMapped && matrix.mappedRunCount == 1)
        case .chunkMapping:
            // 64 rows of 12 bytes a chunk, each chunk on its own 4 KiB page: 47 separate runs.
            #expect(matrix.isMemoryMapped && (matrix.mappedRunCount ?? 0) > 1)
        case .compressedHDF5, .uncompressedHDF5:
            #expect(!matrix.isMemoryMapped && matrix.mappedRunCount == nil)
        }
        var rng = SeededGenerator(seed: 1)
        let rows = (0..<500).map { _ in Int.random(in: 0..<3000, using: &rng) } + [2999, 0, 0, 2999]
        var gathered = [Float](repeating: 0, count: rows.count * 3)
        try gathered.withUnsafeMutableBufferPointer { try matrix.gatherRows(rows, into: $0) }
        #expect(gathered == rows.flatMap { values[$0] })
    }

    @Test("a failed conversion leaves no output and keeps an existing file")
    func failureLeavesNothing() throws {
        let folder = TemporaryFolder()
        let bad = folder.write("bad.txt", "1 2\n3\n")
        let output = folder.file("out.h5")
        #expect(throws: InputError.self) { try Converter.convertEmbeddingsFile(bad, to: output, dataset: "/x", options: quiet()) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["bad.txt"])

        let good = folder.write("good.txt", "1 2\n3 4\n")
        _ = try Converter.convertEmbeddingsFile(good, to: output, dataset: "/x", options: quiet())
        let before = try Data(contentsOf: URL(fileURLWithPath: output))
        var force = quiet()
        force.overwrite = true
        #expect(throws: InputError.self) { try Converter.convertEmbeddingsFile(bad, to: output, dataset: "/x", options: force) }
        #expect(try Data(contentsOf: URL(fileURLWithPath: output)) == before)
        // Without --force an existing output is refused outright.
        #expect(throws: InputError.self) { try Converter.convertEmbeddingsFile(good, to: output, dataset: "/x", options: quiet()) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() == ["bad.txt", "good.txt", "out.h5"])
    }

    @Test("a task whose embeddings disagree with its entities fails with both files named")
    func rowMismatch() throws {
        let folder = TemporaryFolder()
        _ = makeTask(in: folder)
        folder.write("task/embeddings/m/train/0/2.txt", "1 2 3 4 5\n")
        let output = folder.file("task.h5")
        #expect { try Converter.convertTask(TaskDirectory(root: folder.file("task")), to: output, options: quiet()) } throws: { error in
            guard let error = error as? InputError else { return false }
            return error.file.hasSuffix("train/0/2.txt") && error.message.contains("entities/train.txt has 30")
        }
        #expect(!FileManager.default.fileExists(atPath: output))
    }

    @Test("an interrupted probe-convert (SIGTERM, SIGINT) leaves no partial file", arguments: [SIGTERM, SIGINT])
    func interrupted(signal: Int32) throws {
        guard let tool = builtExecutable("probe-convert") else {
            Issue.record("probe-convert is not built next to the tests")
            return
        }
        let folder = TemporaryFolder()
        let (_, text) = makeEmbeddings(rows: 200, dim: 64, seed: 2)
        let handle = FileHandle(forWritingAtPath: folder.write("big.txt", ""))!
        for _ in 0..<400 { handle.write(Data(text.utf8)) }   // ~45 MB: long enough to interrupt
        handle.closeFile()
        let process = Process()
        process.executableURL = tool
        process.arguments = [folder.file("big.txt"), "-o", folder.file("big.h5"), "--quiet", "--threads", "1"]
        try process.run()
        // Wait until the temporary file exists, then interrupt.
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline, process.isRunning,
              !(try FileManager.default.contentsOfDirectory(atPath: folder.path)).contains(where: { $0.contains(".partial-") }) {
            usleep(2_000)
        }
        let wasRunning = process.isRunning
        kill(process.processIdentifier, signal)
        process.waitUntilExit()
        let left = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        if wasRunning {
            #expect(process.terminationStatus != 0)
            #expect(left == ["big.txt"], "left behind: \(left)")
        } else {
            // It finished before the signal: the output must then be complete.
            #expect(left.sorted() == ["big.h5", "big.txt"])
        }
    }
}
