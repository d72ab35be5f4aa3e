import ArgumentParser
import DirectProbe
import Foundation

/// The `--slurm` options shared by `probe sweep` and batch probing (`probe run`, mode batch_probing).
struct SlurmOptions: ParsableArguments {
    @Flag(help: "Write <output>/slurm/sweep.sbatch (a job array, one task per space) and finish.sbatch instead of running here.")
    var slurm = false

    @Flag(help: "With --slurm: submit both scripts with sbatch and print the job ids.")
    var submit = false

    @Flag(help: "With --submit: wait until the jobs are done; exit 1 naming a failed task and its log.")
    var wait = false

    @Option(help: "Slurm partition (default: the cluster's default).")
    var partition: String?

    @Option(help: "Time limit per task, e.g. 2:00:00 (default: sized from the space).")
    var time: String?

    @Option(help: "Memory per task, e.g. 8G (default: sized from the space and --memory).")
    var mem: String?

    @Option(help: "Cores per task (default: sized from the space).")
    var cpusPerTask: Int?

    @Option(help: "At most this many tasks at once (the array's %K).")
    var maxParallel: Int?

    @Option(help: "Slurm account to charge.")
    var account: String?

    @Option(help: "A further #SBATCH argument, e.g. --qos=short (repeatable).")
    var sbatchArg: [String] = []

    @Option(help: ArgumentHelp("Seconds between polls with --wait.", visibility: .hidden))
    var pollInterval: Double = 2

    func validate() throws {
        if submit && !slurm { throw ValidationError("--submit needs --slurm") }
        if wait && !submit { throw ValidationError("--wait needs --submit") }
        if let cpusPerTask, cpusPerTask < 1 { throw ValidationError("--cpus-per-task must be at least 1") }
        if let maxParallel, maxParallel < 1 { throw ValidationError("--max-parallel must be at least 1") }
    }

    /// The settings: the defaults for a space of `points × dimension` under `budget`, overridden by the options given.
    func settings(points: Int, dimension: Int, budgetBytes: Int?) -> SlurmSettings {
        var settings = SlurmSettings.defaults(points: points, dimension: dimension, budgetBytes: budgetBytes)
        settings.partition = partition
        settings.account = account
        if let time { settings.time = time }
        if let mem { settings.memory = mem }
        if let cpusPerTask { settings.cpusPerTask = cpusPerTask }
        settings.maxParallel = maxParallel
        settings.extraArguments = sbatchArg
        return settings
    }

    /// Writes the scripts and, with --submit, submits them (and with --wait, waits); prints what it did.
    func launch(_ launch: SlurmLaunch, total: Int, describe: (Int) -> String, quiet: Bool) throws {
        func say(_ line: String) { if !quiet { print(line) } }
        if !submit {
            try launch.writeScripts()
            say("\(launch.indices.count) of \(total) spaces to run; wrote \(launch.indices.isEmpty ? "" : launch.arrayScript + " and ")\(launch.finishScript)")
            if launch.indices.isEmpty {
                say("submit with: sbatch \(launch.finishScript)")
            } else {
                say("submit with: jid=$(sbatch --parsable \(launch.arrayScript)) && sbatch --dependency=afterok:$jid --kill-on-invalid-dep=yes \(launch.finishScript)")
            }
            return
        }
        let submission = try launch.submit()
        if let array = submission.arrayJob {
            say("submitted array job \(array) (\(launch.indices.count) of \(total) spaces) and finish job \(submission.finishJob); logs in \(launch.logFolder)")
        } else {
            say("every space is finished; submitted finish job \(submission.finishJob); logs in \(launch.logFolder)")
        }
        guard wait else { return }
        try SlurmClient().wait(array: submission.arrayJob, finish: submission.finishJob, describe: describe, poll: pollInterval,
                               progress: quiet ? nil : { FileHandle.standardError.write(Data(($0 + "\n").utf8)) })
        say("done: array job \(submission.arrayJob ?? "-") and finish job \(submission.finishJob) completed")
    }
}

/// The absolute path of this `probe` binary (for the scripts that Slurm runs elsewhere).
func probeExecutablePath() -> String {
    if let url = Bundle.main.executableURL { return url.resolvingSymlinksInPath().path }
    return URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL.path
}

/// An absolute version of a path relative to the working directory.
func absolutePath(_ path: String) -> String {
    URL(fileURLWithPath: path).standardizedFileURL.path
}
