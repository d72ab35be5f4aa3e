import Foundation
import Testing
@testable import ProbeStore

@Suite(".npy headers and files")
struct NumpyTests {
    @Test("headers of versions 1.0, 2.0 and 3.0 parse to the same array description", arguments: [UInt8(1), 2, 3])
    func versions(version: UInt8) throws {
        let bytes = numpyFile(shape: [3, 4], version: version, data: float32Bytes(Array(repeating: 0, count: 12)))
        let header = try NumpyHeader.parse(bytes)
        #expect(header.majorVersion == version && header.minorVersion == 0)
        #expect(header.descr == "<f4" && !header.fortranOrder && header.shape == [3, 4])
        #expect(header.dataOffset % 64 == 0 && header.dataOffset == bytes.count - 48)
        let layout = try header.matrixLayout()
        #expect(layout == NumpyMatrixLayout(rows: 3, columns: 4, element: .float32, littleEndian: true, dataOffset: header.dataOffset))
    }

    @Test("keys in any order, double quotes, Python 2 longs and a version-3 UTF-8 string parse")
    func literalVariants() throws {
        let header = "{\"shape\": (2L, 5L), 'fortran_order': False, 'descr': '>f8', 'note': 'dépôt'}"
        let parsed = try NumpyHeader.parse(numpyFile(shape: [], version: 3, header: header, data: []))
        #expect(parsed.shape == [2, 5] && parsed.descr == ">f8")
        let layout = try parsed.matrixLayout()
        #expect(layout.element == .float64 && !layout.littleEndian && layout.dataBytes == 80)
    }

    @Test("bad headers are refused with a message saying what to do", arguments: [
        (numpyFile(fortranOrder: true, shape: [3, 4], data: []), "Fortran"),
        (numpyFile(shape: [2, 3, 4], data: []), "shape (2, 3, 4)"),
        (numpyFile(shape: [12], data: []), "shape (12,)"),
        (numpyFile(descr: "<i4", shape: [3, 4], data: []), "dtype '<i4'"),
        (numpyFile(descr: "<f2", shape: [3, 4], data: []), "dtype '<f2'"),
        (numpyFile(shape: [0, 4], data: []), "no vectors"),
        (numpyFile(shape: [], header: "{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (3,), }", data: []), "structured"),
        (numpyFile(shape: [], header: "{'descr': '<f4', 'shape': (3, 4), }", data: []), "'fortran_order'"),
        (numpyFile(shape: [], header: "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4)", data: []), "not a valid dict"),
        (numpyFile(shape: [], header: "{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999, 99999999999), }", data: []), "too large"),
        (Array("\u{93}NUMPZ\u{1}\u{0}".utf8) + Array(repeating: 32, count: 60), "not a .npy file"),
        (Array("PK\u{3}\u{4}".utf8), "not a .npy file"),
        ([0x93] + Array("NUMPY".utf8) + [4, 0, 10, 0] + Array(repeating: 32, count: 10), "version 4.0"),
        (Array(numpyFile(shape: [3, 4], data: []).prefix(40)), "truncated"),
    ] as [([UInt8], String)])
    func badHeaders(bytes: [UInt8], expected: String) {
        #expect {
            _ = try NumpyHeader.parse(bytes).matrixLayout()
        } throws: { error in
            guard let error = error as? NumpyHeaderError else { return false }
            return error.message.contains(expected)
        }
    }

    @Test("no mutation of a valid header traps: each parses or throws NumpyHeaderError")
    func mutationsNeverTrap() {
        let valid = numpyFile(shape: [7, 3], version: 2, data: [])
        var rng = SeededGenerator(seed: 11)
        var outcomes = (parsed: 0, refused: 0)
        for _ in 0..<3000 {
            var bytes = valid
            for _ in 0..<Int.random(in: 1...4, using: &rng) {
                bytes[Int.random(in: 0..<bytes.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
            }
            let cut = Int.random(in: 0...bytes.count, using: &rng)
            do {
                _ = try NumpyHeader.parse(bytes.prefix(cut)).matrixLayout()
                outcomes.parsed += 1
            } catch {
                outcomes.refused += 1
            }
        }
        #expect(outcomes.parsed + outcomes.refused == 3000)
        #expect(outcomes.refused > 0)
    }

    @Test("a float32 file reads back exactly; float64 and big-endian files are converted, rounded to nearest")
    func values() throws {
        let folder = TemporaryFolder()
        let (rows, _) = makeEmbeddings(rows: 9, dim: 5, seed: 3)
        let flat = rows.flatMap { $0 }
        let doubles = flat.enumerated().map { Double($1) + Double($0 % 3 - 1) * 1e-12 }  // not exactly float32
        let files = [
            folder.write("a.npy", bytes: numpyFile(shape: [9, 5], data: float32Bytes(flat))),
            folder.write("b.npy", bytes: numpyFile(descr: ">f4", shape: [9, 5], version: 2, data: float32Bytes(flat, bigEndian: true))),
            folder.write("c.npy", bytes: numpyFile(descr: "<f8", shape: [9, 5], version: 3, data: float64Bytes(doubles))),
            folder.write("d.npy", bytes: numpyFile(descr: ">f8", shape: [9, 5], data: float64Bytes(doubles, bigEndian: true))),
        ]
        for (index, path) in files.enumerated() {
            let file = try NumpyMatrixFile(path: path)
            #expect(file.isMappableFloat32 == (index == 0))
            var read: [Float] = []
            var firstRows: [Int] = []
            try file.stream(blockBytes: 3 * 5 * 4) { block in
                firstRows.append(block.firstRow)
                read += Array(block.values)
            }
            #expect(read == (index < 2 ? flat : doubles.map { Float($0) }))
            #expect(firstRows == (index < 2 ? [0, 3, 6] : [0, 1, 2, 3, 4, 5, 6, 7, 8]))
        }
        let mapped = try EmbeddingMatrix(numpy: NumpyMatrixFile(path: files[0]))
        #expect(mapped.isMemoryMapped && mapped.rowCount == 9 && mapped.dimension == 5)
        var all = [Float](repeating: 0, count: 45)
        try all.withUnsafeMutableBufferPointer { try mapped.gatherRows(Array(0..<9), into: $0) }
        #expect(all == flat)
    }

    @Test("truncated data, trailing bytes, NaN, infinity and float64 beyond float32 are refused, naming the file")
    func badData() throws {
        let folder = TemporaryFolder()
        let good = float32Bytes((0..<12).map(Float.init))
        var nan = (0..<12).map(Float.init)
        nan[7] = .nan
        var infinite = (0..<12).map(Double.init)
        infinite[11] = -.infinity
        var huge = (0..<12).map(Double.init)
        huge[2] = 1e300
        let cases: [(String, [UInt8], String)] = [
            ("short.npy", numpyFile(shape: [3, 4], data: Array(good.dropLast(5))), "truncated"),
            ("long.npy", numpyFile(shape: [3, 4], data: good + [0, 0, 0, 0]), "4 bytes follow"),
            ("nan.npy", numpyFile(shape: [3, 4], data: float32Bytes(nan)), "row 2, column 4 (1-based) is NaN"),
            ("inf.npy", numpyFile(descr: "<f8", shape: [3, 4], data: float64Bytes(infinite)), "row 3, column 4 (1-based) is infinite"),
            ("huge.npy", numpyFile(descr: "<f8", shape: [3, 4], data: float64Bytes(huge)), "beyond float32"),
            ("int.npy", numpyFile(descr: "<i4", shape: [3, 4], data: good), "dtype '<i4'"),
        ]
        for (name, bytes, expected) in cases {
            let path = folder.write(name, bytes: bytes)
            #expect {
                try NumpyMatrixFile(path: path).checkFinite()
            } throws: { error in
                guard let error = error as? InputError else { return false }
                return error.file == path && error.message.contains(expected)
            }
        }
    }

    @Test("probe-convert writes a .npy file as a chunked dataset equal to the array")
    func convertSingleFile() throws {
        let folder = TemporaryFolder()
        let (rows, _) = makeEmbeddings(rows: 50, dim: 6, seed: 8)
        let flat = rows.flatMap { $0 }
        let source = folder.write("x.npy", bytes: numpyFile(descr: "<f8", shape: [50, 6], data: float64Bytes(flat.map(Double.init))))
        var options = ConversionOptions()
        options.showProgress = false
        options.storage = .chunked(chunkRows: 16)
        let report = try Converter.convertEmbeddingsFile(source, to: folder.file("x.h5"), dataset: "/embeddings/x", options: options)
        #expect(report.datasets.first?.rows == 50 && report.datasets.first?.dimension == 6)
        let dataset = try H5File.open(path: folder.file("x.h5")).openDataset("/embeddings/x")
        #expect(try dataset.storedLayout() == StoredLayout(kind: .chunked, chunkShape: [16, 6], filterCount: 0, isNativeFloat32: true))
        let matrix = try EmbeddingMatrix(path: folder.file("x.h5"), dataset: "/embeddings/x")
        var all = [Float](repeating: 0, count: 300)
        try all.withUnsafeMutableBufferPointer { try matrix.readRows(0..<50, into: $0) }
        #expect(all == flat)
    }

    @Test("a task mixing <layer>.txt and <layer>.npy files converts both; row counts are checked against the entities")
    func mixedTask() throws {
        let folder = TemporaryFolder()
        let matrices = makeTask(in: folder)
        let flat = try #require(matrices["m/train/0/2"]).flatMap { $0 }
        try FileManager.default.removeItem(atPath: folder.file("task/embeddings/m/train/0/2.txt"))
        folder.write("task/embeddings/m/train/0/2.npy", bytes: numpyFile(shape: [30, 5], data: float32Bytes(flat)))
        var options = ConversionOptions()
        options.showProgress = false
        let task = try TaskDirectory(root: folder.file("task"))
        #expect(task.embeddings.map(\.key) == ["m/test/0/1", "m/test/0/2", "m/train/0/1", "m/train/0/2"])
        _ = try Converter.convertTask(task, to: folder.file("t.h5"), options: options)
        let store = try ProbeStoreFile(path: folder.file("t.h5"))
        for (key, expected) in matrices {
            let matrix = try store.matrix(key)
            var all = [Float](repeating: 0, count: matrix.rowCount * 5)
            try all.withUnsafeMutableBufferPointer { try matrix.readRows(0..<matrix.rowCount, into: $0) }
            #expect(all == expected.flatMap { $0 }, "\(key)")
        }

        folder.write("task/embeddings/m/train/0/2.npy", bytes: numpyFile(shape: [29, 5], data: float32Bytes(Array(flat.prefix(145)))))
        #expect {
            try Converter.convertTask(TaskDirectory(root: folder.file("task")), to: folder.file("u.h5"), options: options)
        } throws: { error in
            guard let error = error as? InputError else { return false }
            return error.file.hasSuffix("2.npy") && error.message.contains("29 rows") && error.message.contains("30 entities")
        }
        folder.write("task/embeddings/m/train/0/2.txt", "1 2 3 4 5\n")
        #expect(throws: InputError.self) { try TaskDirectory(root: folder.file("task")) }
    }
}
