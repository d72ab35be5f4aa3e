import ArgumentParser
import DirectProbe
import Foundation
import ProbeCommandLine
import ProbeConfig
import ProbeReport
import ProbeStore
import ResultSchema

/// `probe`: DirectProbe clustering and the closer-look analysis, driven by a config.ini.
@main
struct Probe: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "probe",
        abstract: "Probe embedding spaces with DirectProbe and the closer-look measures.",
        version: "probe \(ProbeVersion.string)",
        subcommands: [Run.self, Sweep.self, Compare.self, ReportCommand.self],
        defaultSubcommand: Run.self)

    /// Installs the signal handling (cleanup on Ctrl-C), then parses and runs the command.
    static func main() {
        SignalHandler.install()
        main(nil)
    }
}

/// Prints an error the way every subcommand does and exits with status 1; `verbose` shows
/// the full text of library errors (the HDF5 error stack).
func fail(_ error: Error, verbose: Bool = false) -> ExitCode {
    commandFailure(error, tool: "probe", verbose: verbose)
}

/// `probe run` (the default): run the job a config.ini describes.
struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the job of a config.ini (the default subcommand).",
        discussion: """
        Reads a config.ini in the reference's format (Python configparser with extended
        interpolation; paths relative to the working directory) and runs its mode:
          probing      cluster the training embeddings, then analyse the clusters
          prediction   analyse the clusters in clustering.probing_cluster_path
          batch_probing  measure those clusters in every layer of every iteration
                       under data.batch_embeddings_path (resumes an interrupted batch)
        With data.test_entities_path and data.test_embeddings_path, also predicts the
        test labels (DirectProbe): prediction.txt, dis.txt and Acc= in the log.
        Results in run.output_path: clusters.txt, vec.txt, outside_min.txt,
        inside_mean.txt, inside_max.txt, log.txt, summary.json (numbers with 4
        decimals). Embeddings may be .txt files (converted once, streaming),
        numpy .npy files (2-D float32 read in place through a memory mapping;
        float64 converted once) or HDF5 stores written by probe-convert, named
        as store.h5:<key> (e.g. data.h5:all-MiniLM-L6-v2/train/0/6), whose
        chunks are memory-mapped in place.
        """)

    @Option(name: .shortAndLong, help: "The configuration file.")
    var config: String = "config.ini"

    @Option(help: "Override run.output_path.")
    var output: String?

    @Option(help: "Override clustering.mode: probing, prediction or batch_probing (default: the config's).")
    var mode: String?

    @Option(help: "Override data.embeddings_path (a .txt, a .npy, or store.h5:<key>).")
    var embeddings: String?

    @Option(help: "Override clustering.probing_cluster_path.")
    var clusters: String?

    @Option(help: "Override clustering.rate, between 0 and 1 (default: the config's).")
    var rate: String?

    @Option(help: "Coincident training points of different labels: set-aside (singleton clusters, the default) or error (overrides clustering.coincident).")
    var coincident: String?

    @Option(help: "Memory budget, e.g. 1G (overrides run.memory; default: half the machine's memory).")
    var memory: String?

    @Flag(help: "Write into a non-empty output folder, replacing the result files.")
    var force = false

    @OptionGroup var work: WorkOptions

    @OptionGroup(title: "Batch probing on Slurm") var slurm: SlurmOptions

    @Option(help: ArgumentHelp("Batch probing: measure only this layer (0-based, what each Slurm array task runs).", visibility: .hidden))
    var only: Int?

    @Flag(help: ArgumentHelp("Batch probing: measure nothing; write the CSVs from .batch-cache, failing on missing layers.", visibility: .hidden))
    var finish = false

    func run() throws {
        let threads = work.threadCount
        do {
            var file = try INIFile(contentsOf: URL(fileURLWithPath: config))
            let overrides: [(String, String, String?)] = [
                ("run", "output_path", output), ("clustering", "mode", mode), ("data", "embeddings_path", embeddings),
                ("clustering", "probing_cluster_path", clusters), ("clustering", "rate", rate),
                ("clustering", "coincident", coincident),
            ]
            for (section, key, value) in overrides {
                if let value { try file.setValue(value, forKey: key, in: section) }
            }
            let configuration = try ProbeConfiguration(file)
            if configuration.mode == .batchProbing {
                var batch = BatchProbe(configuration: configuration)
                batch.force = force
                batch.threads = max(1, threads)
                batch.verbose = !work.quiet
                batch.memory = try memory.map(MemoryBudget.init(parsing:))
                batch.only = only
                batch.assembleOnly = finish
                if slurm.slurm {
                    let overrides = [("--mode", mode), ("--clusters", clusters.map(absolutePath)), ("--rate", rate)]
                    let common = [probeExecutablePath(), "run", "--config", absolutePath(config), "--output", absolutePath(configuration.outputPath)]
                        + overrides.flatMap { flag, value in value.map { [flag, $0] } ?? [] }
                    try BatchOnSlurm(batch: batch, commonCommand: common, options: slurm, memory: memory, quiet: work.quiet).launch()
                    return
                }
                let outcome = try batch.run()
                if only != nil { return }
                if !work.quiet {
                    print("\(outcome.iterations.count) iterations, \(outcome.computed) layers computed, \(outcome.reused) reused; results in \(configuration.outputPath)")
                }
                return
            }
            var job = ProbeRun(configuration: configuration)
            job.force = force
            job.threads = max(1, threads)
            job.verbose = !work.quiet
            job.memory = try memory.map(MemoryBudget.init(parsing:))
            let outcome = try job.run()
            if !work.quiet {
                let linear = outcome.probing.map { $0.isLinear ? ", linear" : ", non-linear" } ?? ""
                print("\(outcome.analysis.clusters.count) clusters analysed\(linear); results in \(outcome.outputFolder)")
            }
        } catch let error as ExitCode {
            throw error
        } catch {
            throw fail(error, verbose: work.verbose)
        }
    }
}

/// `probe compare A B`: how two probed spaces differ (the closer-look paper's analysis).
struct Compare: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Compare two result folders (e.g. before and after fine-tuning).",
        discussion: """
        Prints the Pearson correlation of the two label-pair distance vectors
        (vec.txt), each label's minimum distance (outside_min.txt) in both spaces
        and its change, how many labels moved apart or closer, and how far each
        label's centroid moved when the same points are probed in both spaces
        (embeddings from each folder's summary.json, or --embeddings-a and
        --embeddings-b). Folders with no label in common are an error.
        """)

    @Argument(help: "The first result folder (e.g. before fine-tuning).")
    var a: String
    @Argument(help: "The second result folder.")
    var b: String
    @Option(help: "Embeddings of the first space (.txt or store.h5:<key>), if not in A's summary.json.")
    var embeddingsA: String?
    @Option(help: "Embeddings of the second space.")
    var embeddingsB: String?
    @Option(help: "The entities file of the points (default: A's).")
    var entities: String?
    @Option(help: "The label set (default: A's).")
    var labels: String?
    @Option(help: "Also write the comparison as JSON to this file.")
    var json: String?

    func run() throws {
        do {
            let comparison = try SpaceComparison.compare(a, b, embeddingsA: embeddingsA, embeddingsB: embeddingsB,
                                                         entities: entities, labelSet: labels)
            print(comparison.table(), terminator: "")
            if let json {
                try comparison.jsonData().write(to: URL(fileURLWithPath: json))
            }
        } catch {
            throw fail(error)
        }
    }
}

/// `probe report RESULTS… -o FILE.html`: one self-contained HTML page with SVG plots.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write an HTML report (inline SVG plots) of result folders.",
        discussion: """
        Each folder is a probing/prediction run (vec.txt, outside_min.txt, … and
        summary.json) or a batch run (batch_vec/, outside_min/, …). A run gets
        per-label inside/outside distances and a heat map of label-pair
        distances; a batch gets the minimum distance per label across layers and
        across fine-tuning iterations, the mean label-pair distance per layer,
        and linearity per layer. The page needs no network. An existing FILE is
        replaced only with --force.
        """)

    @Argument(help: "Result folders.")
    var results: [String]
    @OptionGroup var target: OutputFileOptions
    @OptionGroup var page: ReportPageOptions

    func run() throws {
        do {
            try target.check()
            try Report(resultFolders: results, title: page.title, options: page.reportOptions).write(to: target.output)
            print("wrote \(target.output)")
        } catch {
            throw fail(error)
        }
    }
}
