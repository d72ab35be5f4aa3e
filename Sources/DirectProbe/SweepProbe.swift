import Foundation
import ProbeConfig
import ProbeStore
import ResultSchema

/// `probe sweep`: every (iteration, layer) space probed on its own, resumable by input content.
///
/// Each space gets a normal probing result folder `<output>/<iteration>/<layer>/`, written
/// under a temporary name and renamed when complete, with a `.sweep-space.json` record of its
/// inputs' content. A finished space whose record matches the current inputs is not probed
/// again, so an interrupted sweep (or a Slurm array with failed tasks) resumes with only the
/// missing spaces. `assemble` then writes `sweep.csv` and `summary.json` from the folders.
public struct SweepProbe {
    /// The configuration (labels, entities, test set, `batch_embeddings_path`, rate).
    public let configuration: ProbeConfiguration
    /// The sweep folder (default: the config's `run.output_path`).
    public var outputFolder: String
    /// Use a non-empty output folder that is not a sweep folder.
    public var force = false
    /// Worker threads per space.
    public var threads = ProcessInfo.processInfo.activeProcessorCount
    /// Progress and one line per space on stderr.
    public var verbose = true
    /// The memory budget of each space's run.
    public var memory: MemoryBudget? = nil

    /// The file that marks a folder as a sweep folder.
    static let marker = ".probe-sweep"
    /// The record in each finished space folder.
    static let recordName = ".sweep-space.json"
    /// Creates a sweep of `configuration` into its output path.
    public init(configuration: ProbeConfiguration) {
        self.configuration = configuration
        self.outputFolder = configuration.outputPath
    }

    /// What a sweep run did.
    public struct Outcome: Sendable {
        /// The spaces of the sweep.
        public let plan: SweepPlan
        /// Spaces probed by this run.
        public let computed: [SweepSpace]
        /// Spaces whose finished folders were reused.
        public let reused: [SweepSpace]
        /// The assembled summary (nil when only one space was probed).
        public let summary: SweepSummary?
    }

    /// Probes every unfinished space (or only the space `only`, the Slurm array index), then,
    /// for a whole sweep, assembles `sweep.csv` and `summary.json`.
    public func run(only: Int? = nil) throws -> Outcome {
        let plan = try SweepPlan(configuration: configuration)
        try prepareFolder()
        let keys = ContentKeys()
        var selected = plan.spaces
        if let only {
            guard plan.spaces.indices.contains(only) else {
                throw InputError(file: configuration.batchEmbeddingsPath ?? "config",
                                 "space \(only) does not exist: the sweep has \(plan.spaces.count) spaces (0…\(plan.spaces.count - 1))")
            }
            selected = [plan.spaces[only]]
        }
        var computed: [SweepSpace] = [], reused: [SweepSpace] = []
        for space in selected {
            let key = try self.key(of: space, keys: keys)
            if isFinished(space, key: key) {
                reused.append(space)
                note("[\(space.index + 1)/\(plan.spaces.count)] \(space.folder): already done")
                continue
            }
            let started = Date()
            let outcome = try probe(space, key: key)
            computed.append(space)
            let verdict = outcome.probing.map { $0.isLinear ? "linear" : "non-linear" } ?? ""
            note(String(format: "[%d/%d] %@: %d clusters, %@ (%.2f s)", space.index + 1, plan.spaces.count, space.folder,
                        outcome.summary.clusters ?? 0, verdict, Date().timeIntervalSince(started)))
        }
        guard only == nil else { return Outcome(plan: plan, computed: computed, reused: reused, summary: nil) }
        let summary = try assemble(plan: plan, keys: keys, computed: computed.count, reused: reused.count)
        return Outcome(plan: plan, computed: computed, reused: reused, summary: summary)
    }

    /// The spaces without a finished folder for the current inputs.
    public func unfinished(_ plan: SweepPlan) throws -> [SweepSpace] {
        let keys = ContentKeys()
        return try plan.spaces.filter { !isFinished($0, key: try key(of: $0, keys: keys)) }
    }

    /// Writes `sweep.csv` and `summary.json` from the finished folders; spaces without one are
    /// listed in `summary.json` as `missing` (and left out of `sweep.csv`).
    @discardableResult
    public func assemble(plan: SweepPlan, computed: Int = 0, reused: Int? = nil) throws -> SweepSummary {
        try assemble(plan: plan, keys: ContentKeys(), computed: computed, reused: reused)
    }

    private func assemble(plan: SweepPlan, keys: ContentKeys, computed: Int, reused: Int?) throws -> SweepSummary {
        var entries: [SweepSpaceSummary] = []
        var missing: [String] = []
        var labels: [String]? = nil
        for space in plan.spaces {
            let key = try self.key(of: space, keys: keys)
            guard isFinished(space, key: key), let run = try? readSummary(space) else {
                missing.append(space.folder)
                continue
            }
            labels = labels ?? run.labels
            entries.append(SweepTable.entry(space, run))
        }
        var summary = SweepSummary()
        summary.tool = "probe"
        summary.mode = .sweep
        summary.version = ProbeVersion.string
        summary.created = isoNow()
        summary.iterations = plan.iterations
        summary.layersByIteration = plan.layersByIteration
        summary.labels = labels
        summary.spaces = entries
        summary.missing = missing
        summary.computedSpaces = computed
        summary.reusedSpaces = reused ?? (entries.count - computed)
        let writer = try ResultWriter(folder: outputFolder, force: true)
        try writer.write("sweep.csv", SweepTable.csv(entries))
        try writer.write("summary.json", try summary.jsonText())
        return summary
    }

    /// The identity of a space's inputs: content checksums of the label set, entities, layer (and test) files, the paths and the rate.
    func key(of space: SweepSpace, keys: ContentKeys) throws -> String {
        var parts = [try keys.checksum(configuration.labelSetPath), try keys.checksum(configuration.entitiesPath)]
        if space.testEmbeddingsPath != nil, let testEntities = configuration.testEntitiesPath {
            parts.append(try keys.checksum(testEntities))
        }
        parts += try space.contentFiles.map { try keys.checksum($0) }
        parts += [space.embeddingsPath, space.testEmbeddingsPath ?? "-", "rate=\(configuration.rate)"]
        return parts.joined(separator: ";")
    }

    /// Whether the space's folder is finished for these inputs (its record's key matches).
    func isFinished(_ space: SweepSpace, key: String) -> Bool {
        let folder = path(space.folder)
        guard let data = FileManager.default.contents(atPath: (folder as NSString).appendingPathComponent(Self.recordName)),
              let record = try? SweepSpaceRecord.decode(data) else { return false }
        return record.key == key && FileManager.default.fileExists(atPath: (folder as NSString).appendingPathComponent("summary.json"))
    }

    /// Reads a finished space's `summary.json`.
    func readSummary(_ space: SweepSpace) throws -> RunSummary {
        let file = (path(space.folder) as NSString).appendingPathComponent("summary.json")
        guard let data = FileManager.default.contents(atPath: file) else { throw InputError(file: file, "cannot read the space's summary") }
        return try RunSummary.decode(data)
    }

    /// Probes one space into a temporary folder beside its result folder, then renames it into place.
    private func probe(_ space: SweepSpace, key: String) throws -> ProbeRun.Outcome {
        let fm = FileManager.default
        let iterationFolder = path(space.iteration)
        try fm.createDirectory(atPath: iterationFolder, withIntermediateDirectories: true)
        // Leftovers of an interrupted attempt at this space.
        let prefix = ".\(space.layer).partial-"
        for entry in (try? fm.contentsOfDirectory(atPath: iterationFolder)) ?? [] where entry.hasPrefix(prefix) {
            try? fm.removeItem(atPath: (iterationFolder as NSString).appendingPathComponent(entry))
        }
        let temporary = (iterationFolder as NSString).appendingPathComponent(prefix + "\(getpid())-\(UUID().uuidString.prefix(8))")
        defer { try? fm.removeItem(atPath: temporary) }
        var spaceConfiguration = configuration
        spaceConfiguration.outputPath = temporary
        spaceConfiguration.mode = .probing
        spaceConfiguration.embeddingsPath = space.embeddingsPath
        spaceConfiguration.testEmbeddingsPath = space.testEmbeddingsPath
        if space.testEmbeddingsPath == nil { spaceConfiguration.testEntitiesPath = nil }
        var job = ProbeRun(configuration: spaceConfiguration)
        job.threads = threads
        job.verbose = false
        job.memory = memory
        let outcome = try job.run()
        let record = SweepSpaceRecord(key: key, iteration: space.iteration, layer: space.layer)
        try ResultWriter(folder: temporary, force: true).write(Self.recordName, try record.jsonText())
        let final = path(space.folder)
        if fm.fileExists(atPath: final) {
            // A stale folder (other inputs): move it aside first, so the new one appears in one rename.
            let stale = (iterationFolder as NSString).appendingPathComponent(".\(space.layer).stale-\(UUID().uuidString.prefix(8))")
            try fm.moveItem(atPath: final, toPath: stale)
            try? fm.removeItem(atPath: stale)
        }
        guard rename(temporary, final) == 0 else {
            throw InputError(file: final, "cannot move the finished space into place: \(String(cString: strerror(errno)))")
        }
        return outcome
    }

    /// Creates the sweep folder, refusing a non-empty folder that is not a sweep unless `force`.
    public func prepareFolder() throws {
        let fm = FileManager.default
        let markerPath = path(Self.marker)
        if fm.fileExists(atPath: markerPath) { return }
        _ = try ResultWriter(folder: outputFolder, force: force)
        try ResultWriter(folder: outputFolder, force: true).write(Self.marker, "probe sweep folder\n")
    }

    private func path(_ relative: String) -> String { (outputFolder as NSString).appendingPathComponent(relative) }

    private func note(_ line: String) {
        if verbose { FileHandle.standardError.write(Data((line + "\n").utf8)) }
    }
}
