import Foundation
import ProbeConfig
import Testing
@testable import DirectProbe
@testable import ProbeStore

/// Every way of storing the embeddings (text, chunked stores mapped as one run or chunk by
/// chunk, the contiguous layout of earlier versions, numpy float32 read in place, numpy
/// float64 converted) must give the very same result files.
@Suite("Same results from text, chunked and contiguous stores and .npy files")
struct StorageEquivalenceTests {
    private let data = casesFolder.appendingPathComponent("syn-lowdim/data")
    private let files = ["clusters.txt", "vec.txt", "outside_min.txt", "inside_mean.txt", "inside_max.txt", "prediction.txt", "dis.txt"]

    private func run(output: String, train: String, test: String) throws -> (files: [String: String], log: String) {
        let ini = """
        [run]
        output_path = \(output)
        [data]
        label_set_path = \(data.path)/labels/tags.txt
        entities_path = \(data.path)/entities/train.txt
        test_entities_path = \(data.path)/entities/test.txt
        embeddings_path = \(train)
        test_embeddings_path = \(test)
        [clustering]
        mode = probing
        rate = 0.05
        """
        var job = ProbeRun(configuration: try ProbeConfiguration(INIFile(parsing: ini)))
        job.verbose = false
        _ = try job.run()
        var contents: [String: String] = [:]
        for name in files {
            contents[name] = try String(contentsOfFile: (output as NSString).appendingPathComponent(name), encoding: .utf8)
        }
        return (contents, try String(contentsOfFile: (output as NSString).appendingPathComponent("log.txt"), encoding: .utf8))
    }

    /// The float32 values of a text embeddings file, row-major, and its dimension.
    private func values(of path: String) throws -> (values: [Float], dimension: Int) {
        let box = ValuesBox()
        let summary = try EmbeddingTextReader(path: path).stream { block in box.values += Array(block.values) }
        return (box.values, summary.dimension)
    }

    @Test("result files are byte-identical across storage layouts and .npy inputs; mapped stores say so in the log")
    func sameResults() throws {
        let folder = TemporaryFolder()
        let train = data.appendingPathComponent("embeddings/synthetic/train/0/1.txt").path
        let test = data.appendingPathComponent("embeddings/synthetic/test/0/1.txt").path
        let plain = try run(output: folder.file("plain"), train: train, test: test).files
        let task = try TaskDirectory(root: data.path)

        // (layout, storage, read memory-mapped): 300 × 3 rows; 100-row chunks (1200 bytes)
        // start on separate pages, so that store is mapped chunk by chunk. (The text input
        // above already went through a default chunked scratch store, mapped as one run;
        // ScaleEquivalenceTests covers compressed stores.)
        let layouts: [(String, MatrixStorage, Bool)] = [
            ("chunk-by-chunk", .chunked(chunkRows: 100), true), ("contiguous", .contiguous, true),
        ]
        for (name, storage, mapped) in layouts {
            var options = ConversionOptions()
            options.showProgress = false
            options.storage = storage
            let store = folder.file("\(name).h5")
            _ = try Converter.convertTask(task, to: store, options: options)
            let matrix = try EmbeddingMatrix(path: store, dataset: "/embeddings/synthetic/train/0/1")
            #expect(matrix.isMemoryMapped == mapped, "\(name)")
            if name == "chunk-by-chunk" { #expect(matrix.mappedRunCount == 3) }
            let result = try run(output: folder.file(name), train: "\(store):synthetic/train/0/1", test: "\(store):synthetic/test/0/1")
            #expect(result.files == plain, "\(name)")
            #expect(result.log.contains("(memory-mapped)") == mapped, "\(name)")
        }

        // numpy: float32 read in place (train), float64 converted on the fly (test).
        let (trainValues, d) = try values(of: train)
        let (testValues, _) = try values(of: test)
        let train32 = folder.write("train32.npy", bytes: numpyFile(descr: "<f4", rows: trainValues.count / d, columns: d, data: trainValues.flatMap(littleEndianBytes)))
        let test64 = folder.write("test64.npy", bytes: numpyFile(descr: "<f8", rows: testValues.count / d, columns: d, data: testValues.flatMap { littleEndianBytes(Double($0)) }))
        let npy = try run(output: folder.file("npy"), train: train32, test: test64)
        #expect(npy.files == plain)
        #expect(npy.log.contains("Finish loading embeddings: 300 x 3 (memory-mapped)"))
    }

    @Test("a .npy whose row count differs from the entities is refused, naming both files")
    func npyRowMismatch() throws {
        let folder = TemporaryFolder()
        let bad = folder.write("short.npy", bytes: numpyFile(descr: "<f4", rows: 299, columns: 3, data: Array(repeating: 0, count: 299 * 12)))
        let test = data.appendingPathComponent("embeddings/synthetic/test/0/1.txt").path
        #expect {
            _ = try run(output: folder.file("out"), train: bad, test: test)
        } throws: { error in
            guard let error = error as? InputError else { return false }
            return error.file == bad && error.message.contains("299 rows") && error.message.contains("entities/train.txt has 300")
        }
    }

    @Test("stores written by probe-convert 0.1 (contiguous; compressed) still read, equal to their text")
    func legacyStores() throws {
        let fixtures = casesFolder.deletingLastPathComponent().appendingPathComponent("old-store")
        let (expected, d) = try values(of: fixtures.appendingPathComponent("e.txt").path)
        for (name, kind, mapped) in [("contiguous-v0.1.h5", StoredLayout.Kind.contiguous, true), ("compressed-v0.1.h5", .chunked, false)] {
            let path = fixtures.appendingPathComponent(name).path
            let store = try ProbeStoreFile(path: path)
            #expect(try store.embeddingKeys() == ["e"])
            #expect(try H5File.open(path: path).openDataset("/embeddings/e").storedLayout().kind == kind)
            let matrix = try store.matrix("e")
            #expect(matrix.isMemoryMapped == mapped && matrix.dimension == d)
            var all = [Float](repeating: 0, count: matrix.rowCount * d)
            try all.withUnsafeMutableBufferPointer { try matrix.readRows(0..<matrix.rowCount, into: $0) }
            #expect(all == expected, "\(name)")
        }
    }
}

/// Collects streamed values (the stream's consumer runs on another thread, one block at a time).
private final class ValuesBox {
    var values: [Float] = []
}

/// A `.npy` file's bytes as `np.save` writes them (format 1.0, header padded to 64 bytes).
private func numpyFile(descr: String, rows: Int, columns: Int, data: [UInt8]) -> [UInt8] {
    var header = "{'descr': '\(descr)', 'fortran_order': False, 'shape': (\(rows), \(columns)), }"
    header += String(repeating: " ", count: (64 - (10 + header.utf8.count + 1) % 64) % 64) + "\n"
    let length = header.utf8.count
    return [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(length & 0xFF), UInt8(length >> 8)] + Array(header.utf8) + data
}

private func littleEndianBytes(_ value: Float) -> [UInt8] { withUnsafeBytes(of: value.bitPattern.littleEndian) { Array($0) } }
private func littleEndianBytes(_ value: Double) -> [UInt8] { withUnsafeBytes(of: value.bitPattern.littleEndian) { Array($0) } }

