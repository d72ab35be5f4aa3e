import Foundation
import ProbeConfig
import ProbeStore
@testable import DirectProbe

/// The repository root, found from this file's path (tests never depend on ../shared).
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
/// The copies of the reference's cases kept in the project.
let casesFolder = repositoryRoot.appendingPathComponent("Tests/DirectProbeTests/Fixtures/cases")

/// A fresh temporary folder, removed when released.
final class TemporaryFolder {
    let path: String
    init() {
        path = NSTemporaryDirectory() + "directprobe-tests-\(getpid())-\(UUID().uuidString)"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(atPath: path) }
    func file(_ relative: String) -> String { (path as NSString).appendingPathComponent(relative) }
    @discardableResult
    func write(_ relative: String, _ text: String) -> String {
        let full = file(relative)
        try? FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: full, contents: Data(text.utf8))
        return full
    }
}

/// A deterministic generator (SplitMix64).
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func gaussian() -> Double {
        let u = Double.random(in: Double.ulpOfOne..<1, using: &self), v = Double.random(in: 0..<1, using: &self)
        return (-2 * log(u)).squareRoot() * cos(2 * .pi * v)
    }
}

/// Writes a probing task (labels, entities, embeddings as text) and returns its config.
func writeTask(in folder: TemporaryFolder, points: [[Float]], labels: [String], mode: String = "probing") throws -> ProbeConfiguration {
    folder.write("task/labels/tags.txt", Set(labels).sorted().joined(separator: "\n") + "\n")
    folder.write("task/entities/train.txt", labels.enumerated().map { "w\($0.offset)\t\($0.element)" }.joined(separator: "\n") + "\n")
    folder.write("task/embeddings/train.txt", points.map { $0.map { String(format: "%.6f", Double($0)) }.joined(separator: " ") }.joined(separator: "\n") + "\n")
    let ini = """
    [run]
    output_path = \(folder.file("results"))
    [data]
    common = \(folder.file("task"))
    label_set_path = ${common}/labels/tags.txt
    entities_path = ${common}/entities/train.txt
    embeddings_path = ${common}/embeddings/train.txt
    [clustering]
    mode = \(mode)
    rate = 0.05
    probing_cluster_path = \(folder.file("results/clusters.txt"))
    """
    return try ProbeConfiguration(INIFile(parsing: ini))
}

/// Runs a configuration quietly.
func runQuietly(_ configuration: ProbeConfiguration, threads: Int = 2, force: Bool = false) throws -> ProbeRun.Outcome {
    var run = ProbeRun(configuration: configuration)
    run.verbose = false
    run.threads = threads
    run.force = force
    return try run.run()
}

/// Reads a result file of `name,value` lines.
func readValues(_ path: String) throws -> [String: Double] {
    var out: [String: Double] = [:]
    for line in try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n") {
        guard let comma = line.lastIndex(of: ",") else { continue }
        out[String(line[..<comma])] = Double(line[line.index(after: comma)...])
    }
    return out
}

/// Reads a clusters.txt as a partition: the sorted list of member lists.
func readPartition(_ path: String) throws -> [[Int]] {
    var groups: [Int: [Int]] = [:]
    for (i, line) in try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").enumerated() {
        groups[Int(line) ?? -1, default: []].append(i)
    }
    return groups.values.sorted { $0[0] < $1[0] }
}
