import Foundation
import ProbeConfig
import ProbeStore

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
        /// The output folder.
        public let outputFolder: String
    }

    /// Runs the configured mode.
    public func run() throws -> Outcome {
        let started = Date()
        let log = RunLog(echo: verbose)
        let writer = try ResultWriter(folder: configuration.outputPath, force: force)
        let scratch = (configuration.outputPath as NSString).appendingPathComponent(".probe-scratch")
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        if let comments = configuration.comments { log.info("Comments: \(comments)") }
        log.info("probe \(ProbeVersion.string), mode \(configuration.mode), \(threads) threads")

        let points = try loadTraining(log: log, scratch: scratch)
        var probing: ProbingResult? = nil
        let clusters: [Cluster]
        let analyzer = Analyzer(points: points, threads: threads, showProgress: verbose, log: log)
        switch configuration.mode {
        case .probing:
            var options = ProbingOptions()
            options.rate = configuration.rate
            options.threads = threads
            options.showProgress = verbose
            let phase = Date()
            let result = try Prober(points: points, options: options, log: log).run()
            log.info(String(format: "Probing took %.3f s (%d overlap solver calls)", Date().timeIntervalSince(phase), result.solverCalls))
            probing = result
            log.info("Dumping the clusters...")
            try writer.writeClusters(result.clusters, pointCount: points.count)
            let assignment = clusterNumbers(result.clusters, pointCount: points.count)
            clusters = try analyzer.clusters(fromAssignment: assignment)
        case .prediction:
            guard let path = configuration.probingClusterPath else {
                throw InputError(file: "config", "mode prediction needs clustering.probing_cluster_path")
            }
            log.info("Loading the clusters from \(path)")
            clusters = try analyzer.clusters(fromAssignment: try Self.readClusterFile(path, pointCount: points.count))
        case .batchProbing:
            throw InputError(file: "config", "mode batch_probing is not available in this version")
        }
        log.info("Analysing \(clusters.count) clusters of more than 5 points...")
        let phase = Date()
        let analysis = try analyzer.analyze(clusters)
        log.info(String(format: "Analysis took %.3f s", Date().timeIntervalSince(phase)))
        try writer.writeAnalysis(analysis)
        if let value = analysis.globalMinimum { log.info("global min dis=\(value)") }
        if let value = analysis.meanInsideMean { log.info("mean_inside_mean_dis=\(value)") }
        if let value = analysis.maxInsideMax { log.info("max inside max dis=\(value)") }
        if let value = analysis.insideMaxOverOutsideMin { log.info("Inside max / outside min = \(value)") }
        if let value = analysis.insideMeanOverOutsideMin { log.info("Inside mean / outside min = \(value)") }
        log.info(String(format: "Total time %.3f s", Date().timeIntervalSince(started)))
        try writer.write("log.txt", log.text)
        return Outcome(analysis: analysis, probing: probing, outputFolder: writer.folder)
    }

    private func loadTraining(log: RunLog, scratch: String) throws -> LabeledPoints {
        let labelSet = try Self.readLabelSet(configuration.labelSetPath)
        log.info("Load entities from \(configuration.entitiesPath)")
        let labels = try Self.readEntityLabels(configuration.entitiesPath, labelSet: labelSet)
        log.info("Finish loading \(labels.count) entities...")
        log.info("Label size=\(labelSet.count)")
        guard let embeddings = configuration.embeddingsPath else {
            throw InputError(file: "config", "data.embeddings_path is required in mode \(configuration.mode)")
        }
        log.info("Loading embeddings from \(embeddings)")
        let matrix = try EmbeddingInput.open(embeddings, entityCount: labels.count, entitiesPath: configuration.entitiesPath,
                                             scratchFolder: scratch, name: "train", showProgress: verbose)
        log.info("Finish loading embeddings: \(matrix.rowCount) x \(matrix.dimension)\(matrix.isMemoryMapped ? " (memory-mapped)" : "")")
        return try LabeledPoints(matrix: matrix, labels: labels, labelSet: labelSet, source: embeddings)
    }

    /// Reads the label set from `tags.txt`, or from a store (`store.h5`).
    static func readLabelSet(_ path: String) throws -> LabelSet {
        let (file, _) = EmbeddingInput.splitStorePath(path)
        if EmbeddingInput.isStore(file) { return try ProbeStoreFile(path: file).labels() }
        return try LabelSet(contentsOf: path)
    }

    /// Reads every entity's label index from an entities file, or from a store (`store.h5:<split>`).
    static func readEntityLabels(_ path: String, labelSet: LabelSet) throws -> [Int32] {
        let (file, split) = EmbeddingInput.splitStorePath(path)
        if EmbeddingInput.isStore(file) {
            guard let split else { throw InputError(file: path, "name the split of the entities as \(file):<split> (e.g. \(file):train)") }
            let labels = try ProbeStoreFile(path: file).entityLabels(split: split)
            if let bad = labels.first(where: { $0 < 0 || Int($0) >= labelSet.count }) {
                throw InputError(file: path, "label index \(bad) outside the \(labelSet.count) labels")
            }
            return labels
        }
        var labels: [Int32] = []
        try EntityFile.read(path, labels: labelSet) { block in labels.append(contentsOf: block.map { Int32($0.label) }) }
        return labels
    }

    /// The cluster number of every point for clusters in order.
    private func clusterNumbers(_ clusters: [Cluster], pointCount: Int) -> [Int] {
        var number = [Int](repeating: -1, count: pointCount)
        for (index, cluster) in clusters.enumerated() { for member in cluster.members { number[Int(member)] = index } }
        return number
    }

    /// Reads a `clusters.txt`: one non-negative cluster number per training point.
    public static func readClusterFile(_ path: String, pointCount: Int) throws -> [Int] {
        guard let data = FileManager.default.contents(atPath: path) else { throw InputError(file: path, "cannot read the clusters file") }
        var numbers: [Int] = []
        for (index, line) in String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let text = line.trimmingCharacters(in: .whitespaces)
            if text.isEmpty { continue }
            guard let value = Int(text), value >= 0 else {
                throw InputError(file: path, line: index + 1, column: 1, "'\(text)' is not a cluster number (a non-negative integer)")
            }
            numbers.append(value)
        }
        guard numbers.count == pointCount else {
            throw InputError(file: path, "\(numbers.count) cluster numbers but \(pointCount) training points")
        }
        return numbers
    }
}
