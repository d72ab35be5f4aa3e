import Foundation
import Testing
@testable import ProbeStore

private func quiet(_ storage: MatrixStorage = .default) -> ConversionOptions {
    var options = ConversionOptions()
    options.showProgress = false
    options.blockBytes = 256
    options.storage = storage
    return options
}

@Suite("Chunked stores: layout, chunk map and memory-mapped reads")
struct ChunkedStoreTests {
    @Test("the chunk map: a partial last chunk, chunks out of order, and a range spanning two chunks")
    func chunkMapPieces() throws {
        // 10 rows of 2 floats (8 bytes) in chunks of 4 rows (32 bytes), each chunk on its own page.
        let chunks = [StoredChunk(firstRow: 8, firstColumn: 0, fileOffset: 12288, storedBytes: 32),
                      StoredChunk(firstRow: 0, firstColumn: 0, fileOffset: 4096, storedBytes: 32),
                      StoredChunk(firstRow: 4, firstColumn: 0, fileOffset: 8192, storedBytes: 32)]
        let map = try #require(ChunkMap(rowCount: 10, dimension: 2, chunkRows: 4, chunks: chunks))
        #expect(map.extents.map(\.rows) == [0..<4, 4..<8, 8..<10])
        #expect(map.fileSpan == 4096..<(12288 + 2 * 8))
        #expect(map.extentIndex(of: 9) == 2 && map.extentIndex(of: 4) == 1 && map.extentIndex(of: 3) == 0)
        #expect(map.fileOffset(of: 5) == 8192 + 8)
        let pieces = map.pieces(of: 3..<9)
        #expect(pieces.map(\.rows) == [3..<4, 4..<8, 8..<9])
        #expect(pieces.map(\.fileOffset) == [4096 + 24, 8192, 12288])
        #expect(map.pieces(of: 5..<7).map(\.rows) == [5..<7])
    }

    @Test("chunks stored back to back form one run; missing, resized or misaligned chunks give no map")
    func chunkMapMerging() {
        let adjacent = (0..<3).map { StoredChunk(firstRow: $0 * 4, firstColumn: 0, fileOffset: 1000 + $0 * 32, storedBytes: 32) }
        let map = ChunkMap(rowCount: 11, dimension: 2, chunkRows: 4, chunks: adjacent)
        #expect(map?.extents == [ChunkMap.Extent(firstRow: 0, rowCount: 11, fileOffset: 1000)])
        #expect(ChunkMap(rowCount: 11, dimension: 2, chunkRows: 4, chunks: Array(adjacent.prefix(2))) == nil)
        var resized = adjacent
        resized[1] = StoredChunk(firstRow: 4, firstColumn: 0, fileOffset: 1032, storedBytes: 20)
        #expect(ChunkMap(rowCount: 11, dimension: 2, chunkRows: 4, chunks: resized) == nil)
        var misaligned = adjacent
        misaligned[2] = StoredChunk(firstRow: 8, firstColumn: 0, fileOffset: 1066, storedBytes: 32)
        #expect(ChunkMap(rowCount: 11, dimension: 2, chunkRows: 4, chunks: misaligned) == nil)
    }

    @Test("default chunk rows: whole rows, 1-4 MiB, a whole number of pages where possible",
          arguments: [3, 5, 128, 384, 768, 777, 1024, 4096, 100_000, 2_000_000])
    func defaultChunkRows(dimension: Int) {
        let rows = MatrixStorage.defaultChunkRows(dimension: dimension)
        let bytes = rows * dimension * 4
        #expect(rows >= 1)
        if dimension * 4 <= 1 << 20 { #expect(bytes >= 1 << 20 && bytes <= 4 << 20, "\(rows) rows of \(dimension)") }
        if 1024 / gcd(dimension, 1024) * dimension * 4 <= 4 << 20 { #expect(bytes % 4096 == 0, "\(rows) rows of \(dimension)") }
    }

    @Test("probe-convert writes every embeddings dataset chunked and uncompressed by default, read memory-mapped")
    func defaultIsChunked() throws {
        let folder = TemporaryFolder()
        let matrices = makeTask(in: folder, trainRows: 300, testRows: 40, dim: 16)
        let output = folder.file("task.h5")
        _ = try Converter.convertTask(TaskDirectory(root: folder.file("task")), to: output, options: quiet())
        let file = try H5File.open(path: output)
        let store = try ProbeStoreFile(path: output)
        for key in try store.embeddingKeys() {
            let rows = try #require(matrices[key]).count
            let layout = try file.openDataset(StoreLayout.embeddings(key)).storedLayout()
            #expect(layout == StoredLayout(kind: .chunked, chunkShape: [rows, 16], filterCount: 0, isNativeFloat32: true), "\(key)")
            let matrix = try store.matrix(key)
            #expect(matrix.isMemoryMapped && matrix.mappedRunCount == 1)
        }
    }

    @Test("page-aligned chunks that do not fill whole pages are mapped chunk by chunk; blocks spanning two are copied once",
          arguments: [true, false])
    func chunkByChunk(memoryMap: Bool) throws {
        let folder = TemporaryFolder()
        // 30 rows of 40 floats in chunks of 8 rows (1280 bytes): each chunk starts on its own
        // 4 KiB page, so no two are adjacent; the last chunk holds 6 rows.
        let (values, text) = makeEmbeddings(rows: 30, dim: 40, seed: 4)
        let source = folder.write("e.txt", text)
        let output = folder.file("e.h5")
        _ = try Converter.convertEmbeddingsFile(source, to: output, dataset: "/e", options: quiet(.chunked(chunkRows: 8)))
        let dataset = try H5File.open(path: output).openDataset("/e")
        let chunks = try #require(try dataset.storedChunks(rowCount: 30, chunkRows: 8))
        #expect(chunks.map(\.firstRow) == [0, 8, 16, 24] && chunks.allSatisfy { $0.fileOffset % 4096 == 0 && $0.storedBytes == 1280 })

        let matrix = try EmbeddingMatrix(path: output, dataset: "/e", allowMemoryMap: memoryMap)
        #expect(matrix.isMemoryMapped == memoryMap)
        #expect(matrix.mappedRunCount == (memoryMap ? 4 : nil))
        let flat = values.flatMap { $0 }
        func expected(_ rows: Range<Int>) -> [Float] { Array(flat[(rows.lowerBound * 40)..<(rows.upperBound * 40)]) }
        for range in [0..<8, 3..<7, 5..<12, 7..<25, 24..<30, 29..<30, 0..<30] {
            var copy = [Float](repeating: 0, count: range.count * 40)
            try copy.withUnsafeMutableBufferPointer { try matrix.readRows(range, into: $0) }
            #expect(copy == expected(range), "readRows \(range)")
        }
        for blockRows in [1, 5, 8, 13, 30, 64] {
            var seen: [Float] = []
            var ranges: [Range<Int>] = []
            try matrix.forEachBlock(rows: blockRows) { range, block in
                ranges.append(range)
                seen += Array(block)
            }
            #expect(seen == flat, "blocks of \(blockRows)")
            #expect(ranges.count == (30 + blockRows - 1) / blockRows)
        }
        var rng = SeededGenerator(seed: 2)
        let rows = (0..<200).map { _ in Int.random(in: 0..<30, using: &rng) } + [29, 0, 8, 7, 24, 23]
        var gathered = [Float](repeating: 0, count: rows.count * 40)
        try gathered.withUnsafeMutableBufferPointer { try matrix.gatherRows(rows, into: $0) }
        #expect(gathered == rows.flatMap { values[$0] })
    }

    @Test("--chunk-rows 0 (contiguous, the layout of earlier versions) and compressed stores still read equal")
    func otherLayouts() throws {
        let folder = TemporaryFolder()
        let (values, text) = makeEmbeddings(rows: 45, dim: 7, seed: 6)
        let source = folder.write("e.txt", text)
        for (name, storage, kind, mapped) in [("c.h5", MatrixStorage.contiguous, StoredLayout.Kind.contiguous, true),
                                              ("z.h5", .compressed(chunkRows: nil, level: 1), .chunked, false)] {
            let output = folder.file(name)
            _ = try Converter.convertEmbeddingsFile(source, to: output, dataset: "/e", options: quiet(storage))
            #expect(try H5File.open(path: output).openDataset("/e").storedLayout().kind == kind)
            let matrix = try EmbeddingMatrix(path: output, dataset: "/e")
            #expect(matrix.isMemoryMapped == mapped)
            var all = [Float](repeating: 0, count: 45 * 7)
            try all.withUnsafeMutableBufferPointer { try matrix.readRows(0..<45, into: $0) }
            #expect(all == values.flatMap { $0 })
        }
    }

    @Test("probe-convert: chunked by default, --chunk-rows N, --chunk-rows 0 contiguous, a .npy argument")
    func commandLine() throws {
        guard let tool = builtExecutable("probe-convert") else {
            Issue.record("probe-convert is not built next to the tests")
            return
        }
        let folder = TemporaryFolder()
        let (values, text) = makeEmbeddings(rows: 40, dim: 6, seed: 12)
        let source = folder.write("e.txt", text)
        let npy = folder.write("n.npy", bytes: numpyFile(shape: [40, 6], data: float32Bytes(values.flatMap { $0 })))
        let runs: [([String], String, StoredLayout)] = [
            ([source], "/embeddings/e", StoredLayout(kind: .chunked, chunkShape: [40, 6], filterCount: 0, isNativeFloat32: true)),
            ([source, "--chunk-rows", "16"], "/embeddings/e", StoredLayout(kind: .chunked, chunkShape: [16, 6], filterCount: 0, isNativeFloat32: true)),
            ([source, "--chunk-rows", "0"], "/embeddings/e", StoredLayout(kind: .contiguous, chunkShape: [], filterCount: 0, isNativeFloat32: true)),
            ([npy], "/embeddings/n", StoredLayout(kind: .chunked, chunkShape: [40, 6], filterCount: 0, isNativeFloat32: true)),
        ]
        for (index, (arguments, dataset, layout)) in runs.enumerated() {
            let output = folder.file("out\(index).h5")
            let process = Process()
            process.executableURL = tool
            process.arguments = arguments + ["-o", output, "--quiet"]
            try process.run()
            process.waitUntilExit()
            #expect(process.terminationStatus == 0, "\(arguments)")
            #expect(try H5File.open(path: output).openDataset(dataset).storedLayout() == layout, "\(arguments)")
            let matrix = try EmbeddingMatrix(path: output, dataset: dataset)
            var rows = [Float](repeating: 0, count: 40 * values[0].count)
            try rows.withUnsafeMutableBufferPointer { try matrix.readRows(0..<40, into: $0) }
            #expect(rows == values.flatMap { $0 })
        }
    }
}

private func gcd(_ a: Int, _ b: Int) -> Int { b == 0 ? a : gcd(b, a % b) }
