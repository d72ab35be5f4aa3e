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

    private func execute() throws -> Outcome {
        if configuration.mode == .batchProbing {
            throw InputError(file: "config", "mode batch_probing runs through BatchProbe")
        }
        let started = Date()
        var timings: [String: Double] = [:]
        func timed<T>(_ phase: String, _ body: () throws -> T) rethrows -> T {
            let start = Date()
            defer { timings[phase, default: 0] += Date().timeIntervalSince(start) }
            return try body()
        }
        let log = RunLog(echo: verbose)
        let budget = try memory ?? configuration.memory.map(MemoryBudget.init(parsing:)) ?? .automatic
        let writer = try ResultWriter(folder: configuration.outputPath, force: force)
        log.follow(writer.path("log.txt"))
        let scratch = (configuration.outputPath as NSString).appendingPathComponent(".probe-scratch")
        let scratchCleanup = CleanupRegistry.shared.register(folder: scratch)  // removed on Ctrl-C too
        defer { CleanupRegistry.shared.cleanUpNow(scratchCleanup) }
        if let comments = configuration.comments { log.info("Comments: \(comments)") }
        log.info("probe \(ProbeVersion.string), mode \(configuration.mode), \(threads) threads, memory budget \(budget)")

        var points = try timed("load") { try loadTraining(log: log, scratch: scratch) }
        // The test split is loaded (and checked) before any work, and shares the training's units.
        var test: LabeledPoints? = nil
        if let testEntities = configuration.testEntitiesPath, let testEmbeddings = configuration.testEmbeddingsPath {
            test = try timed("load") {
                try loadSplit(entities: testEntities, embeddings: testEmbeddings, labelSet: points.labelSet, name: "test", log: log, scratch: scratch)
            }
        }
        let unit = UnitScale.choosing(for: [points] + (test.map { [$0] } ?? []))
        if !unit.isIdentity {
            log.info("Largest magnitude \(points.valueScan?.largestMagnitude ?? 0): computing on the points times \(unit), distances reported in the input's units")
            points = try timed("load") { try unit.apply(to: points, scratch: scratch, name: "train") }
            test = try test.map { try unit.apply(to: $0, scratch: scratch, name: "test") }
        }
        // Coincident points of different labels (scaling by a power of two keeps equal rows equal).
        let setAside = try timed("coincident points") { try SetAsidePoints.find(in: points, entitiesPath: configuration.entitiesPath) }
        for line in setAside.logLines(entitiesPath: configuration.entitiesPath) { log.info(line) }
        if !setAside.isEmpty, configuration.coincident == .error {
            throw CoincidentPointsError(entitiesPath: configuration.entitiesPath, setAside: setAside)
        }
        var testCoincident = 0
        if let test {
            testCoincident = try timed("coincident points") { try TestCoincidence.find(test: test, training: points).rows.count }
            if testCoincident > 0 {
                log.info("\(testCoincident) test points have the same vector as a training point of another label")
            }
        }
        var probing: ProbingResult? = nil
        let assignment: [Int]
        let analyzer = Analyzer(points: points, threads: threads, showProgress: verbose, log: log)
        switch configuration.mode {
        case .probing:
            var options = ProbingOptions()
            options.rate = configuration.rate
            options.threads = threads
            options.showProgress = verbose
            options.pointCacheBytes = budget.bytes / 8
            options.hyperplaneCacheBytes = budget.bytes / 8
            options.shortcuts = shortcuts
            options.scratchFolder = scratch
            let result = try timed("probing") {
                try SetAsidePoints.probe(points, settingAside: setAside, options: options, log: log, scratch: scratch)
            }
            log.info(String(format: "Probing took %.3f s (%d overlap solver calls)", timings["probing"] ?? 0, result.solverCalls))
            probing = result
            log.info("Dumping the clusters...")
            assignment = clusterNumbers(result.clusters, pointCount: points.count)
            try writer.writeClusters(assignment)
        case .prediction, .batchProbing:
            guard let path = configuration.probingClusterPath else {
                throw InputError(file: "config", "mode prediction needs clustering.probing_cluster_path")
            }
            log.info("Loading the clusters from \(path)")
            assignment = try ClusterFile.read(path, pointCount: points.count)
        }
        // Large inputs: copy the points in cluster order first, so that every later gather of a
        // cluster is one sequential read (the analysis gathers each cluster many times).
        var lists = analyzer.memberLists(fromAssignment: assignment, minimumSize: 0)
        let mixed = MixedLabelCluster.find(in: lists, labels: points.labelSet.labels)
        MixedLabelCluster.warn(mixed, clusterFile: configuration.probingClusterPath ?? "clusters.txt", log: log)
        var analysisPoints = points
        if budget.prefersClusterOrderedCopy(matrixBytes: points.count * points.dimension * MemoryLayout<Float>.size) {
            log.info("Copying the points in cluster order into a scratch store (memory budget \(budget))...")
            (analysisPoints, lists) = try timed("reorder") { try clusterOrdered(points, lists: lists, scratch: scratch, name: "train") }
        }
        var clusterAnalyzer = Analyzer(points: analysisPoints, threads: threads, showProgress: verbose, log: log)
        clusterAnalyzer.memory = budget
        let allClusters = try timed("cluster summaries") { try clusterAnalyzer.summaries(lists) }
        let analysed = allClusters.filter { $0.count > 5 }

        // DirectProbe's test-set prediction and cluster distances, over all clusters.
        var prediction: TestPrediction? = nil
        var known: [NodePair: ClusterPairDistance] = [:]
        if let test {
            log.info("Start prediction: \(test.count) test points, \(allClusters.count) clusters...")
            let result = try timed("prediction") {
                unit.rescaled(try Predictor(training: analysisPoints, threads: threads, showProgress: verbose).predict(test, clusters: allClusters))
            }
            log.info("Acc=\(result.accuracy)")
            log.info("Writing predictions to file...")
            try writer.writePredictions(result, clusters: allClusters, labels: points.labelSet.labels)
            prediction = result
            let pairs = try timed("cluster distances") { try clusterAnalyzer.clusterDistances(allClusters) }
            log.info("Writing pair-wise distances...")
            try writer.writeClusterDistances(pairs.map(unit.rescaled), clusters: allClusters.map(unit.rescaled), labels: points.labelSet.labels)
            let distances = pairs.map { unit.distance($0.distance) }
            if let low = distances.min(), let high = distances.max() {
                log.info("MinConvexDistance=\(low)")
                log.info("MaxConvexDistance=\(high)")
                log.info("AverageConvexDistance=\(distances.reduce(0, +) / Double(distances.count))")
            }
            for pair in pairs { known[NodePair(allClusters[pair.first].node, allClusters[pair.second].node)] = pair }
        }

        log.info("Analysing \(analysed.count) clusters of more than 5 points...")
        let analysis = try timed("analysis") { unit.rescaled(try clusterAnalyzer.analyze(analysed, known: known)) }
        log.info(String(format: "Analysis took %.3f s", timings["analysis"] ?? 0))
        try writer.writeAnalysis(analysis)
        if let value = analysis.globalMinimum { log.info("global min dis=\(value)") }
        if let value = analysis.meanInsideMean { log.info("mean_inside_mean_dis=\(value)") }
        if let value = analysis.maxInsideMax { log.info("max inside max dis=\(value)") }
        if let value = analysis.insideMaxOverOutsideMin { log.info("Inside max / outside min = \(value)") }
        if let value = analysis.insideMeanOverOutsideMin { log.info("Inside mean / outside min = \(value)") }

        timings["total"] = Date().timeIntervalSince(started)
        var summary = RunSummary()
        summary.tool = "probe"
        summary.version = ProbeVersion.string
        summary.mode = ProbeMode(rawValue: configuration.mode.rawValue)
        summary.created = isoNow()
        summary.comments = configuration.comments
        summary.labels = points.labelSet.labels
        summary.clusters = allClusters.count
        summary.clustersAnalysed = analysed.count
        summary.linear = probing?.isLinear
        summary.firstErrorState = probing?.firstErrorState
        summary.merges = probing?.mergeCount
        summary.accuracy = prediction?.accuracy
        summary.timingsSeconds = timings
        summary.peakMemoryBytes = peakResidentMemory()
        summary.threads = threads
        summary.record(analysis)
        summary.setAside = setAside.points.map { SetAsidePoint(line: $0.row + 1, entity: $0.entity, label: $0.label, group: $0.group) }
        summary.testCoincident = prediction == nil ? nil : testCoincident
        summary.inputs = try describeInputs(points: points)
        summary.mixedLabelClusters = mixed.isEmpty ? nil : mixed
        log.info(String(format: "Total time %.3f s, peak memory %.1f MB", timings["total"] ?? 0, Double(summary.peakMemoryBytes ?? 0) / 1e6))
        try writer.write("summary.json", try summary.jsonText())
        try writer.write("log.txt", log.text)
        return Outcome(analysis: analysis, probing: probing, prediction: prediction, summary: summary, outputFolder: writer.folder)
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
