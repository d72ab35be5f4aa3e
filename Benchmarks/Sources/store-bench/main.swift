// store-bench: one block-reader pass per read pattern over an embeddings dataset, for
// comparing store layouts (contiguous, chunked and memory-mapped, chunked and compressed).
//
//   store-bench STORE.h5 KEY [--repeats 5] [--block 1024]
//
// Patterns (what `probe` does with the matrix):
//   blocks   forEachBlock over all rows (in place where the layout allows), sum of squares
//   read     readRows of consecutive blocks into a buffer (the kernels' row source)
//   gather   gatherRows of every row once, label by label in 4096-row batches, the rows of
//            a label in ascending order (how clusters are gathered)
// Each pattern runs once to warm the page cache, then `--repeats` times; the best time is
// printed with the rate in GB/s of float32 data. Run: tools/bench-layout.sh
import Dispatch
import Foundation
import ProbeStore

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("store-bench: \(message)\n".utf8))
    exit(1)
}

var arguments = Array(CommandLine.arguments.dropFirst())
var repeats = 5, blockRows = 1024
var positional: [String] = []
while !arguments.isEmpty {
    let argument = arguments.removeFirst()
    switch argument {
    case "--repeats", "--block":
        guard let text = arguments.first, let value = Int(text), value > 0 else { fail("\(argument) needs a positive number") }
        arguments.removeFirst()
        if argument == "--repeats" { repeats = value } else { blockRows = value }
    case "-h", "--help":
        print("usage: store-bench STORE.h5 KEY [--repeats 5] [--block 1024]")
        exit(0)
    default:
        positional.append(argument)
    }
}
guard positional.count == 2 else { fail("usage: store-bench STORE.h5 KEY [--repeats 5] [--block 1024]") }

/// Runs `body` once to warm up, then `repeats` times; returns the best wall time.
func best(repeats: Int, _ body: () throws -> Double) rethrows -> (seconds: Double, checksum: Double) {
    var checksum = try body()
    var fastest = Double.infinity
    for _ in 0..<repeats {
        let start = DispatchTime.now().uptimeNanoseconds
        checksum = try body()
        fastest = min(fastest, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
    }
    return (fastest, checksum)
}

func sumOfSquares(_ values: UnsafeBufferPointer<Float>) -> Double {
    var sum: Float = 0
    for v in values { sum += v * v }
    return Double(sum)
}

/// Times the three read patterns over `key` of the store at `path` and prints them.
func measure(path: String, key: String, repeats: Int, blockRows: Int) throws {
    let matrix = try ProbeStoreFile(path: path).matrix(key)
    let n = matrix.rowCount, d = matrix.dimension
    let gigabytes = Double(n * d * 4) / 1e9
    // Labels of 20 random groups, for the gather pattern (rows of each label ascending).
    var state: UInt64 = 42
    var groups = [[Int]](repeating: [], count: 20)
    for row in 0..<n {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        groups[Int(state >> 33) % 20].append(row)
    }

    let buffer = UnsafeMutableBufferPointer<Float>.allocate(capacity: max(4096, blockRows) * d)
    defer { buffer.deallocate() }
    let blocks = try best(repeats: repeats) {
        var total = 0.0
        try matrix.forEachBlock(rows: blockRows) { _, block in total += sumOfSquares(block) }
        return total
    }
    let reads = try best(repeats: repeats) {
        var total = 0.0
        var start = 0
        while start < n {
            let range = start..<min(n, start + blockRows)
            try matrix.readRows(range, into: buffer)
            total += sumOfSquares(UnsafeBufferPointer(rebasing: buffer[0..<(range.count * d)]))
            start = range.upperBound
        }
        return total
    }
    let gathers = try best(repeats: repeats) {
        var total = 0.0
        for members in groups {
            var start = 0
            while start < members.count {
                let batch = Array(members[start..<min(members.count, start + 4096)])
                try matrix.gatherRows(batch, into: buffer)
                total += sumOfSquares(UnsafeBufferPointer(rebasing: buffer[0..<(batch.count * d)]))
                start += batch.count
            }
        }
        return total
    }
    print("\(path) \(key): \(n) x \(d), \(matrix.layoutDescription)")
    for (name, result) in [("blocks", blocks), ("read", reads), ("gather", gathers)] {
        let label = name.padding(toLength: 7, withPad: " ", startingAt: 0)
        print("  \(label)" + String(format: " %8.4f s  %6.2f GB/s  (checksum %.6e)", result.seconds, gigabytes / result.seconds, result.checksum))
    }
}

do {
    try measure(path: positional[0], key: positional[1], repeats: repeats, blockRows: blockRows)
} catch {
    fail("\(error)")
}
