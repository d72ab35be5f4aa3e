import Foundation
import ProbeConfig
import ProbeStore

/// One embedding space of a sweep: an (iteration, layer) of `batch_embeddings_path`.
public struct SweepSpace: Sendable, Equatable {
    /// The space's position in the sweep (0-based; the Slurm array index).
    public let index: Int
    /// The iteration (checkpoint) name.
    public let iteration: String
    /// The layer name.
    public let layer: String
    /// The training embeddings: a layer file, or `store.h5:<dataset>`.
    public let embeddingsPath: String
    /// The test embeddings of the same (iteration, layer), when the test set is laid out like the training set.
    public let testEmbeddingsPath: String?
    /// The inputs whose content keys the result: the layer (a file or a store's dataset) and its test counterpart.
    let contentFiles: [String]

    /// The result folder relative to the sweep folder: `<iteration>/<layer>`.
    public var folder: String { "\(iteration)/\(layer)" }
}

/// The spaces of a sweep, in natural order (iteration, then layer), found by the batch discovery.
///
/// The test embeddings are used when `data.test_embeddings_path` names one (iteration, layer) of a
/// layout like the training one (e.g. `…/test/2/12.txt` beside `batch_embeddings_path = …/train`):
/// each space then gets the test file of its own iteration and layer, where there is one.
public struct SweepPlan: Sendable {
    /// Every space, `spaces[i].index == i`.
    public let spaces: [SweepSpace]
    /// The iteration names, in order.
    public let iterations: [String]
    /// The layer names of every iteration, in order.
    public let layersByIteration: [String: [String]]
    /// The root of the test layout, when the test set is laid out like the training set.
    public let testRoot: String?

    /// Discovers the spaces under the configuration's `batch_embeddings_path`.
    public init(configuration: ProbeConfiguration) throws {
        guard let batchPath = configuration.batchEmbeddingsPath else {
            throw InputError(file: "config", "probe sweep needs data.batch_embeddings_path: a folder of iteration folders of <layer> files, or store.h5:<group>")
        }
        let sources = try BatchProbe.discover(batchPath)
        guard !sources.isEmpty else { throw InputError(file: batchPath, "no iteration folders with layer files found") }
        var tests: [String: BatchProbe.LayerSource] = [:]
        var testRoot: String? = nil
        if configuration.testEntitiesPath != nil, let testPath = configuration.testEmbeddingsPath,
           let root = Self.layoutRoot(of: testPath),
           let found = try? BatchProbe.discover(root), found.contains(where: { $0.path == testPath }) {
            testRoot = root
            for source in found { tests["\(source.iteration)/\(source.layer)"] = source }
        }
        var iterations: [String] = []
        var layers: [String: [String]] = [:]
        spaces = sources.enumerated().map { index, source in
            if layers[source.iteration] == nil { iterations.append(source.iteration) }
            layers[source.iteration, default: []].append(source.layer)
            let test = tests["\(source.iteration)/\(source.layer)"]
            return SweepSpace(index: index, iteration: source.iteration, layer: source.layer, embeddingsPath: source.path,
                              testEmbeddingsPath: test?.path, contentFiles: [source.path] + (test.map { [$0.path] } ?? []))
        }
        self.iterations = iterations
        self.layersByIteration = layers
        self.testRoot = testRoot
    }

    /// The folder (or `store.h5:<group>`) two levels above a layer path: `<root>/<iteration>/<layer>`.
    static func layoutRoot(of path: String) -> String? {
        let (file, key) = EmbeddingInput.splitStorePath(path)
        if EmbeddingInput.isStore(file) {
            guard let key else { return nil }
            let parts = key.split(separator: "/")
            guard parts.count >= 2 else { return nil }
            let group = parts.dropLast(2).joined(separator: "/")
            return group.isEmpty ? file : "\(file):\(group)"
        }
        let root = ((path as NSString).deletingLastPathComponent as NSString).deletingLastPathComponent
        return root.isEmpty ? nil : root
    }
}

extension SweepPlan {
    /// The size of the first space, `points × dimension`, for sizing cluster jobs (dimension 0 when it cannot be read cheaply).
    public func shape(configuration: ProbeConfiguration) throws -> (points: Int, dimension: Int) {
        let labelSet = try LabelSet.read(configuration.labelSetPath)
        let points = try EntityFile.labelIndices(configuration.entitiesPath, labelSet: labelSet).count
        guard let first = spaces.first else { return (points, 0) }
        let (file, key) = EmbeddingInput.splitStorePath(first.embeddingsPath)
        if EmbeddingInput.isStore(file), let key {
            return (points, (try? ProbeStoreFile(path: file).matrix(key).dimension) ?? 0)
        }
        // A text layer: the number of values on its first line (other formats: unknown here).
        guard file.hasSuffix(".txt"), let handle = FileHandle(forReadingAtPath: file) else { return (points, 0) }
        defer { try? handle.close() }
        let head = handle.readData(ofLength: 1 << 20)
        let line = head.prefix { $0 != UInt8(ascii: "\n") }
        let fields = String(decoding: line, as: UTF8.self).split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "," })
        return (points, fields.count)
    }
}
