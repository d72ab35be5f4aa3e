import Foundation
import ProbeConfig
import ProbeStore
import ResultSchema

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
    /// Measure only this layer (its index in discovery order, a Slurm array index) into `.batch-cache/`; no CSVs.
    public var only: Int? = nil
    /// Measure nothing: write the CSVs from `.batch-cache/`, and fail naming the layers not recorded there.
    public var assembleOnly = false

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
        // Array tasks of one batch run at once in the same folder: each converts text into its own scratch folder.
        let scratch = (output as NSString).appendingPathComponent(only == nil ? ".probe-scratch" : ".probe-scratch-\(getpid())")
        let scratchCleanup = CleanupRegistry.shared.register(folder: scratch)  // removed on Ctrl-C too
        defer { CleanupRegistry.shared.cleanUpNow(scratchCleanup) }
        try FileManager.default.createDirectory(atPath: cacheFolder, withIntermediateDirectories: true)
        let log = RunLog(echo: verbose)
        if only == nil { log.follow(writer.path("log.txt")) }
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
        let (sources, keyOf) = try layerKeys(batchPath: batchPath, clusterPath: clusterPath)
        if let only, !sources.indices.contains(only) {
            throw InputError(file: batchPath, "layer \(only) does not exist: the batch has \(sources.count) layers (0…\(sources.count - 1))")
        }

        var iterations: [String] = []
        var layersOf: [String: [String]] = [:]
        for source in sources {
            if layersOf[source.iteration] == nil { iterations.append(source.iteration) }
            layersOf[source.iteration, default: []].append(source.layer)
        }
        var records: [String: [String: LayerRecord]] = [:]
        var computed = 0, reused = 0
        var missing: [String] = []
        let bar = verbose && only == nil ? ProgressBar("batch layers", total: Double(sources.count)) : nil
        for (index, source) in sources.enumerated() {
            if let only, index != only { continue }
            let recordPath = Self.recordPath(cacheFolder: cacheFolder, source)
            let key = try keyOf(source)
            if let record = Self.cachedRecord(recordPath, key: key) {
                records[source.iteration, default: [:]][source.layer] = record
                reused += 1
                log.info("\(source.path): already done (\(record.linear ? "linearly separable" : "NOT linearly separable"))")
            } else if assembleOnly {
                missing.append("\(source.iteration)/\(source.layer)")
            } else {
                let record = try measure(source, key: key, labels: labels, labelSet: labelSet, assignment: assignment,
                                         scratch: scratch, log: log)
                try FileManager.default.createDirectory(atPath: (recordPath as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                let atomic = AtomicOutput(finalPath: recordPath)
                guard FileManager.default.createFile(atPath: atomic.temporaryPath, contents: try record.jsonData()) else {
                    throw InputError(file: recordPath, "cannot write the batch record")
                }
                try atomic.commit()
                records[source.iteration, default: [:]][source.layer] = record
                computed += 1
            }
            bar?.update(Double(index + 1))
            // Write an iteration's CSVs as soon as all its layers are known.
            let complete = (records[source.iteration]?.count ?? 0) == (layersOf[source.iteration]?.count ?? 0)
            if only == nil, complete, index + 1 == sources.count || sources[index + 1].iteration != source.iteration {
                try writeCSVs(iteration: source.iteration, layers: layersOf[source.iteration] ?? [],
                              records: records[source.iteration] ?? [:], labels: labelSet.labels, writer: writer)
            }
        }
        bar?.finish()
        if only != nil {
            return Outcome(iterations: iterations, layers: layersOf, linear: [:], computed: computed, reused: reused)
        }
        if !missing.isEmpty {
            throw InputError(file: cacheFolder, "\(missing.count) of \(sources.count) layers are not measured yet: \(missing.prefix(10).joined(separator: ", "))\(missing.count > 10 ? ", …" : ""); run the batch again (only those layers are measured)")
        }

        var linear: [String: [String: Bool]] = [:]
        for (iteration, byLayer) in records { linear[iteration] = byLayer.mapValues(\.linear) }
        var summary = BatchSummary()
        summary.tool = "probe"
        summary.mode = .batchProbing
        summary.version = ProbeVersion.string
        summary.created = isoNow()
        summary.iterations = iterations
        summary.layers = layersOf[iterations[0]] ?? []
        summary.layersByIteration = layersOf
        summary.linear = linear
        var coincidentByIteration: [String: [String: [Int]]] = [:]
        for (iteration, byLayer) in records {
            for (layer, record) in byLayer {
                if let numbers = record.coincidentOverlap, !numbers.isEmpty { coincidentByIteration[iteration, default: [:]][layer] = numbers }
            }
        }
        summary.coincidentOverlap = coincidentByIteration.isEmpty ? nil : coincidentByIteration
        summary.clusters = records.values.first?.values.first?.clusters
        summary.labels = labelSet.labels
        summary.computedLayers = computed
        summary.reusedLayers = reused
        summary.timingsSeconds = ["total": Date().timeIntervalSince(started)]
        summary.peakMemoryBytes = peakResidentMemory()
        summary.threads = threads
        summary.mixedLabelClusters = mixed.isEmpty ? nil : mixed
        log.info("Batch done: \(computed) layers computed, \(reused) reused from an earlier run")
        log.info(String(format: "Total time %.3f s, peak memory %.1f MB", Date().timeIntervalSince(started), Double(peakResidentMemory() ?? 0) / 1e6))
        try writer.write("summary.json", try summary.jsonText())
        try writer.write("log.txt", log.text)
        return Outcome(iterations: iterations, layers: layersOf, linear: linear, computed: computed, reused: reused)
    }

    /// The layers of the batch whose `.batch-cache/` record is missing or stale, as `(index, iteration, layer)` in discovery order.
    public func unfinishedLayers() throws -> [(index: Int, iteration: String, layer: String)] {
        guard let batchPath = configuration.batchEmbeddingsPath, let clusterPath = configuration.probingClusterPath else {
            throw InputError(file: "config", "mode batch_probing needs data.batch_embeddings_path and clustering.probing_cluster_path")
        }
        let cacheFolder = (configuration.outputPath as NSString).appendingPathComponent(".batch-cache")
        let (sources, keyOf) = try layerKeys(batchPath: batchPath, clusterPath: clusterPath)
        return try sources.enumerated().compactMap { index, source in
            Self.cachedRecord(Self.recordPath(cacheFolder: cacheFolder, source), key: try keyOf(source)) == nil
                ? (index, source.iteration, source.layer) : nil
        }
    }

    /// The layers in discovery order and the key of each (content checksums of the label set, entities, clusters and layer, and its path).
    private func layerKeys(batchPath: String, clusterPath: String) throws -> ([LayerSource], (LayerSource) throws -> String) {
        let sources = try Self.discover(batchPath)
        guard !sources.isEmpty else { throw InputError(file: batchPath, "no iteration folders with layer files found") }
        let keys = ContentKeys()
        let baseKey = [try keys.checksum(configuration.labelSetPath), try keys.checksum(configuration.entitiesPath),
                       try ContentChecksum(path: clusterPath).description].joined(separator: ";")
        return (sources, { source in baseKey + ";" + (try keys.checksum(source.path)) + ";" + source.path })
    }

    /// `.batch-cache/<iteration>/<layer>.json`.
    private static func recordPath(cacheFolder: String, _ source: LayerSource) -> String {
        (cacheFolder as NSString).appendingPathComponent("\(source.iteration)/\(source.layer).json")
    }

    /// The record at `path` when it exists and was made from inputs with this key.
    private static func cachedRecord(_ path: String, key: String) -> LayerRecord? {
        guard let data = FileManager.default.contents(atPath: path), let record = try? LayerRecord.decode(data), record.key == key else { return nil }
        return record
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
        let coincident = try coincidentClusters(points, lists: lists)
        if !coincident.isEmpty {
            log.info("\(source.path): fixed clusters \(coincident.map(String.init).joined(separator: ", ")) hold coincident points of different labels, so they overlap in this layer")
        }
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
                               outsideMin: Array(repeating: 0, count: l), insideMean: Array(repeating: 0, count: l),
                               insideMax: Array(repeating: 0, count: l), clusters: clusters.count,
                               coincidentOverlap: coincident, seconds: Date().timeIntervalSince(started))
        }
        log.info("\(source.path) IS linearly separable")
        let analysis = unit.rescaled(try analyzer.analyze(clusters))
        return LayerRecord(key: key, linear: true, vec: analysis.labelPairDistances, outsideMin: analysis.outsideMin,
                           insideMean: analysis.insideMean, insideMax: analysis.insideMax, clusters: clusters.count,
                           coincidentOverlap: coincident, seconds: Date().timeIntervalSince(started))
    }

    /// The numbers of the fixed clusters (among `lists`) that hold a point whose vector equals
    /// that of a point of another label in another listed cluster: no hyperplane separates
    /// such clusters, so the layer overlaps with them. Ascending.
    private func coincidentClusters(_ points: LabeledPoints, lists: [ClusterMembers]) throws -> [Int] {
        let groups = try CoincidentPoints.find(in: points.matrix).mixed(labels: points.labels)
        guard !groups.isEmpty else { return [] }
        var clusterOf = [Int32: (number: Int, label: Int)]()
        for list in lists { for row in list.members { clusterOf[row] = (list.number, list.label) } }
        var found = Set<Int>()
        for group in groups {
            let held = group.compactMap { clusterOf[$0] }
            for a in held where held.contains(where: { $0.label != a.label }) { found.insert(a.number) }
        }
        return found.sorted()
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
        try writer.write("outside_min/\(iteration).txt", table(labels) { $0.outsideMin })
        try writer.write("inside_mean/\(iteration).txt", table(labels) { $0.insideMean })
        try writer.write("inside_max/\(iteration).txt", table(labels) { $0.insideMax })
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
            return sources.sorted { naturalOrder($0.iteration, $1.iteration) || ($0.iteration == $1.iteration && naturalOrder($0.layer, $1.layer)) }
        }
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        guard fm.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw InputError(file: path, "batch_embeddings_path is not a folder (nor store.h5:<group>)")
        }
        var sources: [LayerSource] = []
        for iteration in try FolderWalk.entries(of: path).sorted(by: naturalOrder) where !iteration.hasPrefix(".") {
            let folder = (path as NSString).appendingPathComponent(iteration)
            guard fm.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else { continue }
            // `<layer>.txt` or `<layer>.npy` (numpy arrays), mixed freely.
            let files = try FolderWalk.entries(of: folder).filter { $0.hasSuffix(".txt") || $0.hasSuffix(".npy") }
                .sorted { naturalOrder(String($0.dropLast(4)), String($1.dropLast(4))) }
            for name in files {
                let layer = String(name.dropLast(4))
                if sources.contains(where: { $0.iteration == iteration && $0.layer == layer }) {
                    throw InputError(file: (folder as NSString).appendingPathComponent(name), "layer \(layer) is given twice (.txt and .npy): keep one of the two files")
                }
                let file = (folder as NSString).appendingPathComponent(name)
                sources.append(LayerSource(iteration: iteration, layer: layer, path: file, contentFile: file))
            }
        }
        return sources
    }
}
