import Foundation
import Synchronization
import ProbeConfig
@testable import ProbeStore
import Testing
@testable import DirectProbe
import ResultSchema
import ProbeKernels

/// Three separated blobs of 12 points in 4 dimensions, labels a, b, c, scaled by `scale`.
func threeBlobs(scale: Double = 1, seed: UInt64 = 7) -> (points: [[Float]], labels: [String]) {
    var rng = SeededGenerator(seed: seed)
    var points: [[Float]] = []
    var labels: [String] = []
    for (index, label) in ["a", "b", "c"].enumerated() {
        for _ in 0..<12 {
            let center = Double(index) * 10
            points.append((0..<4).map { k in Float((k == index % 4 ? center : 0) + rng.gaussian()) * Float(scale) })
            labels.append(label)
        }
    }
    return (points, labels)
}

/// Issue 9 case 1: huge cluster numbers in clusters.txt.
@Suite("Hardening: cluster numbers")
struct ClusterNumberTests {
    @Test("any cluster numbering gives the same analysis as a compact one, in memory independent of the numbers")
    func hugeNumbers() throws {
        let folder = TemporaryFolder()
        let (points, labels) = threeBlobs()
        var configuration = try writeTask(in: folder, points: points, labels: labels, mode: "prediction")
        // Compact numbering: one cluster per label.
        let compact = labels.map { ["a": 0, "b": 1, "c": 2][$0] ?? 0 }
        let huge = compact.map { [4_000_000_000, Int.max, 1_000_000_000][$0] }
        configuration.probingClusterPath = folder.write("compact.txt", compact.map { "\($0)\n" }.joined())
        configuration.outputPath = folder.file("compact")
        _ = try runQuietly(configuration)
        configuration.probingClusterPath = folder.write("huge.txt", huge.map { "\($0)\r\n" }.joined())
        configuration.outputPath = folder.file("huge")
        let outcome = try runQuietly(configuration)
        #expect(outcome.analysis.clusters.map { $0.number ?? -1 }.sorted() == [1_000_000_000, 4_000_000_000, Int.max])
        for name in ["vec.txt", "outside_min.txt", "inside_mean.txt", "inside_max.txt"] {
            let a = try String(contentsOfFile: folder.file("compact/\(name)"), encoding: .utf8)
            let b = try String(contentsOfFile: folder.file("huge/\(name)"), encoding: .utf8)
            #expect(a == b, "\(name) differs")
        }
    }

    @Test("a number beyond Int.max is an error naming the line and column")
    func overflow() throws {
        let text = "0\n  9223372036854775808\n"
        #expect { try ClusterFile.parse(Array(text.utf8), path: "c.txt", pointCount: 2) } throws: { error in
            guard let error = error as? InputError else { return false }
            return error.file == "c.txt" && error.line == 2 && error.column == 3 && error.message.contains("too large")
        }
    }

    @Test("bad tokens are named by line and column, control characters in hex", arguments: [
        ("0\n-1\n", 2, 1, "'-'"), ("0\n1 2\n", 2, 3, "'2'"), ("0\n\u{1B}[31m\n", 2, 1, "0x1B"), ("0\n1\r\r\n", 2, 2, "0x0D"),
    ])
    func badTokens(text: String, line: Int, column: Int, shown: String) throws {
        #expect { try ClusterFile.parse(Array(text.utf8), path: "c.txt", pointCount: 2) } throws: { error in
            guard let error = error as? InputError else { return false }
            return error.line == line && error.column == column && error.message.contains(shown)
        }
    }

    @Test("grouping sorts by number then point, whatever the magnitude")
    func grouping() {
        let groups = ClusterFile.group([Int.max, 0, Int.max, 5, 0])
        #expect(groups.map(\.number) == [0, 5, Int.max])
        #expect(groups.map(\.members) == [[1, 4], [3], [0, 2]])
    }
}

/// Writes `rows` as the float32 dataset `/embeddings/x` of a new store at `path`.
func writeMatrixStore(_ path: String, rows: [[Float]], columns: Int) throws {
    let file = try H5File.create(path: path)
    let matrix = try file.createMatrix("/embeddings/x", rows: rows.count, columns: columns, storage: .contiguous)
    try rows.flatMap { $0 }.withUnsafeBufferPointer { try matrix.writeRows(firstRow: 0, rowCount: rows.count, columns: columns, from: $0) }
    try file.flush()
}

/// Issue 9 cases 2 and 4: `.h5` inputs with 0 columns or non-finite values fail before any work.
@Suite("Hardening: store inputs of a run")
struct StoreInputRunTests {
    @Test("a 0-column training dataset is an input error, not a trap")
    func zeroColumns() throws {
        let folder = TemporaryFolder()
        let (points, labels) = threeBlobs()
        var configuration = try writeTask(in: folder, points: points, labels: labels)
        try writeMatrixStore(folder.file("zero.h5"), rows: Array(repeating: [], count: points.count), columns: 0)
        configuration.embeddingsPath = folder.file("zero.h5") + ":x"
        #expect { try runQuietly(configuration) } throws: { error in
            (error as? InputError)?.message.contains("0 values") == true
        }
    }

    @Test("NaN or infinity in training or test embeddings (.h5) is an error naming row and column", arguments: [false, true])
    func nonFinite(inTest: Bool) throws {
        let folder = TemporaryFolder()
        let (points, labels) = threeBlobs()
        var configuration = try writeTask(in: folder, points: points, labels: labels)
        var bad = points
        bad[30][2] = inTest ? .infinity : .nan
        try writeMatrixStore(folder.file("bad.h5"), rows: bad, columns: 4)
        if inTest {
            configuration.testEntitiesPath = configuration.entitiesPath
            configuration.testEmbeddingsPath = folder.file("bad.h5") + ":x"
        } else {
            configuration.embeddingsPath = folder.file("bad.h5") + ":x"
        }
        #expect { try runQuietly(configuration) } throws: { error in
            guard let error = error as? InputError else { return false }
            return error.file.hasSuffix("bad.h5:x") && error.message.contains("\(inTest ? "+infinity" : "NaN") at row 31, column 3")
        }
    }
}

/// Issue 9 case 5: results do not depend on the units of the embeddings.
@Suite("Hardening: units")
struct UnitTests {
    /// Probes three tangled blobs (with a test split) at `scale` and returns the partition and analysis.
    func probe(scale: Double, in folder: TemporaryFolder) throws -> (partition: [[Int]], outcome: ProbeRun.Outcome) {
        // One blob split by the sign of the first coordinate, with a few labels flipped, so
        // that probing has to split labels into several clusters.
        var rng = SeededGenerator(seed: 11)
        let points = (0..<48).map { _ in (0..<3).map { _ in Float(rng.gaussian()) } }
        let labels = points.enumerated().map { index, point in (point[0] > 0) != (index % 9 == 0) ? "a" : "b" }
        var configuration = try writeTask(in: folder, points: points, labels: labels)
        let text = points.map { row in row.map { String(format: "%.8e", Double($0) * scale) }.joined(separator: " ") }.joined(separator: "\n") + "\n"
        configuration.embeddingsPath = folder.write("scaled.txt", text)
        configuration.testEntitiesPath = configuration.entitiesPath
        configuration.testEmbeddingsPath = configuration.embeddingsPath
        configuration.outputPath = folder.file("results")
        let outcome = try runQuietly(configuration)
        return (try readPartition(folder.file("results/clusters.txt")), outcome)
    }

    @Test("the partition, accuracy and distances (relative to the scale) are the same at scales 1e-30, 1, 1e20 and 1e30")
    func scales() throws {
        let reference = try probe(scale: 1, in: TemporaryFolder())
        #expect(reference.partition.count > 3, "the case should need more clusters than labels")
        for scale in [1e-30, 1e20, 1e30] {
            let scaled = try probe(scale: scale, in: TemporaryFolder())
            #expect(scaled.partition == reference.partition, "partition differs at scale \(scale)")
            #expect(scaled.outcome.prediction?.accuracy == reference.outcome.prediction?.accuracy)
            let a = reference.outcome.analysis, b = scaled.outcome.analysis
            for (x, y) in zip(a.labelPairDistances + a.insideMean + a.insideMax, b.labelPairDistances + b.insideMean + b.insideMax) {
                #expect(y.isFinite && abs(y / scale - x) <= 1e-4 * max(1, abs(x)), "\(y) at scale \(scale) vs \(x)")
            }
            #expect(try JSONSerialization.jsonObject(with: scaled.outcome.summary.jsonText().data(using: .utf8) ?? Data()) is [String: Any])
        }
    }
}

/// Runs the built `probe` (next to the test binary) and returns its status, stderr and stdout;
/// nil when it is not built.
func runProbe(_ arguments: [String], in directory: String? = nil, environment: [String: String]? = nil) throws -> (status: Int32, stderr: String, stdout: String)? {
    try runBuilt("probe", arguments, in: directory, environment: environment)
}

/// The path of a tool built next to the test binary, if there is one.
func builtTool(_ name: String) -> URL? {
    let testBinary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
    let candidates = [testBinary.deletingLastPathComponent()] + Bundle.allBundles.map { $0.bundleURL.deletingLastPathComponent() }
    return candidates.map { $0.appendingPathComponent(name) }.first { FileManager.default.isExecutableFile(atPath: $0.path) }
}

/// Runs a tool built next to the test binary; nil when it is not built.
func runBuilt(_ name: String, _ arguments: [String], in directory: String? = nil, environment: [String: String]? = nil) throws -> (status: Int32, stderr: String, stdout: String)? {
    guard let tool = builtTool(name) else { return nil }
    let process = Process()
    process.executableURL = tool
    process.arguments = arguments
    if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
    if let environment { process.environment = environment }
    let errors = Pipe(), output = Pipe()
    process.standardError = errors
    process.standardOutput = output
    try process.run()
    let errorData = errors.fileHandleForReading.readDataToEndOfFile()
    let outputData = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: errorData, as: UTF8.self), String(decoding: outputData, as: UTF8.self))
}

/// Issue 9 case 9: `probe report -o` never replaces a file without --force, nor a non-file.
@Suite("Hardening: report output")
struct ReportOutputTests {
    @Test("an existing report file needs --force; a pipe or folder is refused even with it")
    func existing() throws {
        let folder = TemporaryFolder()
        let (points, labels) = threeBlobs()
        let configuration = try writeTask(in: folder, points: points, labels: labels)
        _ = try runQuietly(configuration)
        let html = folder.write("report.html", "keep me\n")
        guard let refused = try runProbe(["report", configuration.outputPath, "-o", html]) else {
            Issue.record("probe is not built next to the tests"); return
        }
        #expect(refused.status == 1)
        #expect(refused.stderr.contains(html) && refused.stderr.contains("--force"), "\(refused.stderr)")
        #expect(try String(contentsOfFile: html, encoding: .utf8) == "keep me\n")
        let forced = try runProbe(["report", configuration.outputPath, "-o", html, "--force"])
        #expect(forced?.status == 0, "\(forced?.stderr ?? "")")
        #expect(try String(contentsOfFile: html, encoding: .utf8).contains("<html"))
        mkfifo(folder.file("pipe"), 0o600)
        for target in [folder.file("pipe"), folder.path] {
            let result = try runProbe(["report", configuration.outputPath, "-o", target, "--force"])
            #expect(result?.status == 1)
            #expect(result?.stderr.contains("not a regular file") == true, "\(result?.stderr ?? "")")
        }
    }
}

/// Issue 9 case 12: every input is checked before any work; a failed run leaves the folder reusable.
@Suite("Hardening: input validation")
struct InputValidationTests {
    /// A fresh probing task with a test split (the training points again).
    func task(_ folder: TemporaryFolder) throws -> ProbeConfiguration {
        let (points, labels) = threeBlobs()
        var configuration = try writeTask(in: folder, points: points, labels: labels)
        configuration.testEntitiesPath = configuration.entitiesPath
        configuration.testEmbeddingsPath = configuration.embeddingsPath
        return configuration
    }

    @Test("bad inputs fail before the output folder is created", arguments: ["missing test", "test dimension", "train rows", "half test", "clusters"])
    func early(problem: String) throws {
        let folder = TemporaryFolder()
        var configuration = try task(folder)
        let train = try String(contentsOfFile: configuration.embeddingsPath ?? "", encoding: .utf8)
        let expected: String
        switch problem {
        case "missing test":
            configuration.testEmbeddingsPath = folder.file("nowhere/test.txt")
            expected = "nowhere/test.txt"
        case "test dimension":
            configuration.testEmbeddingsPath = folder.write("test3.txt", train.split(separator: "\n").map { $0.split(separator: " ").dropLast().joined(separator: " ") }.joined(separator: "\n") + "\n")
            expected = "test vectors have 3 values but the training vectors"
        case "train rows":
            configuration.embeddingsPath = folder.write("short.txt", train.split(separator: "\n").dropLast().joined(separator: "\n") + "\n")
            expected = "35 vectors but"
        case "half test":
            configuration.testEmbeddingsPath = nil
            expected = "data.test_embeddings_path is not"
        default:
            configuration.mode = .prediction
            configuration.probingClusterPath = folder.write("clusters.txt", "0\n1\n")
            expected = "2 cluster numbers but 36 training points"
        }
        #expect { try runQuietly(configuration) } throws: { error in
            "\(error)".contains(expected)
        }
        #expect(!FileManager.default.fileExists(atPath: configuration.outputPath), "the output folder was touched")
    }

    @Test("an input error found late (a bad number in the test embeddings) leaves the folder reusable without --force")
    func late() throws {
        let folder = TemporaryFolder()
        var configuration = try task(folder)
        let train = try String(contentsOfFile: configuration.embeddingsPath ?? "", encoding: .utf8)
        var lines = train.split(separator: "\n").map(String.init)
        lines[20] = lines[20].replacingOccurrences(of: " ", with: " 1.2.3 ", options: [], range: lines[20].range(of: " "))
            .split(separator: " ").prefix(4).joined(separator: " ")
        configuration.testEmbeddingsPath = folder.write("test.txt", lines.joined(separator: "\n") + "\n")
        #expect { try runQuietly(configuration) } throws: { error in
            (error as? InputError)?.line == 21
        }
        let left = try FileManager.default.contentsOfDirectory(atPath: configuration.outputPath)
        #expect(left.allSatisfy { $0.hasPrefix(".") }, "left behind: \(left)")
        #expect(left.contains(".failed-run.log"))
        configuration.testEmbeddingsPath = configuration.embeddingsPath
        let outcome = try runQuietly(configuration)   // no --force needed
        #expect(outcome.prediction?.accuracy == 1)
    }
}

/// Issue 9 case 11 (and issue 10 item 2): an interrupted `probe` cleans up and says so.
@Suite("Hardening: interrupted runs")
struct InterruptTests {
    @Test("SIGINT or SIGTERM during probing removes the scratch folder, logs the signal and ends stderr's line", arguments: [SIGINT, SIGTERM])
    func interrupted(signal: Int32) throws {
        let folder = TemporaryFolder()
        // Random labels on random points: probing takes far longer than the test waits.
        var rng = SeededGenerator(seed: 5)
        let points = (0..<3000).map { _ in (0..<8).map { _ in Float(rng.gaussian()) } }
        let labels = (0..<3000).map { _ in Bool.random(using: &rng) ? "a" : "b" }
        _ = try writeTask(in: folder, points: points, labels: labels)
        let ini = """
        [run]
        output_path = \(folder.file("results"))
        [data]
        label_set_path = \(folder.file("task/labels/tags.txt"))
        entities_path = \(folder.file("task/entities/train.txt"))
        embeddings_path = \(folder.file("task/embeddings/train.txt"))
        [clustering]
        mode = probing
        rate = 0.05
        """
        let config = folder.write("config.ini", ini)
        let testBinary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        let candidates = [testBinary.deletingLastPathComponent()] + Bundle.allBundles.map { $0.bundleURL.deletingLastPathComponent() }
        guard let tool = candidates.map({ $0.appendingPathComponent("probe") }).first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
            Issue.record("probe is not built next to the tests"); return
        }
        let process = Process()
        process.executableURL = tool
        process.arguments = ["-c", config, "--threads", "1"]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let log = folder.file("results/log.txt")
        let scratch = folder.file("results/.probe-scratch")
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline, process.isRunning,
              !((try? String(contentsOfFile: log, encoding: .utf8))?.contains("Finish loading embeddings") ?? false) {
            usleep(5_000)
        }
        let wasProbing = process.isRunning && FileManager.default.fileExists(atPath: scratch)
        kill(process.processIdentifier, signal)
        let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(wasProbing, "probe finished or had not loaded its points before the signal")
        guard wasProbing else { return }
        #expect(process.terminationReason == .exit && process.terminationStatus == 128 + signal)
        #expect(!FileManager.default.fileExists(atPath: scratch), "the scratch folder is left behind")
        let left = try FileManager.default.contentsOfDirectory(atPath: folder.file("results"))
        #expect(!left.contains { $0.contains(".partial-") }, "temporary files left: \(left)")
        let name = signal == SIGINT ? "SIGINT" : "SIGTERM"
        let lastLine = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n").last.map(String.init) ?? ""
        #expect(lastLine.hasSuffix("interrupted by \(name)"), "last log line: \(lastLine)")
        #expect(stderr.contains("\ninterrupted") || stderr.contains("\n\n") || stderr.hasSuffix("interrupted by \(name)\n"), "stderr: \(stderr.suffix(200))")
    }
}

/// Issue 10 item 2: the cleanup registry the executables run on a signal.
@Suite("Cleanup registry")
struct CleanupRegistryTests {
    @Test("notes run before files and folders are removed; unregistered entries are kept; any number of entries")
    func runAll() throws {
        let folder = TemporaryFolder()
        let registry = CleanupRegistry()
        let kept = folder.write("kept.txt", "x")
        let keptRegistration = registry.register(file: kept)
        registry.unregister(keptRegistration)
        let files = (0..<300).map { folder.write("tmp/\($0).partial", "x") }   // more than the old 64-slot table
        for file in files { _ = registry.register(file: file) }
        _ = registry.register(folder: folder.file("scratch"))
        folder.write("scratch/a/b.h5", "x")
        let sawFiles = LockedFlag()
        _ = registry.register { reason in
            sawFiles.set(FileManager.default.fileExists(atPath: files[0]) && reason == "interrupted by SIGINT")
        }
        #expect(registry.count == 302)
        registry.runAll(reason: "interrupted by SIGINT")
        #expect(sawFiles.value)
        #expect(files.allSatisfy { !FileManager.default.fileExists(atPath: $0) })
        #expect(!FileManager.default.fileExists(atPath: folder.file("scratch")))
        #expect(FileManager.default.fileExists(atPath: kept))
    }

    @Test("cleanUpNow removes one folder at once and forgets it")
    func cleanUpNow() {
        let folder = TemporaryFolder()
        let registry = CleanupRegistry()
        folder.write("s/x", "x")
        let registration = registry.register(folder: folder.file("s"))
        registry.cleanUpNow(registration)
        #expect(!FileManager.default.fileExists(atPath: folder.file("s")))
        #expect(registry.count == 0)
    }
}

/// A Bool set from a @Sendable closure.
final class LockedFlag: Sendable {
    private let stored = Mutex(false)
    var value: Bool { stored.withLock { $0 } }
    func set(_ value: Bool) { stored.withLock { $0 = value } }
}

/// Issue 9 case 3: a full disk is an error, never a crash (a 2 MB tmpfs; needs root, else skipped).
@Suite("Hardening: disk full")
struct DiskFullTests {
    /// Mounts a 2 MB tmpfs at a fresh folder and returns it, or nil when that is not allowed.
    static func smallDisk(in folder: TemporaryFolder) -> String? {
        guard getuid() == 0 else { return nil }
        let mountPoint = folder.file("disk")
        try? FileManager.default.createDirectory(atPath: mountPoint, withIntermediateDirectories: true)
        let mount = Process()
        mount.executableURL = URL(fileURLWithPath: "/bin/mount")
        mount.arguments = ["-t", "tmpfs", "-o", "size=2m", "tmpfs", mountPoint]
        mount.standardError = FileHandle.nullDevice
        guard (try? mount.run()) != nil else { return nil }
        mount.waitUntilExit()
        return mount.terminationStatus == 0 ? mountPoint : nil
    }

    static func unmount(_ mountPoint: String) {
        let umount = Process()
        umount.executableURL = URL(fileURLWithPath: "/bin/umount")
        umount.arguments = [mountPoint]
        try? umount.run()
        umount.waitUntilExit()
    }

    @Test("probe-convert and probe's scratch store fail with status 1 and a message on a full disk, and leave nothing behind",
          .enabled(if: getuid() == 0, "mounting a tmpfs needs root"))
    func diskFull() throws {
        let folder = TemporaryFolder()
        guard let disk = Self.smallDisk(in: folder) else { return }  // no tmpfs here (e.g. a container without CAP_SYS_ADMIN)
        defer { Self.unmount(disk) }
        var rng = SeededGenerator(seed: 3)
        let points = (0..<6000).map { _ in (0..<128).map { _ in Float(rng.gaussian()) } }   // ~3 MB as float32
        let labels = (0..<6000).map { ["a", "b"][$0 % 2] }
        _ = try writeTask(in: folder, points: points, labels: labels)
        let text = folder.file("task/embeddings/train.txt")
        for extra in [[], ["--compress", "1"]] {
            guard let result = try runBuilt("probe-convert", [text, "-o", disk + "/out.h5", "--quiet"] + extra) else {
                Issue.record("probe-convert is not built next to the tests"); return
            }
            #expect(result.status == 1, "\(extra): \(result.stderr.suffix(300))")
            #expect(result.stderr.contains("No space left on device"), "\(result.stderr.suffix(300))")
            #expect(!result.stderr.contains("HDF5-DIAG"))
            #expect(try FileManager.default.contentsOfDirectory(atPath: disk).isEmpty)
        }
        let ini = """
        [run]
        output_path = \(disk)/results
        [data]
        label_set_path = \(folder.file("task/labels/tags.txt"))
        entities_path = \(folder.file("task/entities/train.txt"))
        embeddings_path = \(text)
        [clustering]
        mode = probing
        rate = 0.05
        """
        let result = try runProbe(["-c", folder.write("config.ini", ini), "--quiet"])
        #expect(result?.status == 1, "\(result?.stderr.suffix(300) ?? "")")
        #expect(result?.stderr.contains("No space left on device") == true, "\(result?.stderr.suffix(300) ?? "")")
        #expect(!FileManager.default.fileExists(atPath: disk + "/results/.probe-scratch"))
    }
}

/// Issue 9 case 6: clusters that mix labels are labelled by their majority, with a warning.
@Suite("Hardening: mixed-label clusters")
struct MixedLabelTests {
    @Test("the log and summary.json name each mixed cluster with its label counts; the majority label is kept")
    func mixed() throws {
        let folder = TemporaryFolder()
        let (points, labels) = threeBlobs()
        var configuration = try writeTask(in: folder, points: points, labels: labels, mode: "prediction")
        // All of a and the first three b points in cluster 7, the other b in 9, c in 2.
        var seenB = 0
        let numbers = labels.map { label -> Int in
            switch label {
            case "a": return 7
            case "b": seenB += 1; return seenB <= 3 ? 7 : 9
            default: return 2
            }
        }
        configuration.probingClusterPath = folder.write("clusters.txt", numbers.map { "\($0)\n" }.joined())
        let outcome = try runQuietly(configuration)
        #expect(outcome.summary.mixedLabelClusters == [MixedLabelCluster(cluster: 7, label: "a", counts: ["a": 12, "b": 3])])
        let seven = outcome.analysis.clusters.first { $0.number == 7 }
        #expect(seven.map { outcome.analysis.labels[$0.label] } == "a")
        let log = try String(contentsOfFile: folder.file("results/log.txt"), encoding: .utf8)
        #expect(log.contains("WARNING: 1 cluster(s) in \(folder.file("clusters.txt")) mix labels; each is labelled by its majority: 7 (a: 12, b: 3)"))
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder.file("results/summary.json")))) as? [String: Any]
        let entries = json?["mixed_label_clusters"] as? [[String: Any]]
        #expect(entries?.first?["cluster"] as? Int == 7)
    }

    @Test("single-label clusters give no warning and no summary entry")
    func clean() throws {
        let folder = TemporaryFolder()
        let (points, labels) = threeBlobs()
        var configuration = try writeTask(in: folder, points: points, labels: labels, mode: "prediction")
        configuration.probingClusterPath = folder.write("clusters.txt", labels.map { "\(["a": 0, "b": 1, "c": 2][$0] ?? 0)\n" }.joined())
        let outcome = try runQuietly(configuration)
        #expect(outcome.summary.mixedLabelClusters == nil)
        #expect(!(try String(contentsOfFile: folder.file("results/log.txt"), encoding: .utf8)).contains("WARNING"))
    }
}

/// Issue 9 case 7: per-dimension buffers follow the points and the budget, not fixed row counts.
@Suite("Hardening: memory at high dimension")
struct HighDimensionMemoryTests {
    @Test("24 points in 12 000 dimensions with --memory 512M peak far below the old fixed 1024-row blocks (~0.25 GB)")
    func peak() throws {
        let folder = TemporaryFolder()
        var rng = SeededGenerator(seed: 9)
        let points = (0..<24).map { index in (0..<12_000).map { _ in Float(rng.gaussian() + Double(index % 2)) } }
        let labels = (0..<24).map { ["a", "b"][$0 % 2] }
        let configuration = try writeTask(in: folder, points: points, labels: labels)
        let ini = """
        [run]
        output_path = \(configuration.outputPath)
        [data]
        label_set_path = \(configuration.labelSetPath)
        entities_path = \(configuration.entitiesPath)
        embeddings_path = \(configuration.embeddingsPath ?? "")
        [clustering]
        mode = probing
        rate = 0.05
        """
        guard let result = try runProbe(["-c", folder.write("config.ini", ini), "--memory", "512M", "--quiet", "--threads", "2"]) else {
            Issue.record("probe is not built next to the tests"); return
        }
        #expect(result.status == 0, "\(result.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder.file("results/summary.json")))) as? [String: Any]
        let peak = json?["peak_memory_bytes"] as? Int ?? .max
        // The kernel alone used 4 blocks × 1024 rows × 12 000 × 4 bytes = 197 MB before (peak
        // ~450 MB in all); now ~80-130 MB, most of it the process itself.
        #expect(peak < 250_000_000, "peak \(peak) bytes")
    }

    @Test("kernel blocks keep 1024 rows at ordinary dimensions and shrink with the budget at very high ones")
    func tileRows() {
        let budget = MemoryBudget(bytes: 512 << 20)
        #expect(budget.kernelTileRows(dimension: 768) == 1024)
        #expect(budget.kernelTileRows(dimension: 2048) == 1024)
        #expect(budget.kernelTileRows(dimension: 200_000) == 16)
        // 64 GiB / 16 / (16 bytes × 200 000) = 1342 rows → capped at 1024; 8 GiB → 167.
        #expect(MemoryBudget(bytes: 64 << 30).kernelTileRows(dimension: 200_000) == 1024)
        #expect(MemoryBudget(bytes: 8 << 30).kernelTileRows(dimension: 200_000) == 167)
    }
}

/// Issue 9 case 13: no Foundation error domains, no raw HDF5 stacks unless --verbose.
@Suite("Hardening: run messages")
struct RunMessageTests {
    @Test("a config path that is a folder, and an output folder under a file, are plain messages")
    func plainReasons() throws {
        let folder = TemporaryFolder()
        #expect { try INIFile(contentsOf: URL(fileURLWithPath: folder.path)) } throws: { error in
            "\(error)".contains("is a folder, not a config file") && !"\(error)".contains("NSCocoaErrorDomain")
        }
        let file = folder.write("plain", "x")
        #expect { try ResultWriter(folder: file + "/results", force: false) } throws: { error in
            "\(error)".contains("exists and is not a folder") && !"\(error)".contains("NSCocoaErrorDomain")
        }
    }

    @Test("an HDF5 failure is one line; --verbose adds the library's stack")
    func verbose() throws {
        let folder = TemporaryFolder()
        let (points, labels) = threeBlobs()
        let configuration = try writeTask(in: folder, points: points, labels: labels)
        #expect(FileManager.default.createFile(atPath: folder.file("cut.h5"), contents: Data("\u{89}HDF\r\n\u{1A}\n".utf8) + Data(count: 200)))
        let ini = """
        [run]
        output_path = \(folder.file("results"))
        [data]
        label_set_path = \(configuration.labelSetPath)
        entities_path = \(configuration.entitiesPath)
        embeddings_path = \(folder.file("cut.h5")):x
        [clustering]
        mode = probing
        rate = 0.05
        """
        let config = folder.write("config.ini", ini)
        guard let short = try runProbe(["-c", config, "--quiet"]), let long = try runProbe(["-c", config, "--quiet", "--verbose"]) else {
            Issue.record("probe is not built next to the tests"); return
        }
        #expect(short.status == 1 && long.status == 1)
        #expect(short.stderr.contains("cut.h5") && !short.stderr.contains("(H5F") && !short.stderr.contains("HDF5-DIAG"), "\(short.stderr)")
        #expect(long.stderr.contains("(H5F"), "\(long.stderr)")
    }
}

/// Collects what a progress display draws.
final class DrawnText: Sendable {
    private let parts = Mutex<[String]>([])
    func append(_ text: String) { parts.withLock { $0.append(text) } }
    var lines: [String] {
        parts.withLock { $0.joined() }.split(whereSeparator: { $0 == "\r" || $0 == "\n" }).map(String.init)
    }
}

/// Issue 9 case 14: progress displays tell the truth.
@Suite("Hardening: progress")
struct ProgressTests {
    @Test("forward merging shows merges tried, clusters left and a rate, not a percentage")
    func counter() {
        let drawn = DrawnText()
        let counter = ProgressCounter("forward merges", counting: "merges tried", enabled: true, output: drawn.append)
        counter.update(12, note: "3 accepted, 40 clusters left", force: true)
        counter.finish()
        let line = drawn.lines.first ?? ""
        #expect(line.hasPrefix("forward merges: 12 merges tried, 3 accepted, 40 clusters left, "), "\(line)")
        #expect(line.contains("/s") && !line.contains("%"))
    }

    @Test("merge to end reaches 100% (its total is the number of merges, not of points)")
    func mergeToEnd() throws {
        let folder = TemporaryFolder()
        let (points, labels) = threeBlobs()
        try writeMatrixStore(folder.file("p.h5"), rows: points, columns: 4)
        let labelSet = LabelSet(["a", "b", "c"])
        let indices = labels.map { Int32(labelSet.index(of: $0) ?? 0) }
        let data = try LabeledPoints(matrix: EmbeddingMatrix(path: folder.file("p.h5"), dataset: "/embeddings/x"),
                                     labels: indices, labelSet: labelSet, source: "p.h5")
        let drawn = DrawnText()
        let total = MergeHistory.mergeCount(labels: indices)
        #expect(total == 33)
        let bar = ProgressBar("merge to end", total: Double(total), enabled: true, output: drawn.append)
        let history = try MergeHistory.mergeToEnd(data, kernel: DistanceKernel(threadCount: 1), threads: 1, progress: bar)
        bar.finish()
        #expect(history.merges.count == total)
        #expect(drawn.lines.last?.contains("100%") == true, "\(drawn.lines.last ?? "")")
    }
}

/// Issue 9 case 15: the command-line interface.
@Suite("Hardening: command line")
struct CommandLineTests {
    @Test("--version on both tools")
    func version() throws {
        for tool in ["probe", "probe-convert"] {
            guard let result = try runBuilt(tool, ["--version"]) else { Issue.record("\(tool) is not built"); return }
            #expect(result.status == 0)
            #expect(result.stdout == "\(tool) \(ProbeVersion.string)\n")
        }
    }

    @Test("--threads 0 is an error on both tools")
    func zeroThreads() throws {
        let folder = TemporaryFolder()
        for arguments in [["run", "--threads", "0"], ["x.txt", "-o", "x.h5", "--threads", "0"]] {
            let tool = arguments[0] == "run" ? "probe" : "probe-convert"
            guard let result = try runBuilt(tool, arguments, in: folder.path) else { Issue.record("\(tool) is not built"); return }
            #expect(result.status != 0)
            #expect(result.stderr.contains("--threads must be at least 1"), "\(result.stderr)")
        }
    }

    @Test("help: defaults shown once, --rate and --mode say theirs, text written for 80 columns")
    func help() throws {
        guard let result = try runBuilt("probe", ["run", "--help"], environment: ["COLUMNS": "80"]) else { Issue.record("probe is not built"); return }
        let text = result.stdout
        #expect(text.contains("Worker threads (default: all cores).") && !text.contains("(default: all cores). (default"))
        let flat = text.replacingOccurrences(of: "\n", with: " ").split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(flat.contains("Override clustering.rate, between 0 and 1 (default: the config's)"))
        #expect(flat.contains("(default: the config's)."))
        // Written to fit 80 columns: the overview and discussion are not re-wrapped there.
        for (tool, arguments) in [("probe", ["--help"]), ("probe", ["run", "--help"]), ("probe", ["compare", "--help"]),
                                  ("probe", ["report", "--help"]), ("probe-convert", ["--help"])] {
            let narrow = try runBuilt(tool, arguments, environment: ["COLUMNS": "80"])?.stdout ?? ""
            let wide = try runBuilt(tool, arguments, environment: ["COLUMNS": "300"])?.stdout ?? ""
            func discussion(_ help: String) -> String { String(help[..<(help.range(of: "USAGE:")?.lowerBound ?? help.endIndex)]) }
            #expect(!discussion(narrow).isEmpty && discussion(narrow) == discussion(wide), "\(tool) \(arguments) re-wraps at 80 columns")
        }
    }

    @Test("memory = 12Q in config.ini names the file, the line and the key")
    func badMemory() throws {
        let ini = "[run]\noutput_path = out\nmemory = 12Q\n[data]\nlabel_set_path = t\nentities_path = e\nembeddings_path = x\n[clustering]\nmode = probing\nrate = 0.05\n"
        #expect { try ProbeConfiguration(INIFile(parsing: ini, path: "my.ini")) } throws: { error in
            let text = "\(error)"
            return text.contains("my.ini:3") && text.contains("memory") && text.contains("12Q")
        }
    }

    @Test("probe compare fails on result folders with no label in common")
    func disjointCompare() throws {
        let folder = TemporaryFolder()
        folder.write("a/vec.txt", "x---y,1.0\n")
        folder.write("a/outside_min.txt", "x,1.0\ny,1.0\n")
        folder.write("b/vec.txt", "p---q,2.0\n")
        folder.write("b/outside_min.txt", "p,2.0\nq,2.0\n")
        #expect { try SpaceComparison.compare(folder.file("a"), folder.file("b")) } throws: { error in
            "\(error)".contains("no label and no label pair in common")
        }
        let result = try runProbe(["compare", folder.file("a"), folder.file("b")])
        #expect(result?.status == 1)
    }

    @Test(".batch-cache records are JSON with sorted keys")
    func sortedCache() throws {
        let folder = TemporaryFolder()
        let data = casesFolder.appendingPathComponent("syn-batch/data").path
        let ini = """
        [run]
        output_path = \(folder.file("batch"))
        [data]
        common = \(data)
        label_set_path = ${common}/labels/tags.txt
        entities_path = ${common}/entities/train.txt
        batch_embeddings_path = ${common}/embeddings/synthetic/train
        [clustering]
        mode = batch_probing
        rate = 0.05
        probing_cluster_path = \(casesFolder.appendingPathComponent("syn-batch/expected-probe/clusters.txt").path)
        """
        var batch = BatchProbe(configuration: try ProbeConfiguration(INIFile(parsing: ini)))
        batch.verbose = false
        batch.threads = 2
        _ = try batch.run()
        let cache = folder.file("batch/.batch-cache")
        let records = try FolderWalk.files(under: cache).filter { $0.hasSuffix(".json") }
        #expect(!records.isEmpty)
        for record in records {
            let text = try String(contentsOfFile: (cache as NSString).appendingPathComponent(record), encoding: .utf8)
            let keys = ["clusters", "inside_max", "inside_mean", "key", "linear", "outside_min", "seconds", "vec"]
            // Compact or pretty-printed (`"key" : value`).
            let positions = keys.compactMap { (text.range(of: "\"\($0)\":") ?? text.range(of: "\"\($0)\" :"))?.lowerBound }
            #expect(positions.count == keys.count && positions == positions.sorted(), "\(record)")
        }
    }
}

/// Issue 9 case 6 in batch probing: the batch summary names the mixed clusters too.
@Suite("Hardening: mixed-label clusters in a batch")
struct BatchMixedLabelTests {
    @Test("a batch over a clusters.txt with a merged two-label cluster warns and records it")
    func batch() throws {
        let folder = TemporaryFolder()
        let data = casesFolder.appendingPathComponent("syn-batch/data").path
        let entities = try String(contentsOfFile: data + "/entities/train.txt", encoding: .utf8).split(separator: "\n").map { String($0.split(separator: "\t")[1]) }
        var numbers = try String(contentsOfFile: casesFolder.appendingPathComponent("syn-batch/expected-probe/clusters.txt").path, encoding: .utf8)
            .split(separator: "\n").compactMap { Int($0) }
        // Merge the first point's cluster with the first cluster of another label.
        let target = numbers[0], targetLabel = entities[0]
        guard let other = numbers.indices.first(where: { entities[$0] != targetLabel && numbers[$0] != target }).map({ numbers[$0] }) else {
            Issue.record("the fixture has one label only"); return
        }
        numbers = numbers.map { $0 == other ? target : $0 }
        var expected: [String: Int] = [:]
        for (index, number) in numbers.enumerated() where number == target { expected[entities[index], default: 0] += 1 }
        let ini = """
        [run]
        output_path = \(folder.file("batch"))
        [data]
        common = \(data)
        label_set_path = ${common}/labels/tags.txt
        entities_path = ${common}/entities/train.txt
        batch_embeddings_path = ${common}/embeddings/synthetic/train
        [clustering]
        mode = batch_probing
        rate = 0.05
        probing_cluster_path = \(folder.write("clusters.txt", numbers.map { "\($0)\n" }.joined()))
        """
        var batch = BatchProbe(configuration: try ProbeConfiguration(INIFile(parsing: ini)))
        batch.verbose = false
        batch.threads = 2
        _ = try batch.run()
        let summary = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder.file("batch/summary.json")))) as? [String: Any]
        let mixed = summary?["mixed_label_clusters"] as? [[String: Any]]
        #expect(mixed?.count == 1)
        #expect(mixed?.first?["cluster"] as? Int == target)
        #expect(mixed?.first?["counts"] as? [String: Int] == expected)
        #expect(try String(contentsOfFile: folder.file("batch/log.txt"), encoding: .utf8).contains("WARNING: 1 cluster(s)"))
    }
}

/// Issue 9 case 5 in batch probing: each layer's units are chosen from its own values.
@Suite("Hardening: units in a batch")
struct BatchUnitTests {
    @Test("iteration 0 scaled by 1e20 gives the same verdicts and the CSV values times 1e20")
    func scaled() throws {
        let folder = TemporaryFolder()
        let data = casesFolder.appendingPathComponent("syn-batch/data").path
        let source = data + "/embeddings/synthetic/train/0"
        for layer in try FolderWalk.entries(of: source) where layer.hasSuffix(".txt") {
            let text = try String(contentsOfFile: source + "/" + layer, encoding: .utf8)
            let scaled = text.split(separator: "\n").map { line in
                line.split(separator: " ").map { String(format: "%.9e", (Double($0) ?? 0) * 1e20) }.joined(separator: " ")
            }.joined(separator: "\n") + "\n"
            folder.write("layers/0/\(layer)", scaled)
            folder.write("plain/0/\(layer)", text)
        }
        func run(_ layers: String) throws -> BatchProbe.Outcome {
            let ini = """
            [run]
            output_path = \(folder.file("out-" + layers))
            [data]
            common = \(data)
            label_set_path = ${common}/labels/tags.txt
            entities_path = ${common}/entities/train.txt
            batch_embeddings_path = \(folder.file(layers))
            [clustering]
            mode = batch_probing
            rate = 0.05
            probing_cluster_path = \(casesFolder.appendingPathComponent("syn-batch/expected-probe/clusters.txt").path)
            """
            var batch = BatchProbe(configuration: try ProbeConfiguration(INIFile(parsing: ini)))
            batch.verbose = false
            batch.threads = 2
            return try batch.run()
        }
        let plain = try run("plain"), scaled = try run("layers")
        #expect(plain.linear == scaled.linear)
        #expect(plain.linear["0"]?.values.contains(true) == true, "no separable layer: the values would all be 0")
        let rowsA = try String(contentsOfFile: folder.file("out-plain/inside_max/0.txt"), encoding: .utf8).split(separator: "\n").dropFirst()
        let rowsB = try String(contentsOfFile: folder.file("out-layers/inside_max/0.txt"), encoding: .utf8).split(separator: "\n").dropFirst()
        #expect(rowsA.count == rowsB.count && !rowsA.isEmpty)
        for (x, y) in zip(rowsA, rowsB) {
            let u = x.split(separator: ",").dropFirst().compactMap { Double($0) }, v = y.split(separator: ",").dropFirst().compactMap { Double($0) }
            #expect(u.count == v.count)
            for (p, q) in zip(u, v) { #expect(abs(q / 1e20 - p) <= 1e-3 * max(1, p), "\(q) vs \(p)") }
        }
    }
}

/// Issue 10 item 2: signal handling belongs to the executables.
@Suite("Signal ownership")
struct SignalOwnershipTests {
    @Test("no library source installs a signal handler")
    func librariesInstallNone() throws {
        let sources = repositoryRoot.appendingPathComponent("Sources").path
        let executables: Set<String> = ["probe", "probe-convert", "ProbeCommandLine"]
        var offenders: [String] = []
        for file in try FolderWalk.files(under: sources) where file.hasSuffix(".swift") {
            guard let module = file.split(separator: "/").first, !executables.contains(String(module)) else { continue }
            let text = try String(contentsOfFile: sources + "/" + file, encoding: .utf8)
            for call in ["sigaction(", "signal(SIG", "signal(sig", "DispatchSource.makeSignalSource"] where text.contains(call) {
                offenders.append("\(file): \(call)")
            }
        }
        #expect(offenders.isEmpty, "\(offenders)")
    }
}
