import Foundation
import Testing
@testable import ProbeStore

/// Writes `rows` (all of one width `columns`) as a float32 dataset of a new store.
func writeMatrixStore(_ path: String, dataset: String = "/embeddings/x", rows: [[Float]], columns: Int,
                      storage: MatrixStorage = .contiguous) throws {
    let file = try H5File.create(path: path)
    let matrix = try file.createMatrix(dataset, rows: rows.count, columns: columns, storage: storage)
    let flat = rows.flatMap { $0 }
    try flat.withUnsafeBufferPointer { try matrix.writeRows(firstRow: 0, rowCount: rows.count, columns: columns, from: $0) }
    try file.flush()
}

/// Issue 9 cases 2 and 4: degenerate shapes and non-finite values in `.h5` inputs.
@Suite("Hardening: store inputs")
struct StoreInputHardeningTests {
    @Test("a 0-column dataset is an input error naming the dataset", arguments: [MatrixStorage.contiguous, .compressed(chunkRows: 4, level: 1)])
    func zeroColumns(storage: MatrixStorage) throws {
        let folder = TemporaryFolder()
        let path = folder.file("zero.h5")
        try writeMatrixStore(path, rows: Array(repeating: [], count: 6), columns: 0, storage: storage)
        #expect { try EmbeddingMatrix(path: path, dataset: "/embeddings/x") } throws: { error in
            guard let error = error as? InputError else { return false }
            return error.file == path && error.message.contains("/embeddings/x") && error.message.contains("0 values")
        }
    }

    @Test("NaN and infinities are found with their row and column, on the mapped and the HDF5 read paths",
          arguments: [0, 1, 2], [true, false])
    func nonFinite(kind: Int, mapped: Bool) throws {
        let (value, name) = [(Float.nan, "NaN"), (Float.infinity, "+infinity"), (-Float.infinity, "-infinity")][kind]
        let folder = TemporaryFolder()
        let path = folder.file("bad.h5")
        var rows = (0..<300).map { r in (0..<7).map { Float(r * 7 + $0) } }
        rows[211][4] = value
        try writeMatrixStore(path, rows: rows, columns: 7)
        let matrix = try EmbeddingMatrix(path: path, dataset: "/embeddings/x", allowMemoryMap: mapped)
        #expect(matrix.isMemoryMapped == mapped)
        #expect { try matrix.scanValues(source: "bad.h5:x") } throws: { error in
            guard let error = error as? InputError else { return false }
            return error.file == "bad.h5:x" && error.message.contains("\(name) at row 212, column 5")
        }
    }

    @Test("the scan of a finite matrix returns its largest magnitude")
    func largest() throws {
        let folder = TemporaryFolder()
        let path = folder.file("ok.h5")
        try writeMatrixStore(path, rows: [[1, -3e30, 2], [0, 5, -7]], columns: 3)
        #expect(try EmbeddingMatrix(path: path, dataset: "/embeddings/x").scanValues() == ValueScan(largestMagnitude: 3e30))
    }
}
