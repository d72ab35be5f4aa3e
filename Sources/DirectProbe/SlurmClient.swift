import Foundation

/// A failure of a Slurm command or of a submitted job, with what to look at.
public struct SlurmError: Error, CustomStringConvertible, Sendable {
    /// What went wrong, naming the job, task and log where there is one.
    public let message: String
    /// Creates an error.
    public init(_ message: String) { self.message = message }
    /// The message.
    public var description: String { message }
}

/// One job or array task as `scontrol show job -o` describes it.
public struct SlurmJobRecord: Sendable, Equatable {
    /// The job id (`JobId`).
    public let jobID: String
    /// The array task id (`ArrayTaskId`): one number, or a range for tasks not started yet.
    public let arrayTaskID: String?
    /// `JobState`, e.g. `PENDING`, `RUNNING`, `COMPLETED`, `FAILED`.
    public let state: String
    /// `ExitCode`, e.g. `0:0`.
    public let exitCode: String?
    /// `StdOut`: the task's log file.
    public let standardOutput: String?
    /// `Reason`, e.g. `DependencyNeverSatisfied`.
    public let reason: String?

    /// Whether the job will not change any more.
    public var isFinal: Bool {
        ["COMPLETED", "FAILED", "CANCELLED", "TIMEOUT", "OUT_OF_MEMORY", "NODE_FAIL", "PREEMPTED", "BOOT_FAIL", "DEADLINE"]
            .contains { state.hasPrefix($0) }
    }

    /// Parses one line of `scontrol show job -o` (space-separated `Key=Value` fields).
    init?(line: Substring) {
        var fields: [String: String] = [:]
        for word in line.split(separator: " ") {
            guard let equals = word.firstIndex(of: "=") else { continue }
            let key = String(word[..<equals])
            if fields[key] == nil { fields[key] = String(word[word.index(after: equals)...]) }
        }
        guard let id = fields["JobId"], let state = fields["JobState"] else { return nil }
        jobID = id
        arrayTaskID = fields["ArrayTaskId"]
        self.state = state
        exitCode = fields["ExitCode"]
        standardOutput = fields["StdOut"]
        reason = fields["Reason"]
    }
}

/// Runs Slurm's commands (`sbatch`, `scontrol`, `scancel`, `sinfo`) found in `PATH`.
public struct SlurmClient: Sendable {
    /// Creates a client.
    public init() {}

    /// Whether a Slurm controller answers (`sinfo` runs and succeeds).
    public static var isReachable: Bool {
        (try? SlurmClient().run("sinfo", ["-h", "-o", "%P"]).status == 0) ?? false
    }

    /// Submits a script and returns its job id (`sbatch --parsable`).
    public func submit(_ script: String, arguments: [String] = []) throws -> String {
        let result = try run("sbatch", ["--parsable"] + arguments + [script])
        guard result.status == 0 else {
            throw SlurmError("sbatch \(script) failed (exit \(result.status)): \(result.error.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        let id = result.output.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ";").first.map(String.init) ?? ""
        guard !id.isEmpty, id.allSatisfy(\.isNumber) else { throw SlurmError("sbatch \(script) printed no job id: \(result.output)") }
        return id
    }

    /// The records of a job (every task of an array), or nil when Slurm no longer knows it.
    public func records(_ job: String) throws -> [SlurmJobRecord]? {
        let result = try run("scontrol", ["show", "job", "-o", job])
        guard result.status == 0 else {
            if result.error.contains("Invalid job id") { return nil }
            throw SlurmError("scontrol show job \(job) failed (exit \(result.status)): \(result.error.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        return result.output.split(separator: "\n").compactMap(SlurmJobRecord.init(line:))
    }

    /// Cancels a job (errors ignored: it may have ended meanwhile).
    public func cancel(_ job: String) {
        _ = try? run("scancel", [job])
    }

    /// Waits until the array (if any) and the finish job are done; throws naming each failed task and its log.
    ///
    /// - Parameters:
    ///   - describe: the space of an array index, for the messages (e.g. `iteration 0, layer 4`).
    ///   - poll: seconds between polls.
    public func wait(array: String?, finish: String, describe: (Int) -> String, poll: Double = 2,
                     progress: ((String) -> Void)? = nil) throws {
        var lastArray: [SlurmJobRecord] = []
        var lastNote = ""
        while true {
            if let array {
                if let records = try records(array) { lastArray = records }
                let done = !lastArray.isEmpty && lastArray.allSatisfy(\.isFinal)
                let finished = lastArray.filter { $0.isFinal }.count
                let note = "array job \(array): \(finished) of \(taskCount(lastArray)) tasks done"
                if note != lastNote { progress?(note); lastNote = note }
                if done {
                    let failed = lastArray.filter { $0.state != "COMPLETED" }
                    if !failed.isEmpty {
                        cancel(finish)
                        let lines = failed.sorted { Int($0.arrayTaskID ?? "") ?? 0 < Int($1.arrayTaskID ?? "") ?? 0 }.map { record in
                            let index = Int(record.arrayTaskID ?? "")
                            let space = index.map(describe) ?? "?"
                            return "task \(record.arrayTaskID ?? "?") (\(space)) \(record.state), exit code \(record.exitCode ?? "?"); log: \(record.standardOutput ?? "?")"
                        }
                        throw SlurmError("\(failed.count) of \(lastArray.count) array tasks of job \(array) failed; the finish job \(finish) was cancelled:\n  "
                                         + lines.joined(separator: "\n  ")
                                         + "\nFix the cause and run the same command again: only the missing spaces are submitted.")
                    }
                } else {
                    Thread.sleep(forTimeInterval: poll)
                    continue
                }
            }
            guard let records = try records(finish), let record = records.first else {
                throw SlurmError("the finish job \(finish) is no longer known to Slurm; see its log in the slurm/logs folder")
            }
            if record.isFinal {
                guard record.state == "COMPLETED" else {
                    throw SlurmError("the finish job \(finish) \(record.state), exit code \(record.exitCode ?? "?"); log: \(record.standardOutput ?? "?")")
                }
                return
            }
            Thread.sleep(forTimeInterval: poll)
        }
    }

    /// The number of tasks the records stand for (a pending range like `3-9%2` counts as its tasks).
    private func taskCount(_ records: [SlurmJobRecord]) -> Int {
        records.reduce(0) { total, record in
            guard let id = record.arrayTaskID, Int(id) == nil else { return total + 1 }
            let spec = id.split(separator: "%").first.map(String.init) ?? id
            return total + spec.split(separator: ",").reduce(0) { sum, part in
                let bounds = part.split(separator: "-").compactMap { Int($0) }
                return sum + (bounds.count == 2 ? bounds[1] - bounds[0] + 1 : 1)
            }
        }
    }

    /// Runs a command from `PATH`, capturing its output.
    func run(_ command: String, _ arguments: [String]) throws -> (status: Int32, output: String, error: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [command] + arguments
        let output = Pipe(), error = Pipe()
        process.standardOutput = output
        process.standardError = error
        process.standardInput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw SlurmError("cannot run \(command): \(error.localizedDescription); is Slurm installed and in PATH?")
        }
        let outData = output.fileHandleForReading.readDataToEndOfFile()
        let errData = error.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let errText = String(decoding: errData, as: UTF8.self)
        if process.terminationStatus == 127 { throw SlurmError("\(command) not found in PATH; is Slurm installed?") }
        return (process.terminationStatus, String(decoding: outData, as: UTF8.self), errText)
    }
}
