import Foundation
import Synchronization
import ProbeConfig
import ResultSchema
import Testing
@testable import DirectProbe

/// The `probe` binary built next to the test bundle.
func builtProbe() -> URL? {
    let testBinary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
    var candidates = [testBinary.deletingLastPathComponent()]
    // On macOS the tests run inside .build/debug/X.xctest/Contents/MacOS.
    candidates += Bundle.allBundles.map { $0.bundleURL.deletingLastPathComponent() }
    return candidates.map { $0.appendingPathComponent("probe") }.first { FileManager.default.isExecutableFile(atPath: $0.path) }
}

/// Runs the built `probe` with `arguments` in `directory`; returns the exit status and stderr.
func runProbe(_ arguments: [String], in directory: String) throws -> (status: Int32, output: String, error: String) {
    guard let probe = builtProbe() else {
        Issue.record("probe is not built next to the tests")
        return (-1, "", "")
    }
    let process = Process()
    process.executableURL = probe
    process.arguments = arguments
    process.currentDirectoryURL = URL(fileURLWithPath: directory)
    let output = Pipe(), error = Pipe()
    process.standardOutput = output
    process.standardError = error
    try process.run()
    // Read stderr on another thread so that neither pipe can fill up and block the child.
    let errorBox = LockedText()
    let reader = Thread { errorBox.set(String(decoding: error.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)) }
    reader.start()
    let out = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    while !errorBox.isSet { Thread.sleep(forTimeInterval: 0.01) }
    return (process.terminationStatus, out, errorBox.text)
}

/// A string written once by another thread.
final class LockedText: Sendable {
    private let value = Mutex<String?>(nil)
    func set(_ text: String) { value.withLock { $0 = text } }
    var isSet: Bool { value.withLock { $0 != nil } }
    var text: String { value.withLock { $0 ?? "" } }
}

/// Writes a config.ini for a sweep or batch over `layout` into `folder` and returns its path.
func writeConfig(in folder: TemporaryFolder, layout: String, output: String, mode: String = "probing") -> String {
    folder.write("config.ini", sweepINI(batch: layout, output: output, mode: mode))
}

/// sweep.csv without the timing columns (seconds, peak_memory).
func csvWithoutTimings(_ path: String) throws -> [String] {
    try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).dropLast(2).joined(separator: ",") }
}

@Suite("Slurm scripts")
struct SlurmScriptTests {
    @Test("array indices become Slurm ranges")
    func ranges() {
        #expect(SlurmScript.ranges([0, 1, 2, 5, 7, 8]) == "0-2,5,7-8")
        #expect(SlurmScript.ranges([9, 3, 3, 4]) == "3-4,9")
        #expect(SlurmScript.ranges([4]) == "4")
    }

    @Test("words are quoted for bash where needed")
    func quoting() {
        #expect(SlurmScript.quote("/a/b-c_d.ini") == "/a/b-c_d.ini")
        #expect(SlurmScript.quote("/my data/it's") == "'/my data/it'\\''s'")
        #expect(SlurmScript.quote("") == "''")
    }

    @Test("the array script carries the settings, the indices, absolute paths and the task index")
    func arrayScript() {
        let settings = SlurmSettings(partition: "gpu-short", time: "2:00:00", memory: "8G", cpusPerTask: 4, maxParallel: 3,
                                     account: "lab42", extraArguments: ["--qos=short"])
        let text = SlurmScript.array(name: "sweep", indices: [0, 1, 2, 7], settings: settings, workingDirectory: "/home/u/task",
                                     logFolder: "/scratch/out/slurm/logs", taskCommand: ["/opt/probe", "sweep", "--config", "/home/u/task/config.ini"])
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines.first == "#!/bin/bash")
        for expected in ["#SBATCH --array=0-2,7%3", "#SBATCH --partition=gpu-short", "#SBATCH --account=lab42", "#SBATCH --qos=short",
                         "#SBATCH --mem=8G", "#SBATCH --time=2:00:00", "#SBATCH --cpus-per-task=4", "#SBATCH --chdir=/home/u/task",
                         "#SBATCH --output=/scratch/out/slurm/logs/sweep-%A_%a.log"] {
            #expect(lines.contains(expected), "no line \(expected)")
        }
        #expect(lines.last == "exec /opt/probe sweep --config /home/u/task/config.ini --only \"$SLURM_ARRAY_TASK_ID\" --threads \"${SLURM_CPUS_PER_TASK:-1}\"")
        let finish = SlurmScript.finish(name: "sweep-finish", settings: settings, dependency: "1234", workingDirectory: "/home/u/task",
                                        logFolder: "/scratch/out/slurm/logs", command: ["/opt/probe", "sweep", "--finish"])
        #expect(finish.contains("#SBATCH --dependency=afterok:1234\n#SBATCH --kill-on-invalid-dep=yes\n"))
        #expect(!finish.contains("--array"))
    }

    @Test("defaults grow with the space and the memory budget")
    func defaults() throws {
        let small = SlurmSettings.defaults(points: 300, dimension: 8, budgetBytes: nil)
        #expect(try MemoryBudget(parsing: small.memory).bytes >= 1 << 30)
        let large = SlurmSettings.defaults(points: 1_000_000, dimension: 768, budgetBytes: nil)
        #expect(try MemoryBudget(parsing: large.memory).bytes >= 3 * 1_000_000 * 768 * 4)
        #expect(large.cpusPerTask > small.cpusPerTask)
        #expect(large.time != small.time)
        let budgeted = SlurmSettings.defaults(points: 1_000_000, dimension: 768, budgetBytes: 2 << 30)
        #expect(try MemoryBudget(parsing: budgeted.memory).bytes == (2 << 30) + (512 << 20))
    }

    @Test("scontrol records are parsed, final states recognised")
    func records() throws {
        let line: Substring = "JobId=4 ArrayJobId=1 ArrayTaskId=2 JobName=sweep JobState=FAILED Reason=NonZeroExitCode ExitCode=1:0 StdOut=/o/slurm/logs/sweep-1_2.log"
        let record = try #require(SlurmJobRecord(line: line))
        #expect(record.arrayTaskID == "2")
        #expect(record.state == "FAILED")
        #expect(record.isFinal)
        #expect(record.standardOutput == "/o/slurm/logs/sweep-1_2.log")
        let pending = try #require(SlurmJobRecord(line: "JobId=1 ArrayJobId=1 ArrayTaskId=3-9%2 JobState=PENDING"))
        #expect(!pending.isFinal)
    }
}

/// Whether a Slurm controller answers here (tools/slurm-local.sh starts one).
let slurmReachable = SlurmClient.isReachable

@Suite("On a real Slurm (tools/slurm-local.sh)", .serialized,
       .enabled(if: slurmReachable, "no Slurm controller answers `sinfo` here; run tools/slurm-local.sh (as root) to start a one-node Slurm"))
struct RealSlurmTests {
    let spaces = [("0", "1"), ("0", "3"), ("1", "2"), ("2", "12")]
    let slurmArguments = ["--slurm", "--submit", "--wait", "--cpus-per-task", "1", "--mem", "1G", "--time", "10:00", "--poll-interval", "0.5"]

    @Test("a sweep submitted as a job array equals the local sweep, and a rerun submits only the missing spaces")
    func sweepOnSlurm() throws {
        let folder = TemporaryFolder()
        let layout = try copyLayers(spaces, into: folder)
        let config = writeConfig(in: folder, layout: layout, output: folder.file("slurm-sweep"))
        var local = SweepProbe(configuration: try sweepConfiguration(batch: layout, output: folder.file("local-sweep")))
        local.verbose = false
        _ = try local.run()

        let result = try runProbe(["sweep", "--config", config] + slurmArguments, in: folder.path)
        #expect(result.status == 0, "probe sweep --slurm failed: \(result.error)")
        #expect(result.output.contains("submitted array job"))
        #expect(try csvWithoutTimings(folder.file("slurm-sweep/sweep.csv")) == csvWithoutTimings(folder.file("local-sweep/sweep.csv")))
        for (iteration, layer) in spaces {
            let ours = try String(contentsOfFile: folder.file("slurm-sweep/\(iteration)/\(layer)/clusters.txt"), encoding: .utf8)
            let local = try String(contentsOfFile: folder.file("local-sweep/\(iteration)/\(layer)/clusters.txt"), encoding: .utf8)
            #expect(ours == local, "clusters.txt of \(iteration)/\(layer)")
        }
        #expect(FileManager.default.fileExists(atPath: folder.file("slurm-sweep/report.html")))
        // The controller's log (where tools/slurm-local.sh puts it) shows every array task ending with status 0.
        if let controllerLog = try? String(contentsOfFile: "/var/log/slurm/slurmctld.log", encoding: .utf8),
           let range = result.output.range(of: "submitted array job "),
           let job = result.output[range.upperBound...].split(separator: " ").first {
            for index in 0..<spaces.count {
                #expect(controllerLog.contains("_job_complete: JobId=\(job)_\(index)("), "no completion of task \(job)_\(index) in slurmctld.log")
            }
        }
        let logs = try FileManager.default.contentsOfDirectory(atPath: folder.file("slurm-sweep/slurm/logs"))
        #expect(logs.filter { $0.hasPrefix("sweep-") && !$0.hasPrefix("sweep-finish") }.count == spaces.count)

        // "Interrupted": two spaces lost; the rerun's array holds only their indices (1 and 3).
        try FileManager.default.removeItem(atPath: folder.file("slurm-sweep/0/3"))
        try FileManager.default.removeItem(atPath: folder.file("slurm-sweep/2/12"))
        let rerun = try runProbe(["sweep", "--config", config] + slurmArguments, in: folder.path)
        #expect(rerun.status == 0, "rerun failed: \(rerun.error)")
        #expect(rerun.output.contains("(2 of 4 spaces)"))
        let script = try String(contentsOfFile: folder.file("slurm-sweep/slurm/sweep.sbatch"), encoding: .utf8)
        #expect(script.contains("#SBATCH --array=1,3\n"))
        #expect(try csvWithoutTimings(folder.file("slurm-sweep/sweep.csv")) == csvWithoutTimings(folder.file("local-sweep/sweep.csv")))
    }

    @Test("batch probing as a job array writes the same CSVs as a local batch")
    func batchOnSlurm() throws {
        let folder = TemporaryFolder()
        let layout = try copyLayers(spaces, into: folder)
        let config = writeConfig(in: folder, layout: layout, output: folder.file("slurm-batch"), mode: "batch_probing")
        let local = try runProbe(["--config", config, "--output", folder.file("local-batch"), "--quiet"], in: folder.path)
        #expect(local.status == 0, "local batch failed: \(local.error)")
        let result = try runProbe(["run", "--config", config] + slurmArguments, in: folder.path)
        #expect(result.status == 0, "probe run --slurm failed: \(result.error)")
        for measure in ["batch_vec", "outside_min", "inside_mean", "inside_max"] {
            for iteration in ["0", "1", "2"] {
                let ours = try String(contentsOfFile: folder.file("slurm-batch/\(measure)/\(iteration).txt"), encoding: .utf8)
                let theirs = try String(contentsOfFile: folder.file("local-batch/\(measure)/\(iteration).txt"), encoding: .utf8)
                #expect(ours == theirs, "\(measure)/\(iteration).txt")
            }
        }
        let summary = try BatchSummary.decode(try #require(FileManager.default.contents(atPath: folder.file("slurm-batch/summary.json"))))
        #expect(summary.iterations == ["0", "1", "2"])
    }

    @Test("a failed task makes --wait exit 1 naming the task, its space and its log")
    func failedTask() throws {
        let folder = TemporaryFolder()
        let layout = try copyLayers([("0", "1"), ("0", "2")], into: folder)
        // Layer 2 loses a value on its third line: a ragged row, an input error for that task only.
        let broken = folder.file("layout/0/2.txt")
        var lines = try String(contentsOfFile: broken, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        lines[2] = lines[2].split(separator: " ").dropLast().joined(separator: " ")
        try lines.joined(separator: "\n").write(toFile: broken, atomically: true, encoding: .utf8)
        let config = writeConfig(in: folder, layout: layout, output: folder.file("out"))
        let result = try runProbe(["sweep", "--config", config] + slurmArguments, in: folder.path)
        #expect(result.status == 1)
        #expect(result.error.contains("1 of 2 array tasks"), "stderr: \(result.error)")
        #expect(result.error.contains("task 1 (iteration 0, layer 2) FAILED"), "stderr: \(result.error)")
        let line = try #require(result.error.split(separator: "\n").first { $0.contains("task 1 (") })
        let marker = try #require(line.range(of: "log: "))
        let log = try String(contentsOfFile: String(line[marker.upperBound...]), encoding: .utf8)
        #expect(log.contains("2.txt:3"), "the task's log names the bad line: \(log)")
        #expect(FileManager.default.fileExists(atPath: folder.file("out/0/1/clusters.txt")))
    }
}

@Suite("probe sweep, the command")
struct SweepCommandTests {
    @Test("a sweep killed midway resumes with only the spaces it had not finished")
    func killedSweepResumes() throws {
        let folder = TemporaryFolder()
        let config = writeConfig(in: folder, layout: "\(synBatchData)/embeddings/synthetic/train", output: folder.file("sweep"))
        guard let probe = builtProbe() else {
            Issue.record("probe is not built next to the tests")
            return
        }
        let process = Process()
        process.executableURL = probe
        process.arguments = ["sweep", "--config", config, "--quiet", "--threads", "1"]
        process.currentDirectoryURL = URL(fileURLWithPath: folder.path)
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Stop it once a few spaces are finished (or when it is done, if it is quick).
        func finished() -> Int {
            (0..<3).reduce(0) { count, iteration in
                count + (1...12).filter { FileManager.default.fileExists(atPath: folder.file("sweep/\(iteration)/\($0)/.sweep-space.json")) }.count
            }
        }
        let deadline = Date().addingTimeInterval(120)
        while process.isRunning, finished() < 3, Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
        if process.isRunning { kill(process.processIdentifier, SIGTERM) }
        process.waitUntilExit()
        let done = finished()
        #expect(done >= 3)

        let rerun = try runProbe(["sweep", "--config", config, "--threads", "1"], in: folder.path)
        #expect(rerun.status == 0, "rerun failed: \(rerun.error)")
        #expect(rerun.output.contains("36 spaces (\(36 - done) probed, \(done) reused)"), "output: \(rerun.output)")
        #expect(rerun.error.components(separatedBy: ": already done").count - 1 == done)
        #expect(try String(contentsOfFile: folder.file("sweep/sweep.csv"), encoding: .utf8).split(separator: "\n").count == 37)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: folder.file("sweep/0")).filter { $0.hasPrefix(".") }
        #expect(leftovers.isEmpty, "left behind: \(leftovers)")
    }
}

@Suite("probe sweep --slurm, scripts only")
struct SlurmScriptsOnlyTests {
    @Test("without --submit the scripts are written with absolute paths and the command to submit them is printed")
    func writesScripts() throws {
        let folder = TemporaryFolder()
        let layout = try copyLayers([("0", "1"), ("0", "2"), ("1", "1")], into: folder)
        _ = writeConfig(in: folder, layout: layout, output: "out")
        let result = try runProbe(["sweep", "--config", "config.ini", "--slurm", "--partition", "short", "--max-parallel", "2",
                                   "--sbatch-arg=--qos=low", "--mem", "2G"], in: folder.path)
        #expect(result.status == 0, "stderr: \(result.error)")
        #expect(result.output.contains("3 of 3 spaces to run"))
        #expect(result.output.contains("sbatch --dependency=afterok:$jid"))
        let root = URL(fileURLWithPath: folder.path).standardizedFileURL.path
        let script = try String(contentsOfFile: folder.file("out/slurm/sweep.sbatch"), encoding: .utf8)
        let probe = try #require(builtProbe()).resolvingSymlinksInPath().path
        #expect(script.contains("#SBATCH --array=0-2%2\n"))
        #expect(script.contains("#SBATCH --partition=short\n#SBATCH --qos=low\n"))
        #expect(script.contains("#SBATCH --chdir=\(root)\n"))
        #expect(script.contains("exec \(probe) sweep --config \(root)/config.ini --output \(root)/out --memory 1638M --only"))
        let finish = try String(contentsOfFile: folder.file("out/slurm/finish.sbatch"), encoding: .utf8)
        #expect(finish.contains("--output \(root)/out --memory 1638M --finish"))
        #expect(!finish.contains("#SBATCH --dependency"))
        // Nothing was probed.
        #expect(!FileManager.default.fileExists(atPath: folder.file("out/0")))
        // --wait needs --submit.
        #expect(try runProbe(["sweep", "--config", "config.ini", "--slurm", "--wait"], in: folder.path).status != 0)
    }
}
