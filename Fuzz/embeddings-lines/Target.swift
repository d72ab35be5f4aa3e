// libFuzzer target: the embeddings text line parser (EmbeddingTextReader.parsePart, the core
// of Sources/ProbeStore/EmbeddingText.swift, with the decimal parser), in memory: fast enough
// for 10^7 executions, where the whole-file target (embeddings-text) runs files and threads.
// Property: never crashes or traps, never writes past its output, and on success returns
// whole rows of finite values, one per non-blank line.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzEmbeddingLines(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    // The dimension the reader takes from the first line: its blank-separated tokens.
    var dimension = 0
    var inToken = false
    for index in 0..<size {
        let byte = data[index]
        if byte == UInt8(ascii: "\n") { break }
        let blank = byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t")
        if !blank && !inToken { dimension += 1 }
        inToken = !blank
    }
    guard dimension > 0 else { return 0 }
    // Capacity as the reader sizes it: (bytes of the part) / 2 + dimension.
    let capacity = size / 2 + dimension
    let output = UnsafeMutableBufferPointer<Float>.allocate(capacity: capacity)
    defer { output.deallocate() }
    let reader = EmbeddingTextReader(path: "fuzz.txt")
    let result = reader.parsePart(data, 0, size, firstLine: 1, dimension: dimension, output: output)
    if result.error == nil {
        if result.rows * dimension > capacity { fatalError("\(result.rows) rows of \(dimension) overflow \(capacity)") }
        for value in output.prefix(result.rows * dimension) where !value.isFinite { fatalError("non-finite value accepted") }
        if result.rows == 0 && result.firstBlankLine == nil { fatalError("no rows and no blank line from a non-empty first line") }
    }
    return 0
}
