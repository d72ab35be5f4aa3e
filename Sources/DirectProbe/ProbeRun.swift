import Foundation
import ProbeConfig
import ProbeStore
import ResultSchema

/// Runs one configured job end to end: read inputs, probe or load clusters, analyse, write.
public struct ProbeRun {
    /// The configuration (paths relative to the working directory, as in the reference).
    public let configuration: ProbeConfiguration
    /// Replace result files in a non-empty output folder.
    public var force = false
    /// Worker threads.
    public var threads = ProcessInfo.processInfo.activeProcessorCount
    /// Progress bars and log echo on stderr.
    public var verbose = true
    /// Probing's shortcuts (see ``ProbingOptions/shortcuts``); off only to compare with the
    /// reference's steps as written.
    public var shortcuts = true
    /// The memory budget (default: the config's `run.memory`, else half the machine's memory).
    public var memory: MemoryBudget? = nil

    /// Creates a run of `configuration`.
    public init(configuration: ProbeConfiguration) {
        self.configuration = configuration
    }

    /// What the run produced.
    public struct Outcome: Sendable {
        /// The analysis written.
        public let analysis: Analysis
        /// The probing result, in mode `probing`.
        public let probing: ProbingResult?
        /// The test-set prediction, when test inputs are configured.
        public let prediction: TestPrediction?
        /// The summary written as `summary.json`.
        public let summary: RunSummary
        /// The output folder.
        public let outputFolder: String
    }

    /// Runs the configured mode: every input is checked first (nothing is written if one is
    /// wrong), and a run that fails later leaves the output folder reusable.
    public func run() throws -> Outcome {
        try InputValidation.check(configuration)
        return try OutputFolderGuard(configuration.outputPath).run { try execute() }
    }

    /// Where a run works and what it logs to: fixed when it starts.
    private struct Context {
        let log: RunLog
        let writer: ResultWriter
        let scratch: String
        let budget: MemoryBudget
    }

    /// The wall time of the run and of each phase, for the log and `summary.json`.
    private struct PhaseTimes {
        let started = Date()
        var seconds: [String: Double] = [:]

        /// Runs `body`, adding its wall time to `phase`.
        mutating func timed<T>(_ phase: String, _ body: () throws -> T) rethrows -> T {
            let start = Date()
            defer { seconds[phase, default: 0] += Date().timeIntervalSince(start) }
            return try body()
        }
    }

    /// The points of the run, in the units it computes in.
    private struct Inputs {
        let points: LabeledPoints
        let test: LabeledPoints?
        let unit: UnitScale
    }

    /// The clusters found by probing or read from `clusters.txt`.
    private struct Clustering {
        let probing: ProbingResult?
        let setAside: SetAsidePoints
        let testCoincident: Int
        let assignment: [Int]
    }

    /// Every cluster summarised, and the analyser over the (possibly cluster-ordered) points.
    private struct ClusterSet {
        let analyzer: Analyzer
        let analysisPoints: LabeledPoints
        let all: [Cluster]
        /// The clusters of more than 5 points.
        let analysed: [Cluster]
        let mixed: [MixedLabelCluster]
    }

    /// Sets up the log, the output folder and the scratch folder, then runs the phases in
    /// order, each handing its result to the next.
    private func execute() throws -> Outcome {
        if configuration.mode == .batchProbing {
            throw InputError(file: "config", "mode batch_probing runs through BatchProbe")
        }
        var times = PhaseTimes()
        let log = RunLog(echo: verbose)
        let budget = try memory ?? configuration.memory.map(MemoryBudget.init(parsing:)) ?? .automatic
        let writer = try ResultWriter(folder: configuration.outputPath, force: force)
        log.follow(writer.path("log.txt"))
        let scratch = (configuration.outputPath as NSString).appendingPathComponent(".probe-scratch")
        let scratchCleanup = CleanupRegistry.shared.register(folder: scratch)  // removed on Ctrl-C too
        defer { CleanupRegistry.shared.cleanUpNow(scratchCleanup) }
        if let comments = configuration.comments { log.info("Comments: \(comments)") }
        log.info("probe \(ProbeVersion.string) (\(ProbeVersion.cpuTarget) build), mode \(configuration.mode), \(threads) threads, memory budget \(budget)")
        let context = Context(log: log, writer: writer, scratch: scratch, budget: budget)

        let inputs = try load(context, &times)
        let clustering = try cluster(inputs, context, &times)
        let clusters = try summarize(inputs, clustering, context, &times)
        let (prediction, known) = try predict(inputs, clusters, context, &times)
        let analysis = try analyse(inputs, clusters, known: known, context, &times)
        let summary = try writeSummary(inputs: inputs, clustering: clustering, clusters: clusters, prediction: prediction,
                                       analysis: analysis, context, &times)
        return Outcome(analysis: analysis, probing: clustering.probing, prediction: prediction, summary: summary,
                       outputFolder: writer.folder)
    }

    /// Loads the training split and the test split (before any work, so that both are
    /// checked), and moves both into the units the run computes in.
    private func load(_ context: Context, _ times: inout PhaseTimes) throws -> Inputs {
        let (log, scratch) = (context.log, context.scratch)
        var points = try times.timed("load") { try loadTraining(log: log, scratch: scratch) }
        var test: LabeledPoints? = nil
        if let testEntities = configuration.testEntitiesPath, let testEmbeddings = configuration.testEmbeddingsPath {
            test = try times.timed("load") {
                try loadSplit(entities: testEntities, embeddings: testEmbeddings, labelSet: points.labelSet, name: "test", log: log, scratch: scratch)
            }
        }
        let unit = UnitScale.choosing(for: [points] + (test.map { [$0] } ?? []))
        if !unit.isIdentity {
            log.info("Largest magnitude \(points.valueScan?.largestMagnitude ?? 0): computing on the points times \(unit), distances reported in the input's units")
            let training = points
            points = try times.timed("load") { try unit.apply(to: training, scratch: scratch, name: "train") }
            test = try test.map { try unit.apply(to: $0, scratch: scratch, name: "test") }
        }
        return Inputs(points: points, test: test, unit: unit)
    }

    /// Sets coincident points of different labels aside, then probes (mode `probing`, writing
    /// `clusters.txt`) or reads the clusters file (mode `prediction`).
    private func cluster(_ inputs: Inputs, _ context: Context, _ times: inout PhaseTimes) throws -> Clustering {
        let (points, log) = (inputs.points, context.log)
        // Scaling by a power of two keeps equal rows equal.
        let setAside = try times.timed("coincident points") { try SetAsidePoints.find(in: points, entitiesPath: configuration.entitiesPath) }
        for line in setAside.logLines(entitiesPath: configuration.entitiesPath) { log.info(line) }
        if !setAside.isEmpty, configuration.coincident == .error {
            throw CoincidentPointsError(entitiesPath: configuration.entitiesPath, setAside: setAside)
        }
        var testCoincident = 0
        if let test = inputs.test {
            testCoincident = try times.timed("coincident points") { try TestCoincidence.find(test: test, training: points).rows.count }
            if testCoincident > 0 {
                log.info("\(testCoincident) test points have the same vector as a training point of another label")
            }
        }
        switch configuration.mode {
        case .probing:
            var options = ProbingOptions()
            options.rate = configuration.rate
            options.threads = threads
            options.showProgress = verbose
            // Hyperplanes are worth more than gathered points (measured on a full real layer:
            // a re-check saves a projection or a solve, a gather is a read of mapped rows).
            options.pointCacheBytes = context.budget.bytes / 10
            options.hyperplaneCacheBytes = context.budget.bytes / 5
            options.shortcuts = shortcuts
            options.scratchFolder = context.scratch
            let result = try times.timed("probing") {
                try SetAsidePoints.probe(points, settingAside: setAside, options: options, log: log, scratch: context.scratch)
            }
            log.info(String(format: "Probing took %.3f s (%d overlap solver calls)", times.seconds["probing"] ?? 0, result.solverCalls))
            log.info("Dumping the clusters...")
            let assignment = clusterNumbers(result.clusters, pointCount: points.count)
            try context.writer.writeClusters(assignment)
            return Clustering(probing: result, setAside: setAside, testCoincident: testCoincident, assignment: assignment)
        case .prediction, .batchProbing:
            guard let path = configuration.probingClusterPath else {
                throw InputError(file: "config", "mode prediction needs clustering.probing_cluster_path")
            }
            log.info("Loading the clusters from \(path)")
            let assignment = try ClusterFile.read(path, pointCount: points.count)
            return Clustering(probing: nil, setAside: setAside, testCoincident: testCoincident, assignment: assignment)
        }
    }

    /// Summarises every cluster (centroid, radius); large inputs are first copied in cluster
    /// order, so that every later gather of a cluster is one sequential read (the analysis
    /// gathers each cluster many times).
    private func summarize(_ inputs: Inputs, _ clustering: Clustering, _ context: Context,
                           _ times: inout PhaseTimes) throws -> ClusterSet {
        let (points, log, budget) = (inputs.points, context.log, context.budget)
        var lists = Analyzer(points: points, threads: threads, showProgress: verbose, log: log)
            .memberLists(fromAssignment: clustering.assignment, minimumSize: 0)
        let mixed = MixedLabelCluster.find(in: lists, labels: points.labelSet.labels)
        MixedLabelCluster.warn(mixed, clusterFile: configuration.probingClusterPath ?? "clusters.txt", log: log)
        var analysisPoints = points
        if budget.prefersClusterOrderedCopy(matrixBytes: points.count * points.dimension * MemoryLayout<Float>.size) {
            log.info("Copying the points in cluster order into a scratch store (memory budget \(budget))...")
            let unordered = lists
            (analysisPoints, lists) = try times.timed("reorder") {
                try clusterOrdered(points, lists: unordered, scratch: context.scratch, name: "train")
            }
        }
        var analyzer = Analyzer(points: analysisPoints, threads: threads, showProgress: verbose, log: log)
        analyzer.memory = budget
        let summarizer = analyzer, ordered = lists
        let all = try times.timed("cluster summaries") { try summarizer.summaries(ordered) }
        return ClusterSet(analyzer: analyzer, analysisPoints: analysisPoints, all: all, analysed: all.filter { $0.count > 5 },
                          mixed: mixed)
    }

    /// DirectProbe's test-set prediction and cluster distances, over all clusters (with a
    /// test set only): `prediction.txt`, `dis.txt`, and the distances for the analysis to reuse.
    private func predict(_ inputs: Inputs, _ clusters: ClusterSet, _ context: Context, _ times: inout PhaseTimes) throws
        -> (TestPrediction?, [ClusterKeyPair: ClusterPairDistance]) {
        guard let test = inputs.test else { return (nil, [:]) }
        let (log, writer, unit, all) = (context.log, context.writer, inputs.unit, clusters.all)
        let labels = inputs.points.labelSet.labels
        log.info("Start prediction: \(test.count) test points, \(all.count) clusters...")
        let result = try times.timed("prediction") {
            unit.rescaled(try Predictor(training: clusters.analysisPoints, threads: threads, showProgress: verbose).predict(test, clusters: all))
        }
        log.info("Acc=\(result.accuracy)")
        log.info("Writing predictions to file...")
        try writer.writePredictions(result, clusters: all, labels: labels)
        let pairs = try times.timed("cluster distances") { try clusters.analyzer.clusterDistances(all) }
        log.info("Writing pair-wise distances...")
        try writer.writeClusterDistances(pairs.map(unit.rescaled), clusters: all.map(unit.rescaled), labels: labels)
        let distances = pairs.map { unit.distance($0.distance) }
        if let low = distances.min(), let high = distances.max() {
            log.info("MinConvexDistance=\(low)")
            log.info("MaxConvexDistance=\(high)")
            log.info("AverageConvexDistance=\(distances.reduce(0, +) / Double(distances.count))")
        }
        var known: [ClusterKeyPair: ClusterPairDistance] = [:]
        for pair in pairs { known[ClusterKeyPair(all[pair.first].key, all[pair.second].key)] = pair }
        return (result, known)
    }

    /// The closer-look analysis of the clusters of more than 5 points: the four result files and the log's summary numbers.
    private func analyse(_ inputs: Inputs, _ clusters: ClusterSet, known: [ClusterKeyPair: ClusterPairDistance], _ context: Context,
                         _ times: inout PhaseTimes) throws -> Analysis {
        let log = context.log
        log.info("Analysing \(clusters.analysed.count) clusters of more than 5 points...")
        let analysis = try times.timed("analysis") {
            inputs.unit.rescaled(try clusters.analyzer.analyze(clusters.analysed, known: known))
        }
        log.info(String(format: "Analysis took %.3f s", times.seconds["analysis"] ?? 0))
        try context.writer.writeAnalysis(analysis)
        if let value = analysis.globalMinimum { log.info("global min dis=\(value)") }
        if let value = analysis.meanInsideMean { log.info("mean_inside_mean_dis=\(value)") }
        if let value = analysis.maxInsideMax { log.info("max inside max dis=\(value)") }
        if let value = analysis.insideMaxOverOutsideMin { log.info("Inside max / outside min = \(value)") }
        if let value = analysis.insideMeanOverOutsideMin { log.info("Inside mean / outside min = \(value)") }
        return analysis
    }

    /// Writes `summary.json` and the final log.
    private func writeSummary(inputs: Inputs, clustering: Clustering, clusters: ClusterSet, prediction: TestPrediction?,
                              analysis: Analysis, _ context: Context, _ times: inout PhaseTimes) throws -> RunSummary {
        let points = inputs.points
        times.seconds["total"] = Date().timeIntervalSince(times.started)
        var summary = RunSummary()
        summary.tool = "probe"
        summary.version = ProbeVersion.string
        summary.mode = ProbeMode(rawValue: configuration.mode.rawValue)
        summary.created = isoNow()
        summary.comments = configuration.comments
        summary.labels = points.labelSet.labels
        summary.clusters = clusters.all.count
        summary.clustersAnalysed = clusters.analysed.count
        summary.linear = clustering.probing?.isLinear
        summary.firstErrorState = clustering.probing?.firstErrorState
        summary.merges = clustering.probing?.mergeCount
        summary.accuracy = prediction?.accuracy
        summary.timingsSeconds = times.seconds
        summary.peakMemoryBytes = peakResidentMemory()
        summary.threads = threads
        summary.record(analysis)
        summary.setAside = clustering.setAside.points.map { SetAsidePoint(line: $0.row + 1, entity: $0.entity, label: $0.label, group: $0.group) }
        summary.testCoincident = prediction == nil ? nil : clustering.testCoincident
        summary.inputs = try describeInputs(points: points)
        summary.mixedLabelClusters = clusters.mixed.isEmpty ? nil : clusters.mixed
        context.log.info(String(format: "Total time %.3f s, peak memory %.1f MB", times.seconds["total"] ?? 0, Double(summary.peakMemoryBytes ?? 0) / 1e6))
        try context.writer.write("summary.json", try summary.jsonText())
        try context.writer.write("log.txt", context.log.text)
        return summary
    }

    /// The inputs with their content checksums, for `summary.json`.
    private func describeInputs(points: LabeledPoints) throws -> RunSummary.Inputs {
        func input(_ path: String?, rows: Int? = nil, dimension: Int? = nil) -> RunSummary.Input? {
            guard let path else { return nil }
            let (file, _) = EmbeddingInput.splitStorePath(path)
            let checksum = try? ContentChecksum(path: file)
            return RunSummary.Input(path: path, checksum: checksum?.description, rows: rows, dimension: dimension)
        }
        var inputs = RunSummary.Inputs()
        inputs.labels = input(configuration.labelSetPath)
        inputs.entities = input(configuration.entitiesPath, rows: points.count)
        inputs.embeddings = input(configuration.embeddingsPath, rows: points.count, dimension: points.dimension)
        inputs.testEntities = input(configuration.testEntitiesPath)
        inputs.testEmbeddings = input(configuration.testEmbeddingsPath)
        inputs.clusters = input(configuration.mode == .prediction ? configuration.probingClusterPath : nil)
        return inputs
    }

    private func loadSplit(entities: String, embeddings: String, labelSet: LabelSet, name: String, log: RunLog, scratch: String) throws -> LabeledPoints {
        log.info("Load entities from \(entities)")
        let labels = try EntityFile.labelIndices(entities, labelSet: labelSet)
        log.info("Finish loading \(labels.count) entities...")
        log.info("Loading embeddings from \(embeddings)")
        let (matrix, scan) = try EmbeddingInput.openScanned(embeddings, entityCount: labels.count, entitiesPath: entities,
                                                            scratchFolder: scratch, name: name, showProgress: verbose)
        log.info("Finish loading embeddings: \(matrix.rowCount) x \(matrix.dimension)\(matrix.isMemoryMapped ? " (memory-mapped)" : "")")
        var points = try LabeledPoints(matrix: matrix, labels: labels, labelSet: labelSet, source: embeddings)
        points.valueScan = scan
        return points
    }

    private func loadTraining(log: RunLog, scratch: String) throws -> LabeledPoints {
        let labelSet = try LabelSet.read(configuration.labelSetPath)
        guard let embeddings = configuration.embeddingsPath else {
            throw InputError(file: "config", "data.embeddings_path is required in mode \(configuration.mode)")
        }
        let points = try loadSplit(entities: configuration.entitiesPath, embeddings: embeddings, labelSet: labelSet,
                                   name: "train", log: log, scratch: scratch)
        log.info("Label size=\(labelSet.count)")
        return points
    }

    /// The cluster number of every point, clusters numbered in the given order (by first member).
    private func clusterNumbers(_ clusters: [Cluster], pointCount: Int) -> [Int] {
        var number = [Int](repeating: -1, count: pointCount)
        for (index, cluster) in clusters.enumerated() { for member in cluster.members { number[Int(member)] = index } }
        return number
    }
}
