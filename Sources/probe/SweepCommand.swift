import ArgumentParser
import DirectProbe
import Foundation
import ProbeConfig
import ProbeReport
import ProbeStore

/// `probe sweep`: probe every (iteration, layer) space on its own, here or as a Slurm job array.
struct Sweep: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Probe every (iteration, layer) space under data.batch_embeddings_path, each on its own.",
        discussion: """
        Each space gets the config's labels and training entities (and the test set, when data.test_embeddings_path names one space of a layout like the training one) and a normal probing result folder <output>/<iteration>/<layer>/. Then <output>/sweep.csv, <output>/summary.json and <output>/report.html are written. A finished space (keyed by its inputs' content) is not probed again: an interrupted sweep resumes where it stopped.

        With --slurm the spaces become a Slurm job array (see the README, "On a cluster").
        """)

    @Option(name: .shortAndLong, help: "The configuration file.")
    var config: String = "config.ini"

    @Option(help: "The sweep folder (default: run.output_path).")
    var output: String?

    @Flag(help: "Use a non-empty output folder that is not a sweep folder.")
    var force = false

    @Option(help: "Worker threads per space (default: all cores).")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: "Memory budget of each space, e.g. 1G (overrides run.memory).")
    var memory: String?

    @Flag(name: .shortAndLong, help: "No progress on stderr.")
    var quiet = false

    @OptionGroup var slurm: SlurmOptions

    @Option(help: ArgumentHelp("Probe only this space (its 0-based index; what each Slurm array task runs).", visibility: .hidden))
    var only: Int?

    @Flag(help: ArgumentHelp("Probe nothing: assemble sweep.csv, summary.json and the report; fail naming missing spaces.", visibility: .hidden))
    var finish = false

    func run() throws {
        do {
            let configuration = try sweepConfiguration()
            var sweep = SweepProbe(configuration: configuration)
            sweep.force = force
            sweep.threads = max(1, threads)
            sweep.verbose = !quiet
            sweep.memory = try memory.map(MemoryBudget.init(parsing:))
            if let only {
                _ = try sweep.run(only: only)
                return
            }
            if finish {
                try sweep.prepareFolder()
                let plan = try SweepPlan(configuration: configuration)
                let summary = try sweep.assemble(plan: plan)
                try writeReport(sweep.outputFolder)
                let missing = summary.missing ?? []
                guard missing.isEmpty else {
                    throw SweepIncomplete(missing: missing, total: plan.spaces.count, folder: sweep.outputFolder)
                }
                if !quiet { print("\(plan.spaces.count) spaces assembled into \(sweep.outputFolder)/sweep.csv") }
                return
            }
            if slurm.slurm {
                try launchOnSlurm(sweep, configuration: configuration)
                return
            }
            let outcome = try sweep.run()
            try writeReport(sweep.outputFolder)
            if !quiet {
                print("\(outcome.plan.spaces.count) spaces (\(outcome.computed.count) probed, \(outcome.reused.count) reused); results in \(sweep.outputFolder), table in \(sweep.outputFolder)/sweep.csv")
            }
        } catch let error as ExitCode {
            throw error
        } catch {
            throw fail(error)
        }
    }

    /// The configuration, with the sweep's output folder (absolute) and mode `probing` (the config's mode and
    /// `embeddings_path` are not used: each space is probed on its own).
    private func sweepConfiguration() throws -> ProbeConfiguration {
        var file = try INIFile(contentsOf: URL(fileURLWithPath: config))
        try file.setValue("probing", forKey: "mode", in: "clustering")
        if (try? file.value("embeddings_path", in: "data")) == nil, let batch = try? file.value("batch_embeddings_path", in: "data") {
            try file.setValue(batch, forKey: "embeddings_path", in: "data")
        }
        var configuration = try ProbeConfiguration(file)
        configuration.outputPath = absolutePath(output ?? configuration.outputPath)
        return configuration
    }

    private func launchOnSlurm(_ sweep: SweepProbe, configuration: ProbeConfiguration) throws {
        try sweep.prepareFolder()
        let plan = try SweepPlan(configuration: configuration)
        let missing = try sweep.unfinished(plan)
        let shape = try plan.shape(configuration: configuration)
        let budget = try memory.map(MemoryBudget.init(parsing:))?.bytes
        let settings = slurm.settings(points: shape.points, dimension: shape.dimension, budgetBytes: budget)
        var common = [probeExecutablePath(), "sweep", "--config", absolutePath(config), "--output", sweep.outputFolder]
        if let budget = memory ?? settings.budgetForTasks { common += ["--memory", budget] }
        let launch = SlurmLaunch(name: "sweep", outputFolder: sweep.outputFolder, indices: missing.map(\.index), settings: settings,
                                 workingDirectory: FileManager.default.currentDirectoryPath,
                                 taskCommand: common, finishCommand: common + ["--finish"])
        try slurm.launch(launch, total: plan.spaces.count, describe: { index in
            plan.spaces.indices.contains(index) ? "iteration \(plan.spaces[index].iteration), layer \(plan.spaces[index].layer)" : "space \(index)"
        }, quiet: quiet)
    }

    private func writeReport(_ folder: String) throws {
        try Report(resultFolders: [folder], title: "Sweep \((folder as NSString).lastPathComponent)")
            .write(to: (folder as NSString).appendingPathComponent("report.html"))
    }
}

/// A finish job that found spaces without results.
struct SweepIncomplete: Error, CustomStringConvertible {
    let missing: [String]
    let total: Int
    let folder: String
    var description: String {
        "\(missing.count) of \(total) spaces have no finished result in \(folder): \(missing.prefix(12).joined(separator: ", "))\(missing.count > 12 ? ", …" : "")"
            + "; sweep.csv lists the others. Run the sweep again (only the missing spaces are probed)."
    }
}
