// ProbeMicro: micro-benchmarks of DirectProbeSwift's hot paths with ordo-one/benchmark —
// decimal parsing (DecimalParser.parse, EmbeddingTextReader), the squared-distance tile at
// d = 768 (ProbeKernels) and hullDistance between two 1000×384 Gaussian clusters
// (ProbeGeometry). Inputs are generated from fixed seeds on first use (during the warm-up
// iteration). Run: tools/bench-micro.sh [benchmark options, e.g. --filter Decimal]
import Benchmark
import Dispatch
import Foundation
import ProbeGeometry
import ProbeKernels
import ProbeStore

// MARK: - Inputs

/// SplitMix64: a fixed seed gives the same inputs on every run.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A standard normal value (Box–Muller).
    mutating func gaussian() -> Double {
        let u = Double.random(in: Double.ulpOfOne..<1, using: &self)
        let v = Double.random(in: 0..<1, using: &self)
        return (-2 * Foundation.log(u)).squareRoot() * Foundation.cos(2 * Double.pi * v)
    }
}

/// Embedding-like text: `rows` lines of `dimension` "%.6f" values (normal, σ = 0.5),
/// separated by single spaces.
func embeddingText(rows: Int, dimension: Int, seed: UInt64) -> [UInt8] {
    var g = SplitMix(state: seed)
    var text = ""
    text.reserveCapacity(rows * dimension * 10)
    for _ in 0..<rows {
        for k in 0..<dimension {
            if k > 0 { text += " " }
            text += String(format: "%.6f", 0.5 * g.gaussian())
        }
        text += "\n"
    }
    return Array(text.utf8)
}

func uniformValues(_ count: Int, seed: UInt64) -> [Float] {
    var g = SplitMix(state: seed)
    return (0..<count).map { _ in Float.random(in: -1...1, using: &g) }
}

/// `count` points of dimension `dimension`, normal around `centre` (σ = 1 per coordinate).
func gaussianCluster(count: Int, dimension: Int, centre: [Float], seed: UInt64) -> PointMatrix {
    var g = SplitMix(state: seed)
    var values = [Float](repeating: 0, count: count * dimension)
    for i in 0..<count {
        for k in 0..<dimension { values[i * dimension + k] = centre[k] + Float(g.gaussian()) }
    }
    return PointMatrix(count: count, dimension: dimension, values: values)
}

/// 100,000 tokens (100 rows × 1000): about 0.9 MB of text.
let decimalText = embeddingText(rows: 100, dimension: 1000, seed: 1)

/// Rows × dimension of the embeddings file streamed through EmbeddingTextReader (~14 MB).
let fileRows = 2000, fileDimension = 768

/// The tile benchmark's shape: m = n = 1024 rows (DistanceKernel's default tile), d = 768.
let tileRows = 1024, tileDimension = 768
let tileX = uniformValues(tileRows * tileDimension, seed: 2)
let tileY = uniformValues(tileRows * tileDimension, seed: 3)

/// Two clusters of 1000 points in 384 dimensions whose means are 6 apart along one axis:
/// σ = 1 per coordinate, so the hulls are disjoint but close relative to their spread.
let hullDimension = 384
let hullA = gaussianCluster(count: 1000, dimension: hullDimension,
                            centre: [Float](repeating: 0, count: hullDimension), seed: 4)
let hullB = gaussianCluster(count: 1000, dimension: hullDimension,
                            centre: [6] + [Float](repeating: 0, count: hullDimension - 1), seed: 5)

/// A scratch embeddings file: written by a benchmark's setup hook, removed by its teardown.
final class ScratchFile: @unchecked Sendable {
    private let lock = NSLock()
    private var path: String?

    /// Writes the file if it does not exist yet; returns its path.
    func create() throws -> String {
        lock.lock()
        defer { lock.unlock() }
        if let path { return path }
        let name = "probe-micro-\(ProcessInfo.processInfo.processIdentifier)-embeddings.txt"
        let url = FileManager.default.temporaryDirectory.appendingPathComponent(name)
        try Data(embeddingText(rows: fileRows, dimension: fileDimension, seed: 6)).write(to: url)
        path = url.path
        return url.path
    }

    /// The path, if the file has been written.
    var current: String? {
        lock.lock()
        defer { lock.unlock() }
        return path
    }

    func remove() {
        lock.lock()
        defer { lock.unlock() }
        if let path { try? FileManager.default.removeItem(atPath: path) }
        path = nil
    }
}

let embeddingsFile = ScratchFile()

func seconds() -> Double { Double(DispatchTime.now().uptimeNanoseconds) * 1e-9 }

/// Custom metrics: rates of the measured iteration (bigger is better).
enum Rate {
    static let megabytesPerSecond = BenchmarkMetric.custom("MB/s", polarity: .prefersLarger, useScalingFactor: false)
    static let gigaflopsPerSecond = BenchmarkMetric.custom("GFLOP/s", polarity: .prefersLarger, useScalingFactor: false)
}

// MARK: - Benchmarks

// Malloc counts are not measured: they need the package's malloc interposer, which its
// default traits enable and Package.swift disables (see there).
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal],
        warmupIterations: 1,
        maxDuration: .seconds(3),
        maxIterations: 1000)
    let threads = ProcessInfo.processInfo.activeProcessorCount

    // Parsing: every token of a buffer of "%.6f" values, one DecimalParser.parse each.
    Benchmark(
        "DecimalParser.parse 100k %.6f tokens",
        configuration: .init(metrics: [.wallClock, Rate.megabytesPerSecond])
    ) { benchmark in
        let start = seconds()
        var sum: Float = 0
        var failures = 0
        decimalText.withUnsafeBufferPointer { text in
            guard let bytes = text.baseAddress else { return }
            let end = text.count
            var i = 0
            while i < end {
                var j = i
                while j < end, bytes[j] > 32 { j += 1 }
                if j > i {
                    switch DecimalParser.parse(bytes, i, j) {
                    case .success(let value): sum += value
                    case .failure: failures += 1
                    }
                }
                i = j + 1
            }
        }
        let elapsed = seconds() - start
        blackHole(sum)
        if failures > 0 { benchmark.error("DecimalParser rejected \(failures) generated tokens") }
        benchmark.measurement(Rate.megabytesPerSecond, Int(Double(decimalText.count) / elapsed / 1e6))
    }

    // Parsing a file end to end: EmbeddingTextReader.stream, all cores, blocks discarded.
    Benchmark(
        "EmbeddingTextReader 2000×768 file",
        configuration: .init(
            metrics: [.wallClock, .cpuTotal, Rate.megabytesPerSecond],
            setup: { _ = try embeddingsFile.create() },
            teardown: { embeddingsFile.remove() })
    ) { benchmark in
        guard let path = embeddingsFile.current else {
            benchmark.error("the embeddings file was not written by the setup hook")
            return
        }
        let reader = EmbeddingTextReader(path: path, expectedRows: fileRows)
        let start = seconds()
        let summary = try reader.stream { block in blackHole(block.values.first) }
        let elapsed = seconds() - start
        guard summary.rows == fileRows, summary.dimension == fileDimension else {
            benchmark.error("read \(summary.rows)×\(summary.dimension), expected \(fileRows)×\(fileDimension)")
            return
        }
        benchmark.measurement(Rate.megabytesPerSecond, Int(Double(summary.bytes) / elapsed / 1e6))
    }

    // The squared-distance tile: row norms of both blocks, then one 1024×1024 tile at d = 768.
    Benchmark(
        "squaredDistances tile 1024×1024 d=768",
        configuration: .init(metrics: [.wallClock, .cpuTotal, Rate.gigaflopsPerSecond])
    ) { benchmark in
        var xNorms = [Float](repeating: 0, count: tileRows), yNorms = [Float](repeating: 0, count: tileRows)
        var out = [Float](repeating: 0, count: tileRows * tileRows)
        benchmark.startMeasurement()
        let start = seconds()
        tileX.withUnsafeBufferPointer { x in
            tileY.withUnsafeBufferPointer { y in
                xNorms.withUnsafeMutableBufferPointer { squaredRowNorms(x, dimension: tileDimension, into: $0) }
                yNorms.withUnsafeMutableBufferPointer { squaredRowNorms(y, dimension: tileDimension, into: $0) }
                xNorms.withUnsafeBufferPointer { xn in
                    yNorms.withUnsafeBufferPointer { yn in
                        out.withUnsafeMutableBufferPointer { o in
                            squaredDistances(x: x, xNorms: xn, y: y, yNorms: yn, dimension: tileDimension,
                                             into: o, threadCount: threads)
                        }
                    }
                }
            }
        }
        let elapsed = seconds() - start
        benchmark.stopMeasurement()
        blackHole(out[out.count - 1])
        let flops = 2 * Double(tileRows) * Double(tileRows) * Double(tileDimension)
        benchmark.measurement(Rate.gigaflopsPerSecond, Int(flops / elapsed / 1e9))
    }

    // Hull distance between two Gaussian clusters (Wolfe's algorithm with certificates).
    Benchmark(
        "hullDistance 1000×384 vs 1000×384 Gaussian",
        configuration: .init(metrics: [.wallClock, .cpuTotal], maxIterations: 50)
    ) { benchmark in
        let result = hullDistance(hullA, hullB)
        blackHole(result)
        if result.verdict != .separable { benchmark.error("the clusters were found to overlap: \(result)") }
    }
}
