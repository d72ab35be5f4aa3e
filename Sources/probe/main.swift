import ArgumentParser
import DirectProbe
import Foundation
import ProbeConfig
import ProbeStore

/// `probe`: DirectProbe clustering and the closer-look analysis, driven by a config.ini.
@main
struct Probe: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "probe",
        abstract: "Probe an embedding space with DirectProbe and write the closer-look measures.",
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
        inside_mean.txt, inside_max.txt, log.txt, summary.json (numbers with 4 decimals).
        Embeddings may be .txt files (converted once, streaming) or HDF5 stores written by
        probe-convert, named as store.h5:<key> (e.g. data.h5:all-MiniLM-L6-v2/train/0/6).
        """)

    @Option(name: .shortAndLong, help: "The configuration file.")
    var config: String = "config.ini"

    @Option(help: "Override run.output_path.")
    var output: String?

    @Option(help: "Override clustering.mode (probing, prediction, batch_probing).")
    var mode: String?

    @Option(help: "Override data.embeddings_path.")
    var embeddings: String?

    @Option(help: "Override clustering.probing_cluster_path.")
    var clusters: String?

    @Option(help: "Override clustering.rate.")
    var rate: String?

    @Option(help: "Worker threads (default: all cores).")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    @Flag(help: "Write into a non-empty output folder, replacing the result files.")
    var force = false

    @Flag(name: .shortAndLong, help: "No progress bars and no log on stderr.")
    var quiet = false

    func run() throws {
        do {
            var file = try INIFile(contentsOf: URL(fileURLWithPath: config))
            let overrides: [(String, String, String?)] = [
                ("run", "output_path", output), ("clustering", "mode", mode), ("data", "embeddings_path", embeddings),
                ("clustering", "probing_cluster_path", clusters), ("clustering", "rate", rate),
            ]
            for (section, key, value) in overrides {
                if let value { try file.setValue(value, forKey: key, in: section) }
            }
            let configuration = try ProbeConfiguration(file)
            if configuration.mode == .batchProbing {
                var batch = BatchProbe(configuration: configuration)
                batch.force = force
                batch.threads = max(1, threads)
                batch.verbose = !quiet
                let outcome = try batch.run()
                if !quiet {
                    print("\(outcome.iterations.count) iterations, \(outcome.computed) layers computed, \(outcome.reused) reused; results in \(configuration.outputPath)")
                }
                return
            }
            var job = ProbeRun(configuration: configuration)
            job.force = force
            job.threads = max(1, threads)
            job.verbose = !quiet
            let outcome = try job.run()
            if !quiet {
                let linear = outcome.probing.map { $0.isLinear ? ", linear" : ", non-linear" } ?? ""
                print("\(outcome.analysis.clusters.count) clusters analysed\(linear); results in \(outcome.outputFolder)")
            }
        } catch let error as ExitCode {
            throw error
        } catch {
            FileHandle.standardError.write(Data("probe: error: \(error)\n".utf8))
            throw ExitCode(1)
        }
    }
}
