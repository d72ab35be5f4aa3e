import Foundation
import ProbeStore

/// Writes a sweep's (or batch's) Slurm scripts into `<output>/slurm/` and, optionally, submits them.
///
/// `sweep.sbatch` is the job array (only the unfinished indices, so a rerun submits only the
/// missing spaces); `finish.sbatch` runs after it with `--dependency=afterok:<array>` and
/// assembles the results. Task logs go to `<output>/slurm/logs/`.
public struct SlurmLaunch: Sendable {
    /// The job name prefix and script names: `sweep` or `batch`.
    public let name: String
    /// The sweep folder (absolute).
    public let outputFolder: String
    /// The array indices to run (the unfinished spaces).
    public let indices: [Int]
    /// Resources and placement of each array task.
    public let settings: SlurmSettings
    /// The working directory of the tasks (the config's relative paths are relative to it).
    public let workingDirectory: String
    /// The command of each task, without `--only INDEX` (appended by the script).
    public let taskCommand: [String]
    /// The command of the finish job.
    public let finishCommand: [String]

    /// Creates a launch.
    public init(name: String, outputFolder: String, indices: [Int], settings: SlurmSettings, workingDirectory: String,
                taskCommand: [String], finishCommand: [String]) {
        self.name = name
        self.outputFolder = outputFolder
        self.indices = indices
        self.settings = settings
        self.workingDirectory = workingDirectory
        self.taskCommand = taskCommand
        self.finishCommand = finishCommand
    }

    /// `<output>/slurm`.
    public var slurmFolder: String { (outputFolder as NSString).appendingPathComponent("slurm") }
    /// `<output>/slurm/logs`.
    public var logFolder: String { (slurmFolder as NSString).appendingPathComponent("logs") }
    /// `<output>/slurm/<name>.sbatch`, the job array.
    public var arrayScript: String { (slurmFolder as NSString).appendingPathComponent("\(name).sbatch") }
    /// `<output>/slurm/finish.sbatch`.
    public var finishScript: String { (slurmFolder as NSString).appendingPathComponent("finish.sbatch") }

    /// Writes both scripts (the finish script with the array's id as dependency when known).
    public func writeScripts(arrayJob: String? = nil) throws {
        try FileManager.default.createDirectory(atPath: logFolder, withIntermediateDirectories: true)
        let writer = try ResultWriter(folder: slurmFolder, force: true)
        if indices.isEmpty {
            // Nothing left to run: an array script of an earlier launch would only mislead.
            try? FileManager.default.removeItem(atPath: arrayScript)
        } else {
            try writer.write("\(name).sbatch", SlurmScript.array(name: name, indices: indices, settings: settings, workingDirectory: workingDirectory,
                                                               logFolder: logFolder, taskCommand: taskCommand))
        }
        try writer.write("finish.sbatch", SlurmScript.finish(name: "\(name)-finish", settings: settings, dependency: arrayJob,
                                                            workingDirectory: workingDirectory, logFolder: logFolder, command: finishCommand))
    }

    /// The submitted jobs.
    public struct Submission: Sendable {
        /// The array job id (nil when every space was finished already).
        public let arrayJob: String?
        /// The finish job id.
        public let finishJob: String
    }

    /// Writes the scripts, submits the array, then the finish job depending on it.
    public func submit(client: SlurmClient = SlurmClient()) throws -> Submission {
        try writeScripts()
        let array = indices.isEmpty ? nil : try client.submit(arrayScript)
        // Rewrite the finish script with the array's id, so that the file says what was submitted.
        try writeScripts(arrayJob: array)
        let finish = try client.submit(finishScript)
        return Submission(arrayJob: array, finishJob: finish)
    }
}
