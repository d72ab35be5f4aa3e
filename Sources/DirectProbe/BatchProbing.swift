import Foundation
import ProbeConfig
import ProbeStore

/// Batch probing (SPEC §6): fixed clusters measured in every layer of every fine-tuning
/// iteration, with the reference's CSV files, resumable after an interruption.
///
/// `batch_embeddings_path` is a folder whose sub-folders are iterations, each holding
/// `<layer>.txt` files (any names; numbers sort numerically), or `store.h5:<group>` whose
/// children are iterations holding one dataset per layer. For each (iteration, layer) the
/// clusters of `probing_cluster_path` (more than 5 points) are checked for overlap in that
/// space: overlapping spaces get zeros, the others the §5 measures. Every finished layer is
/// recorded under `.batch-cache/`, keyed by the content of its inputs, so a re-run on the
/// same inputs redoes only what is missing.
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

    /// Creates a batch run of `configuration`.
    public init(configuration: ProbeConfiguration) { self.configuration = configuration }

    /// One embeddings source: an iteration's layer.
    struct LayerSource {
        let iteration: String
        let layer: String
        let path: String          // a .txt file, or store.h5:<dataset>
        let contentFile: String   // the file whose checksum keys the result
    }

    /// The measures of one layer (zeros when it is not linearly separable).
    struct LayerRecord: Codable {
        var key: String
        var linear: Bool
        var vec: [Double]
        var outside_min: [Double]
        var inside_mean: [Double]
        var inside_max: [Double]
        var clusters: Int
        var seconds: Double
    }

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

    /// Runs the batch.
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
        let scratch = (output as NSString).appendingPathComponent(".probe-scratch")
        let scratchCleanup = CleanupRegistry.shared.register(folder: scratch)  // removed on Ctrl-C too
        defer { CleanupRegistry.shared.cleanUpNow(scratchCleanup) }
        try FileManager.default.createDirectory(atPath: cacheFolder, withIntermediateDirectories: true)
        let log = RunLog(echo: verbose)
        log.follow(writer.path("log.txt"))
        log.info("probe \(ProbeVersion.string), mode batch_probing, \(threads) threads")

        let labelSet = try ProbeRun.readLabelSet(configuration.labelSetPath)
        log.info("Load entities from \(configuration.entitiesPath)")
        let labels = try ProbeRun.readEntityLabels(configuration.entitiesPath, labelSet: labelSet)
        log.info("Finish loading \(labels.count) entities; label size=\(labelSet.count)")
        log.info("Loading clusters from \(clusterPath)")
        let assignment = try ProbeRun.readClusterFile(clusterPath, pointCount: labels.count)
        let mixed = MixedLabelCluster.find(in: Analyzer.memberLists(fromAssignment: assignment, labels: labels, minimumSize: 0),
                                           labels: labelSet.labels)
        MixedLabelCluster.warn(mixed, clusterFile: clusterPath, log: log)
        let sources = try Self.discover(batchPath)
        guard !sources.isEmpty else { throw InputError(file: batchPath, "no iteration folders with layer files found") }
        let baseKey = [try ContentChecksum(path: EmbeddingInput.splitStorePath(configuration.labelSetPath).0).description,
                       try ContentChecksum(path: EmbeddingInput.splitStorePath(configuration.entitiesPath).0).description,
                       try ContentChecksum(path: clusterPath).description].joined(separator: ";")

        var iterations: [String] = []
        var layersOf: [String: [String]] = [:]
        for source in sources {
            if layersOf[source.iteration] == nil { iterations.append(source.iteration) }
            layersOf[source.iteration, default: []].append(source.layer)
        }
        var records: [String: [String: LayerRecord]] = [:]
        var computed = 0, reused = 0
        let bar = verbose ? ProgressBar("batch layers", total: Double(sources.count)) : nil
        for (index, source) in sources.enumerated() {
            let recordPath = (cacheFolder as NSString).appendingPathComponent("\(source.iteration)/\(source.layer).json")
            let key = baseKey + ";" + (try ContentChecksum(path: source.contentFile).description) + ";" + source.path
            if let data = FileManager.default.contents(atPath: recordPath),
               let record = try? JSONDecoder().decode(LayerRecord.self, from: data), record.key == key {
                records[source.iteration, default: [:]][source.layer] = record
                reused += 1
                log.info("\(source.path): already done (\(record.linear ? "linearly separable" : "NOT linearly separable"))")
            } else {
                let record = try measure(source, key: key, labels: labels, labelSet: labelSet, assignment: assignment,
                                         scratch: scratch, log: log)
                try FileManager.default.createDirectory(atPath: (recordPath as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                let atomic = AtomicOutput(finalPath: recordPath)
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys]  // the same record is the same bytes
                guard FileManager.default.createFile(atPath: atomic.temporaryPath, contents: try encoder.encode(record)) else {
                    throw InputError(file: recordPath, "cannot write the batch record")
                }
                try atomic.commit()
                records[source.iteration, default: [:]][source.layer] = record
                computed += 1
            }
            bar?.update(Double(index + 1))
            // Write an iteration's CSVs as soon as all its layers are known.
            if index + 1 == sources.count || sources[index + 1].iteration != source.iteration {
                try writeCSVs(iteration: source.iteration, layers: layersOf[source.iteration] ?? [],
                              records: records[source.iteration] ?? [:], labels: labelSet.labels, writer: writer)
            }
        }
        bar?.finish()

        var linear: [String: [String: Bool]] = [:]
        for (iteration, byLayer) in records { linear[iteration] = byLayer.mapValues(\.linear) }
        let summary = BatchSummary(mode: "batch_probing", version: ProbeVersion.string, created: isoNow(),
                                   iterations: iterations, layers: layersOf[iterations[0]] ?? [],
                                   layers_by_iteration: layersOf, linear: linear,
                                   clusters: records.values.first?.values.first?.clusters, labels: labelSet.labels,
                                   computed_layers: computed, reused_layers: reused,
                                   timings_seconds: ["total": Date().timeIntervalSince(started)],
                                   peak_memory_bytes: peakResidentMemory(), threads: threads,
                                   mixed_label_clusters: mixed.isEmpty ? nil : mixed)
        log.info("Batch done: \(computed) layers computed, \(reused) reused from an earlier run")
        log.info(String(format: "Total time %.3f s, peak memory %.1f MB", Date().timeIntervalSince(started), Double(peakResidentMemory() ?? 0) / 1e6))
        try writer.write("summary.json", try summary.json())
        try writer.write("log.txt", log.text)
        return Outcome(iterations: iterations, layers: layersOf, linear: linear, computed: computed, reused: reused)
    }

    /// Measures one layer with the fixed clusters.
    private func measure(_ source: LayerSource, key: String, labels: [Int32], labelSet: LabelSet, assignment: [Int],
                         scratch: String, log: RunLog) throws -> LayerRecord {
        let started = Date()
        log.info("Loading embeddings from \(source.path)")
        let (matrix, scan) = try EmbeddingInput.openScanned(source.path, entityCount: labels.count, entitiesPath: configuration.entitiesPath,
                                                            scratchFolder: scratch, name: "layer", showProgress: verbose)
        var points = try LabeledPoints(matrix: matrix, labels: labels, labelSet: labelSet, source: source.path)
        let unit = UnitScale.choosing(largest: scan.largestMagnitude, dimension: points.dimension)
        points = try unit.apply(to: points, scratch: scratch, name: "layer")
        var lists = Analyzer(points: points, threads: threads, showProgress: verbose, log: log).memberLists(fromAssignment: assignment)
        let budget = try memory ?? configuration.memory.map(MemoryBudget.init(parsing:)) ?? .automatic
        if budget.prefersClusterOrderedCopy(matrixBytes: points.count * points.dimension * MemoryLayout<Float>.size) {
            (points, lists) = try clusterOrdered(points, lists: lists, scratch: scratch, name: "layer")
        }
        var analyzer = Analyzer(points: points, threads: threads, showProgress: verbose, log: log)
        analyzer.memory = budget
        let clusters = try analyzer.summaries(lists)
        let checker = OverlapChecker(geometry: ClusterGeometry(points: points), threads: threads)
        let l = labelSet.count
        if try checker.anyOverlap(in: clusters) {
            log.info("\(source.path) is NOT linearly separable")
            return LayerRecord(key: key, linear: false, vec: Array(repeating: 0, count: l * (l - 1) / 2),
                               outside_min: Array(repeating: 0, count: l), inside_mean: Array(repeating: 0, count: l),
                               inside_max: Array(repeating: 0, count: l), clusters: clusters.count,
                               seconds: Date().timeIntervalSince(started))
        }
        log.info("\(source.path) IS linearly separable")
        let analysis = unit.rescaled(try analyzer.analyze(clusters))
        return LayerRecord(key: key, linear: true, vec: analysis.labelPairDistances, outside_min: analysis.outsideMin,
                           inside_mean: analysis.insideMean, inside_max: analysis.insideMax, clusters: clusters.count,
                           seconds: Date().timeIntervalSince(started))
    }

    /// Writes the four CSVs of one iteration: header ` ,<layer>,…`, one row per label pair or label.
    private func writeCSVs(iteration: String, layers: [String], records: [String: LayerRecord], labels: [String],
                           writer: ResultWriter) throws {
        let header = " ," + layers.joined(separator: ",") + "\n"
        func table(_ rowNames: [String], _ column: (LayerRecord) -> [Double]) -> String {
            header + rowNames.enumerated().map { row, name in
                name + layers.map { layer in "," + ResultWriter.format(records[layer].map { column($0)[row] } ?? 0) }.joined() + "\n"
            }.joined()
        }
        let pairNames = labels.indices.flatMap { i in ((i + 1)..<labels.count).map { "\(labels[i])---\(labels[$0])" } }
        for folder in ["batch_vec", "outside_min", "inside_mean", "inside_max"] {
            try FileManager.default.createDirectory(atPath: writer.path(folder), withIntermediateDirectories: true)
        }
        try writer.write("batch_vec/\(iteration).txt", table(pairNames) { $0.vec })
        try writer.write("outside_min/\(iteration).txt", table(labels) { $0.outside_min })
        try writer.write("inside_mean/\(iteration).txt", table(labels) { $0.inside_mean })
        try writer.write("inside_max/\(iteration).txt", table(labels) { $0.inside_max })
    }

    /// Finds the iterations and their layers, in natural order.
    static func discover(_ path: String) throws -> [LayerSource] {
        let (file, group) = EmbeddingInput.splitStorePath(path)
        if EmbeddingInput.isStore(file) {
            let store = try ProbeStoreFile(path: file)
            let prefix = group.map { $0.hasSuffix("/") ? $0 : $0 + "/" } ?? ""
            var sources: [LayerSource] = []
            for key in try store.embeddingKeys() where key.hasPrefix(prefix) {
                let rest = key.dropFirst(prefix.count).split(separator: "/")
                guard rest.count == 2 else { continue }
                sources.append(LayerSource(iteration: String(rest[0]), layer: String(rest[1]), path: "\(file):\(key)", contentFile: file))
            }
            return sources.sorted { naturalLess($0.iteration, $1.iteration) || ($0.iteration == $1.iteration && naturalLess($0.layer, $1.layer)) }
        }
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        guard fm.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw InputError(file: path, "batch_embeddings_path is not a folder (nor store.h5:<group>)")
        }
        var sources: [LayerSource] = []
        for iteration in try FolderWalk.entries(of: path).sorted(by: naturalLess) where !iteration.hasPrefix(".") {
            let folder = (path as NSString).appendingPathComponent(iteration)
            guard fm.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else { continue }
            let layers = try FolderWalk.entries(of: folder).filter { $0.hasSuffix(".txt") }
                .map { String($0.dropLast(4)) }.sorted(by: naturalLess)
            for layer in layers {
                let file = (folder as NSString).appendingPathComponent("\(layer).txt")
                sources.append(LayerSource(iteration: iteration, layer: layer, path: file, contentFile: file))
            }
        }
        return sources
    }
}

/// Numbers compare as numbers, everything else as text ("2" < "10" < "final").
func naturalLess(_ a: String, _ b: String) -> Bool {
    switch (Int(a), Int(b)) {
    case let (x?, y?): return x < y
    case (.some, nil): return true
    case (nil, .some): return false
    default: return a < b
    }
}

/// The machine-readable summary of a batch run.
struct BatchSummary: Codable {
    var tool = "probe"
    var mode: String
    var version: String
    var created: String
    var iterations: [String]
    var layers: [String]
    var layers_by_iteration: [String: [String]]
    var linear: [String: [String: Bool]]
    var clusters: Int?
    var labels: [String]
    var computed_layers: Int
    var reused_layers: Int
    var timings_seconds: [String: Double]
    var peak_memory_bytes: Int?
    var threads: Int
    var mixed_label_clusters: [MixedLabelCluster]?

    func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return String(decoding: try encoder.encode(self), as: UTF8.self) + "\n"
    }
}
