// kernel-bench: GFLOP/s of plain OpenBLAS cblas_sgemm, of the project's squared-distance
// tile pipeline (squaredRowNorms + squaredDistances over tile×tile blocks) and of
// DistanceKernel.pairwiseStatistics, side by side on the same shapes, in one run.
//
// Flops are counted as 2·m·n·d: for sgemm and the pipeline m = n = the point count; for
// pairwiseStatistics, which computes only the upper triangle of tiles (diagonal tiles in
// full), the sum of 2·rows·cols·d over the tiles it computes. Times are the best of
// `--repeats` runs after one warm-up run. Run: tools/bench-kernel.sh [options]
import CBLASBench
import Dispatch
import Foundation
import ProbeKernels

// MARK: - Options

struct Options {
    var sizes = [2048, 4096]
    var dimensions = [384, 768, 1024]
    var repeats = 5
    var threads = ProcessInfo.processInfo.activeProcessorCount
    var tile = 1024
    var runPairwise = true

    static let usage = """
        usage: kernel-bench [--sizes 2048,4096] [--dims 384,768,1024] [--repeats 5]
                            [--threads N] [--tile 1024] [--no-pairwise]
        """

    /// Parses the command line; nil (after printing why) on a bad argument.
    static func parse(_ arguments: [String]) -> Options? {
        var options = Options()
        var rest = arguments[...]
        func list(_ text: String) -> [Int]? {
            let values = text.split(separator: ",").compactMap { Int($0) }
            return values.isEmpty || values.contains(where: { $0 <= 0 }) || values.count != text.split(separator: ",").count
                ? nil : values
        }
        while let flag = rest.popFirst() {
            if flag == "--no-pairwise" { options.runPairwise = false; continue }
            if flag == "-h" || flag == "--help" { print(usage); exit(0) }
            guard let value = rest.popFirst() else {
                printError("kernel-bench: \(flag) needs a value")
                return nil
            }
            switch flag {
            case "--sizes":
                guard let v = list(value) else { printError("kernel-bench: bad --sizes \(value)"); return nil }
                options.sizes = v
            case "--dims":
                guard let v = list(value) else { printError("kernel-bench: bad --dims \(value)"); return nil }
                options.dimensions = v
            case "--repeats", "--threads", "--tile":
                guard let v = Int(value), v > 0 else { printError("kernel-bench: bad \(flag) \(value)"); return nil }
                if flag == "--repeats" { options.repeats = v } else if flag == "--threads" { options.threads = v } else { options.tile = v }
            default:
                printError("kernel-bench: unknown option \(flag)")
                return nil
            }
        }
        return options
    }
}

/// Writes `message` to standard error, followed by the usage for command-line mistakes.
func printError(_ message: String, usage: Bool = true) {
    FileHandle.standardError.write(Data((message + "\n" + (usage ? Options.usage + "\n" : "")).utf8))
}

// MARK: - Helpers

func seconds() -> Double { Double(DispatchTime.now().uptimeNanoseconds) * 1e-9 }

/// SplitMix64: a fixed seed gives the same data on every run.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

func randomValues(_ count: Int, seed: UInt64) -> [Float] {
    var g = SplitMix(state: seed)
    return (0..<count).map { _ in Float.random(in: -1...1, using: &g) }
}

/// Best wall-clock time of each body over `repeats` rounds, after one untimed warm-up
/// round. Each round runs every body once, in order, so that a burst of load from other
/// processes on a shared machine hits all contenders alike rather than one of them.
func bestTimes(_ repeats: Int, _ bodies: [() throws -> Void]) throws -> [Double] {
    for body in bodies { try body() }
    var best = [Double](repeating: .infinity, count: bodies.count)
    for _ in 0..<repeats {
        for (k, body) in bodies.enumerated() {
            let t0 = seconds()
            try body()
            best[k] = min(best[k], seconds() - t0)
        }
    }
    return best
}

func pad(_ text: String, _ width: Int) -> String {
    text.count >= width ? text : String(repeating: " ", count: width - text.count) + text
}

func fixed(_ value: Double, _ digits: Int) -> String { String(format: "%.\(digits)f", value) }

// MARK: - The three contenders

/// C = −2·X·Yᵀ with one sgemm over the whole n×n output.
func plainSgemm(_ x: [Float], _ y: [Float], n: Int, d: Int, into c: inout [Float]) {
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(n), Int32(n), Int32(d),
                -2, x, Int32(d), y, Int32(d), 0, &c, Int32(n))
}

/// The squared-distance pipeline over the full n×n distance matrix, tile by tile: the
/// row norms of both sets, then `squaredDistances` on every tile×tile block (the last
/// block of a row or column may be smaller). `out` holds one tile.
func tilePipeline(
    _ x: UnsafeBufferPointer<Float>, _ y: UnsafeBufferPointer<Float>, n: Int, d: Int, tile: Int,
    xNorms: UnsafeMutableBufferPointer<Float>, yNorms: UnsafeMutableBufferPointer<Float>,
    out: UnsafeMutableBufferPointer<Float>, threads: Int
) {
    squaredRowNorms(x, dimension: d, into: xNorms)
    squaredRowNorms(y, dimension: d, into: yNorms)
    let xn = UnsafeBufferPointer(xNorms), yn = UnsafeBufferPointer(yNorms)
    for r0 in stride(from: 0, to: n, by: tile) {
        let r = r0..<min(n, r0 + tile)
        for s0 in stride(from: 0, to: n, by: tile) {
            let s = s0..<min(n, s0 + tile)
            squaredDistances(
                x: UnsafeBufferPointer(rebasing: x[(r.lowerBound * d)..<(r.upperBound * d)]),
                xNorms: UnsafeBufferPointer(rebasing: xn[r]),
                y: UnsafeBufferPointer(rebasing: y[(s.lowerBound * d)..<(s.upperBound * d)]),
                yNorms: UnsafeBufferPointer(rebasing: yn[s]),
                dimension: d,
                into: UnsafeMutableBufferPointer(rebasing: out[0..<(r.count * s.count)]),
                threadCount: threads)
        }
    }
}

/// The sgemm flops of pairwiseStatistics on n points: 2·rows·cols·d over the upper
/// triangle of tile×tile blocks, diagonal blocks included in full.
func triangleFlops(n: Int, d: Int, tile: Int) -> Double {
    var flops = 0.0
    for r0 in stride(from: 0, to: n, by: tile) {
        for s0 in stride(from: r0, to: n, by: tile) {
            flops += 2 * Double(min(tile, n - r0)) * Double(min(tile, n - s0)) * Double(d)
        }
    }
    return flops
}

/// Largest relative difference between a few tile values and float64 direct squared
/// distances (a check that the pipeline computed what is timed).
func spotCheck(_ x: [Float], _ y: [Float], d: Int, tile: [Float], rows: Int, cols: Int, rowOffset: Int, colOffset: Int) -> Double {
    var g = SplitMix(state: 99)
    var worst = 0.0
    for _ in 0..<32 {
        let i = Int.random(in: 0..<rows, using: &g), j = Int.random(in: 0..<cols, using: &g)
        var s = 0.0
        for k in 0..<d {
            let t = Double(x[(rowOffset + i) * d + k]) - Double(y[(colOffset + j) * d + k])
            s += t * t
        }
        worst = max(worst, abs(Double(tile[i * cols + j]) - s) / max(s, .leastNormalMagnitude))
    }
    return worst
}

// MARK: - Main

guard let options = Options.parse(Array(CommandLine.arguments.dropFirst())) else { exit(2) }
openblas_set_num_threads(Int32(options.threads))
let threads = Int(openblas_get_num_threads())
let core = String(cString: openblas_get_corename())
let config = String(cString: openblas_get_config())
print("OpenBLAS \(core) (\(config.trimmingCharacters(in: .whitespaces)))")
print("\(threads) BLAS threads, \(options.threads) elementwise threads, tile \(options.tile) (or n if smaller), best of \(options.repeats) interleaved rounds after a warm-up")
print("GFLOP/s counting 2·m·n·d (pairwiseStatistics: over the upper-triangle tiles it computes)")
print("")
var header = pad("m=n", 6) + pad("d", 6) + pad("sgemm", 10) + pad("pipeline", 10) + pad("ratio", 8)
if options.runPairwise { header += pad("pairwise", 10) + pad("ratio", 8) }
header += pad("max rel.err", 13)
print(header)

for n in options.sizes {
    for d in options.dimensions {
        let x = randomValues(n * d, seed: 1), y = randomValues(n * d, seed: 2)
        let flops = 2.0 * Double(n) * Double(n) * Double(d)

        let tile = min(options.tile, n)
        var c = [Float](repeating: 0, count: n * n)
        var xNorms = [Float](repeating: 0, count: n), yNorms = [Float](repeating: 0, count: n)
        var out = [Float](repeating: 0, count: tile * tile)
        var contenders: [() throws -> Void] = [
            { plainSgemm(x, y, n: n, d: d, into: &c) },
            {
                x.withUnsafeBufferPointer { xb in
                    y.withUnsafeBufferPointer { yb in
                        xNorms.withUnsafeMutableBufferPointer { xn in
                            yNorms.withUnsafeMutableBufferPointer { yn in
                                out.withUnsafeMutableBufferPointer { o in
                                    tilePipeline(xb, yb, n: n, d: d, tile: tile, xNorms: xn, yNorms: yn,
                                                 out: o, threads: options.threads)
                                }
                            }
                        }
                    }
                }
            },
        ]
        let times: [Double]
        do {
            if options.runPairwise {
                let points = try PointSet(DenseRows(dimension: d, values: x))
                let kernel = DistanceKernel(threadCount: options.threads, tileSize: tile)
                contenders.append { _ = try kernel.pairwiseStatistics(of: points) }
            }
            times = try bestTimes(options.repeats, contenders)
        } catch {
            printError("kernel-bench: pairwiseStatistics failed on n=\(n) d=\(d): \(error)", usage: false)
            exit(1)
        }
        // `out` holds the last tile: rows and columns from the last multiple of the tile size.
        let last = ((n - 1) / tile) * tile
        let error = spotCheck(x, y, d: d, tile: out, rows: n - last, cols: n - last,
                              rowOffset: last, colOffset: last)

        let gSgemm = flops / times[0] / 1e9, gPipe = flops / times[1] / 1e9
        var line = pad("\(n)", 6) + pad("\(d)", 6) + pad(fixed(gSgemm, 1), 10) + pad(fixed(gPipe, 1), 10)
            + pad(fixed(100 * gPipe / gSgemm, 0) + "%", 8)
        if options.runPairwise {
            let gPair = triangleFlops(n: n, d: d, tile: tile) / times[2] / 1e9
            line += pad(fixed(gPair, 1), 10) + pad(fixed(100 * gPair / gSgemm, 0) + "%", 8)
        }
        line += pad(String(format: "%.1e", error), 13)
        print(line)
    }
}
print("")
print("ratio: GFLOP/s as a percentage of sgemm's on the same shape; max rel.err: 32 pipeline values vs float64")
