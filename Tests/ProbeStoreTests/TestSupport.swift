import Foundation
@testable import ProbeStore
import TestSupport

/// Random `rows × dim` values and their "%.6f" text (one row per line).
func makeEmbeddings(rows: Int, dim: Int, seed: UInt64) -> (values: [[Float]], text: String) {
    var rng = SeededGenerator(seed: seed)
    var values: [[Float]] = []
    var text = ""
    for _ in 0..<rows {
        let row = (0..<dim).map { _ in Float(Double.random(in: -3...3, using: &rng)) }
        let line = row.map { String(format: "%.6f", Double($0)) }
        values.append(line.map { Float($0)! })
        text += line.joined(separator: " ") + "\n"
    }
    return (values, text)
}

/// Writes a small task in the closer-look layout: 3 labels, train and test, two layers.
func makeTask(in folder: TemporaryFolder, trainRows: Int = 30, testRows: Int = 9, dim: Int = 5) -> [String: [[Float]]] {
    folder.write("task/labels/tags.txt", "b\na\nc\n\na\n")
    var matrices: [String: [[Float]]] = [:]
    for (split, rows) in [("train", trainRows), ("test", testRows)] {
        folder.write("task/entities/\(split).txt", (0..<rows).map { "w\($0)\t\(["a", "b", "c"][$0 % 3])" }.joined(separator: "\n") + "\n")
        for layer in [1, 2] {
            let (values, text) = makeEmbeddings(rows: rows, dim: dim, seed: UInt64(layer * 100 + rows))
            folder.write("task/embeddings/m/\(split)/0/\(layer).txt", text)
            matrices["m/\(split)/0/\(layer)"] = values
        }
    }
    return matrices
}

/// The path of an executable product built next to the test binary (`swift test` builds them all).
func builtExecutable(_ name: String) -> URL? {
    let testBinary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
    var candidates = [testBinary.deletingLastPathComponent()]
    // On macOS the tests run inside .build/debug/X.xctest/Contents/MacOS.
    candidates += Bundle.allBundles.map { $0.bundleURL.deletingLastPathComponent() }
    return candidates.map { $0.appendingPathComponent(name) }.first { FileManager.default.isExecutableFile(atPath: $0.path) }
}

/// The shared generator, named here once so that every file of this target sees it.
typealias SeededGenerator = TestSupport.SeededGenerator
/// The shared temporary folder, named here once for the same reason.
typealias TemporaryFolder = TestSupport.TemporaryFolder
