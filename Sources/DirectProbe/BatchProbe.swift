import Foundation
import ProbeConfig
import ProbeStore
import ResultSchema

/// Batch probing: fixed clusters measured in every layer of every fine-tuning iteration,
/// with the reference's CSV files, resumable after an interruption.
///
/// `batch_embeddings_path` is a folder whose sub-folders are iterations, each holding
/// `<layer>.txt` files (any names; numbers sort numerically), or `store.h5:<group>` whose
/// children are iterations holding one dataset per layer. For each (iteration, layer) the
/// clusters of `probing_cluster_path` (more than 5 points) are checked for overlap in that
/// space: overlapping spaces get zeros, the others the closer-look measures (label-pair
/// distances, and per label the smallest distance to another label and the mean and largest
/// distance between its own clusters). Every finished layer is recorded under
/// `.batch-cache/`, keyed by the content of its inputs, so a re-run on the same inputs redoes
/// only what is missing.
///
/// The concerns live in files of their own: finding the layers (`BatchDiscovery.swift`),
/// the resume records (`BatchCache.swift`), measuring a layer (`BatchMeasure.swift`), the
/// CSVs (`BatchCSV.swift`) and `summary.json` (`BatchSummaryWriting.swift`).
public struct BatchProbe {
    /// The configuration.
    public let configuration: ProbeConfiguration
    /// Write into a non-empty output folder that is not a resumable batch.
    public var force = false
    /// Worker threads.
    public var threads = ProcessInfo.processInfo.activeProcessorCount
    /// Progress bars and log on stderr.
    public var verbose = true
    /// The memory budget (default: the config's `run.memory`, else half the machine's memory).
    public var memory: MemoryBudget? = nil
    /// Measure only this layer (its index in discovery order, a Slurm array index) into `.batch-cache/`; no CSVs.
    public var only: Int? = nil
    /// Measure nothing: write the CSVs from `.batch-cache/`, and fail naming the layers not recorded there.
    public var assembleOnly = false

    /// Creates a batch run of `configuration`.
    public init(configuration: ProbeConfiguration) { self.configuration = configuration }

    /// The measures of one layer (zeros when it is not linearly separable).
    typealias LayerRecord = BatchLayerRecord

    /// What the batch produced.
    public struct Outcome: Sendable {
        /// Iteration names, in order.
        public let iterations: [String]
        /// Layer names per iteration.
        public let layers: [String: [String]]
        /// Whether each (iteration, layer) was linearly separable with the fixed clusters.
        public let linear: [String: [String: Bool]]
        /// Layers computed in this run (the others came from the cache).
        public let computed: Int
        /// Layers taken from the cache.
        public let reused: Int
    }

    /// Where a batch run works: fixed when it starts.
    struct Context {
        let started: Date
        let batchPath: String
        let clusterPath: String
        let cacheFolder: String
        let scratch: String
        let writer: ResultWriter
        let log: RunLog
    }

    /// What the batch reads before measuring: the entities' labels, the fixed clusters and the layers.
    struct Inputs {
        let labelSet: LabelSet
        let labels: [Int32]
        let assignment: [Int]
        let mixed: [MixedLabelCluster]
        let sources: [LayerSource]
        let keyOf: (LayerSource) throws -> String
        /// Iteration names in discovery order, and the layers of each.
        let iterations: [String]
        let layersOf: [String: [String]]
    }

    /// The layers measured or taken from the cache so far.
    struct Progress {
        var records: [String: [String: LayerRecord]] = [:]
        var computed = 0
        var reused = 0
        /// Layers not recorded, as `<iteration>/<layer>` (only when assembling).
        var missing: [String] = []
    }

    /// Runs the batch in phases: checks the inputs and prepares the folders, reads the
    /// fixed clusters and finds the layers, measures every layer not recorded yet (writing
    /// an iteration's CSVs once it is complete), then writes `summary.json` and the log.
    public func run() throws -> Outcome {
        let started = Date()
        try InputValidation.check(configuration)
        guard let batchPath = configuration.batchEmbeddingsPath else {
            throw InputError(file: "config", "mode batch_probing needs data.batch_embeddings_path")
        }
        guard let clusterPath = configuration.probingClusterPath else {
            throw InputError(file: "config", "mode batch_probing needs clustering.probing_cluster_path")
        }
        let output = configuration.outputPath
        let cacheFolder = (output as NSString).appendingPathComponent(".batch-cache")
        let resumable = FileManager.default.fileExists(atPath: cacheFolder)
        let writer = try ResultWriter(folder: output, force: force || resumable)
        // Array tasks of one batch run at once in the same folder: each converts text into its own scratch folder.
        let scratch = (output as NSString).appendingPathComponent(only == nil ? ".probe-scratch" : ".probe-scratch-\(getpid())")
        let scratchCleanup = CleanupRegistry.shared.register(folder: scratch)  // removed on Ctrl-C too
        defer { CleanupRegistry.shared.cleanUpNow(scratchCleanup) }
        try FileManager.default.createDirectory(atPath: cacheFolder, withIntermediateDirectories: true)
        let log = RunLog(echo: verbose)
        if only == nil { log.follow(writer.path("log.txt")) }
        log.info("probe \(ProbeVersion.string) (\(ProbeVersion.cpuTarget) build), mode batch_probing, \(threads) threads")
        let context = Context(started: started, batchPath: batchPath, clusterPath: clusterPath, cacheFolder: cacheFolder,
                              scratch: scratch, writer: writer, log: log)

        let inputs = try readInputs(context)
        let progress = try measureLayers(context, inputs)
        if only != nil {
            return Outcome(iterations: inputs.iterations, layers: inputs.layersOf, linear: [:],
                           computed: progress.computed, reused: progress.reused)
        }
        if !progress.missing.isEmpty {
            let missing = progress.missing
            throw InputError(file: cacheFolder, "\(missing.count) of \(inputs.sources.count) layers are not measured yet: \(missing.prefix(10).joined(separator: ", "))\(missing.count > 10 ? ", …" : ""); run the batch again (only those layers are measured)")
        }
        return try writeSummary(context, inputs, progress)
    }

    /// Reads the label set, the entities and the fixed clusters, and finds the layers.
    private func readInputs(_ context: Context) throws -> Inputs {
        let log = context.log
        let labelSet = try LabelSet.read(configuration.labelSetPath)
        log.info("Load entities from \(configuration.entitiesPath)")
        let labels = try EntityFile.labelIndices(configuration.entitiesPath, labelSet: labelSet)
        log.info("Finish loading \(labels.count) entities; label size=\(labelSet.count)")
        log.info("Loading clusters from \(context.clusterPath)")
        let assignment = try ClusterFile.read(context.clusterPath, pointCount: labels.count)
        let mixed = MixedLabelCluster.find(in: Analyzer.memberLists(fromAssignment: assignment, labels: labels, minimumSize: 0),
                                           labels: labelSet.labels)
        MixedLabelCluster.warn(mixed, clusterFile: context.clusterPath, log: log)
        let (sources, keyOf) = try layerKeys(batchPath: context.batchPath, clusterPath: context.clusterPath)
        if let only, !sources.indices.contains(only) {
            throw InputError(file: context.batchPath, "layer \(only) does not exist: the batch has \(sources.count) layers (0…\(sources.count - 1))")
        }
        var iterations: [String] = []
        var layersOf: [String: [String]] = [:]
        for source in sources {
            if layersOf[source.iteration] == nil { iterations.append(source.iteration) }
            layersOf[source.iteration, default: []].append(source.layer)
        }
        return Inputs(labelSet: labelSet, labels: labels, assignment: assignment, mixed: mixed, sources: sources,
                      keyOf: keyOf, iterations: iterations, layersOf: layersOf)
    }

    /// Takes every layer (or only `only`) from the cache or measures it, and writes an
    /// iteration's CSVs as soon as all its layers are known.
    private func measureLayers(_ context: Context, _ inputs: Inputs) throws -> Progress {
        var progress = Progress()
        let sources = inputs.sources
        let bar = verbose && only == nil ? ProgressBar("batch layers", total: Double(sources.count)) : nil
        for (index, source) in sources.enumerated() {
            if let only, index != only { continue }
            let recordPath = Self.recordPath(cacheFolder: context.cacheFolder, source)
            let key = try inputs.keyOf(source)
            if let record = Self.cachedRecord(recordPath, key: key) {
                progress.records[source.iteration, default: [:]][source.layer] = record
                progress.reused += 1
                context.log.info("\(source.path): already done (\(record.linear ? "linearly separable" : "NOT linearly separable"))")
            } else if assembleOnly {
                progress.missing.append("\(source.iteration)/\(source.layer)")
            } else {
                let record = try measure(source, key: key, labels: inputs.labels, labelSet: inputs.labelSet,
                                         assignment: inputs.assignment, scratch: context.scratch, log: context.log)
                try Self.saveRecord(record, at: recordPath)
                progress.records[source.iteration, default: [:]][source.layer] = record
                progress.computed += 1
            }
            bar?.update(Double(index + 1))
            let layers = inputs.layersOf[source.iteration] ?? []
            let complete = (progress.records[source.iteration]?.count ?? 0) == layers.count
            if only == nil, complete, index + 1 == sources.count || sources[index + 1].iteration != source.iteration {
                try writeCSVs(iteration: source.iteration, layers: layers, records: progress.records[source.iteration] ?? [:],
                              labels: inputs.labelSet.labels, writer: context.writer)
            }
        }
        bar?.finish()
        return progress
    }
}
