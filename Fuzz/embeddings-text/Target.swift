import Foundation

// libFuzzer target: the embeddings text reader (Sources/ProbeStore/EmbeddingText.swift with
// its line blocks and decimal parser). Each input is written to a file and streamed with a
// small block size (so that lines cross block boundaries) and two parser threads.
// Property: never crashes or traps; on success every row has the announced dimension and
// every value is finite.
private let path = NSTemporaryDirectory() + "fuzz-embeddings-\(getpid()).txt"

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzEmbeddingsText(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    // Plain write(2): FileManager's atomic write would dominate the run time.
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    guard fd >= 0 else { return 0 }
    let written = write(fd, data, size)
    close(fd)
    guard written == size else { return 0 }
    var reader = EmbeddingTextReader(path: path, expectedRows: size % 3 == 0 ? nil : size % 7)
    reader.blockBytes = 64
    reader.threads = 2
    var values = 0
    var rows = 0
    let summary = try? reader.stream { block in
        if block.values.count != block.rowCount * block.dimension { fatalError("block of \(block.rowCount) rows holds \(block.values.count) values") }
        if block.firstRow != rows { fatalError("rows out of order: \(block.firstRow) after \(rows)") }
        if block.values.contains(where: { !$0.isFinite }) { fatalError("a non-finite value was accepted") }
        values += block.values.count
        rows += block.rowCount
    }
    if let summary {
        if summary.rows != rows || summary.rows * summary.dimension != values || summary.rows == 0 || summary.dimension == 0 {
            fatalError("summary \(summary) disagrees with \(rows) rows and \(values) values")
        }
    }
    return 0
}
