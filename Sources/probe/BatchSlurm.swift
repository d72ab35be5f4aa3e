import DirectProbe
import Foundation
import ProbeConfig
import ProbeStore

/// Batch probing (mode `batch_probing`) as a Slurm job array: one task per (iteration, layer)
/// recording its layer in `.batch-cache/`, and a finish job writing the reference's CSVs.
struct BatchOnSlurm {
    /// The batch, configured as `probe run` was asked to run it.
    let batch: BatchProbe
    /// The command words every task and the finish job repeat (binary, `run`, config, output and overrides).
    let commonCommand: [String]
    let options: SlurmOptions
    let memory: String?
    let quiet: Bool

    func launch() throws {
        let configuration = batch.configuration
        let output = configuration.outputPath
        let cache = (output as NSString).appendingPathComponent(".batch-cache")
        // The tasks start at once in this folder: make it a resumable batch folder before any starts.
        if !FileManager.default.fileExists(atPath: cache) {
            _ = try ResultWriter(folder: output, force: batch.force)
            try FileManager.default.createDirectory(atPath: cache, withIntermediateDirectories: true)
        }
        let unfinished = try batch.unfinishedLayers()
        let plan = try SweepPlan(configuration: configuration)
        let shape = try plan.shape(configuration: configuration)
        let budget = try memory.map(MemoryBudget.init(parsing:))?.bytes
        let settings = options.settings(points: shape.points, dimension: shape.dimension, budgetBytes: budget)
        var common = commonCommand
        if let budget = memory ?? settings.budgetForTasks { common += ["--memory", budget] }
        let launch = SlurmLaunch(name: "batch", outputFolder: output, indices: unfinished.map(\.index), settings: settings,
                                 workingDirectory: FileManager.default.currentDirectoryPath,
                                 taskCommand: common, finishCommand: common + ["--finish"])
        let names = Dictionary(uniqueKeysWithValues: plan.spaces.map { ($0.index, "iteration \($0.iteration), layer \($0.layer)") })
        try options.launch(launch, total: plan.spaces.count, describe: { names[$0] ?? "layer \($0)" }, quiet: quiet)
    }
}
