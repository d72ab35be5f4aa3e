import Foundation
import ProbeConfig
import ProbeStore
@testable import DirectProbe
import TestSupport

/// The repository root, found from this file's path (tests never depend on ../shared).
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
/// The copies of the reference's cases kept in the project.
let casesFolder = repositoryRoot.appendingPathComponent("Tests/DirectProbeTests/Fixtures/cases")

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

/// The shared generator, named here once so that every file of this target sees it.
typealias SeededGenerator = TestSupport.SeededGenerator
/// The shared temporary folder, named here once for the same reason.
typealias TemporaryFolder = TestSupport.TemporaryFolder
