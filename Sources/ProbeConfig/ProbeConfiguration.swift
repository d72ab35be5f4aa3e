import Foundation

/// The settings of one run, read from a reference `config.ini`.
///
/// | section | key | property |
/// |---|---|---|
/// | run | output_path, comments, memory | ``outputPath``, ``comments``, ``memory`` |
/// | data | label_set_path, entities_path, embeddings_path | ``labelSetPath``, ``entitiesPath``, ``embeddingsPath`` |
/// | data | test_entities_path, test_embeddings_path | ``testEntitiesPath``, ``testEmbeddingsPath`` |
/// | data | batch_embeddings_path | ``batchEmbeddingsPath`` |
/// | clustering | mode, probing_cluster_path, rate, enable_cuda | ``mode``, ``probingClusterPath``, ``rate``, ``enableCUDA`` |
/// | clustering | coincident | ``coincident`` |
///
/// Paths are kept as written (after interpolation): resolving them against the
/// working directory is the caller's job. An empty value counts as absent. Keys the
/// tool does not know are ignored, as the reference ignores them.
public struct ProbeConfiguration: Sendable, Equatable {
    /// What the run does (`[clustering] mode`).
    public enum Mode: String, Sendable, CaseIterable, CustomStringConvertible {
        /// Cluster the training set, then analyse the clusters.
        case probing
        /// Analyse (and predict with) the clusters in `probing_cluster_path`.
        case prediction
        /// Analyse the fixed clusters of `probing_cluster_path` in every space under
        /// `batch_embeddings_path`.
        case batchProbing = "batch_probing"

        /// The spelling used in `config.ini`.
        public var description: String { rawValue }
    }

    /// What to do with coincident training points of different labels (`[clustering] coincident`).
    public enum CoincidentPolicy: String, Sendable, CaseIterable, CustomStringConvertible {
        /// Each such point becomes a singleton cluster and takes no part in probing (the default).
        case setAside = "set-aside"
        /// Stop before any work, naming the lines.
        case error

        /// The spelling used in `config.ini` and on the command line.
        public var description: String { rawValue }
    }

    /// `[run] output_path`: the results directory. Required.
    public var outputPath: String
    /// `[run] comments`: free text for the log.
    public var comments: String?
    /// `[run] memory`: a memory budget such as `1G`, passed through unparsed.
    public var memory: String?
    /// `[data] label_set_path`: the label set. Required.
    public var labelSetPath: String
    /// `[data] entities_path`: the training examples. Required.
    public var entitiesPath: String
    /// `[data] embeddings_path`: the training embeddings. Required in `probing` and
    /// `prediction`; `batch_probing` reads its spaces from ``batchEmbeddingsPath``.
    public var embeddingsPath: String?
    /// `[data] test_entities_path`: the test examples.
    public var testEntitiesPath: String?
    /// `[data] test_embeddings_path`: the test embeddings.
    public var testEmbeddingsPath: String?
    /// `[data] batch_embeddings_path`: the folder of iteration folders. Required in `batch_probing`.
    public var batchEmbeddingsPath: String?
    /// `[clustering] mode`. Required.
    public var mode: Mode
    /// `[clustering] probing_cluster_path`: an existing `clusters.txt`. Required in
    /// `prediction` and `batch_probing`.
    public var probingClusterPath: String?
    /// `[clustering] rate`: the step of the coarse backward search, in (0, 1). Required,
    /// as the reference reads it in every mode.
    public var rate: Double
    /// `[clustering] enable_cuda`: kept for logging; a CPU implementation ignores it.
    /// False when absent or empty.
    public var enableCUDA: Bool
    /// `[clustering] coincident`: coincident points of different labels are set aside
    /// (`set-aside`, the default when absent) or stop the run (`error`).
    public var coincident: CoincidentPolicy
    /// Every key of the file with its interpolated value, unknown keys included, for the log.
    public var allValues: [INIFile.Entry]

    /// Reads and checks the settings of `file`.
    /// - Throws: ``MissingConfigurationKeyError`` for a required key that is absent or
    ///   empty, ``InvalidConfigurationValueError`` for a mode, rate or boolean that does
    ///   not parse, and the interpolation errors of ``INIFile/value(_:in:)``.
    public init(_ file: INIFile) throws {
        let reader = Reader(file: file)
        mode = try reader.mode()
        outputPath = try reader.required("run", "output_path", mode: nil)
        comments = try reader.optional("run", "comments")
        memory = try reader.memory()
        labelSetPath = try reader.required("data", "label_set_path", mode: nil)
        entitiesPath = try reader.required("data", "entities_path", mode: nil)
        embeddingsPath = mode == .batchProbing
            ? try reader.optional("data", "embeddings_path")
            : try reader.required("data", "embeddings_path", mode: mode)
        testEntitiesPath = try reader.optional("data", "test_entities_path")
        testEmbeddingsPath = try reader.optional("data", "test_embeddings_path")
        batchEmbeddingsPath = mode == .batchProbing
            ? try reader.required("data", "batch_embeddings_path", mode: mode)
            : try reader.optional("data", "batch_embeddings_path")
        probingClusterPath = mode == .probing
            ? try reader.optional("clustering", "probing_cluster_path")
            : try reader.required("clustering", "probing_cluster_path", mode: mode)
        rate = try reader.rate()
        enableCUDA = try reader.boolean("clustering", "enable_cuda") ?? false
        coincident = try reader.coincident()
        allValues = try file.allValues()
    }

    /// Reads `url` (see ``INIFile/init(contentsOf:)``) and checks its settings.
    public init(contentsOf url: URL) throws {
        try self.init(INIFile(contentsOf: url))
    }
}

/// Typed reads of single keys, with errors that name the key and its line.
private struct Reader {
    let file: INIFile

    /// The interpolated value, nil when absent or empty.
    func optional(_ section: String, _ key: String) throws -> String? {
        guard let value = try file.value(key, in: section), !value.isEmpty else { return nil }
        return value
    }

    func required(_ section: String, _ key: String, mode: ProbeConfiguration.Mode?) throws -> String {
        guard let value = try optional(section, key) else {
            let isEmpty = file.rawValue(key, in: section) != nil
            throw MissingConfigurationKeyError(
                path: file.path, location: isEmpty ? file.location(of: key, in: section) : nil,
                section: section, key: key, isEmpty: isEmpty,
                sectionExists: file.hasSection(section), mode: mode?.rawValue)
        }
        return value
    }

    func mode() throws -> ProbeConfiguration.Mode {
        let text = try required("clustering", "mode", mode: nil)
        guard let mode = ProbeConfiguration.Mode(rawValue: text) else {
            throw invalid("clustering", "mode", text,
                expected: "one of " + ProbeConfiguration.Mode.allCases.map(\.rawValue).joined(separator: ", "))
        }
        return mode
    }

    func coincident() throws -> ProbeConfiguration.CoincidentPolicy {
        guard let text = try optional("clustering", "coincident") else { return .setAside }
        guard let policy = ProbeConfiguration.CoincidentPolicy(rawValue: text.lowercased()) else {
            throw invalid("clustering", "coincident", text,
                expected: "one of " + ProbeConfiguration.CoincidentPolicy.allCases.map(\.rawValue).joined(separator: ", "))
        }
        return policy
    }

    func rate() throws -> Double {
        let text = try required("clustering", "rate", mode: nil)
        // Python's float() also accepts digit separators ("0.0_5"); Swift's parser does not.
        guard let rate = Double(text), rate > 0, rate < 1 else {
            throw invalid("clustering", "rate", text, expected: "a number between 0 and 1 (exclusive), such as 0.05")
        }
        return rate
    }

    /// `run.memory`: a size such as `512M`, `2G`, `1.5G` or a number of bytes; nil when absent.
    func memory() throws -> String? {
        guard let text = try optional("run", "memory") else { return nil }
        var number = Substring(text.trimmingCharacters(in: .whitespaces).uppercased())
        if number.hasSuffix("B") { number = number.dropLast() }
        if let last = number.last, "KMGT".contains(last) { number = number.dropLast() }
        guard let value = Double(number), value > 0, value.isFinite else {
            throw invalid("run", "memory", text, expected: "a memory size such as 512M, 2G or 1.5G (units K, M, G, T)")
        }
        return text
    }

    /// A boolean as Python's `getboolean`; nil when absent or empty.
    func boolean(_ section: String, _ key: String) throws -> Bool? {
        guard let text = try optional(section, key) else { return nil }
        switch text.lowercased() {
        case "1", "yes", "true", "on": return true
        case "0", "no", "false", "off": return false
        default:
            throw invalid(section, key, text, expected: "a boolean: 1/yes/true/on or 0/no/false/off")
        }
    }

    private func invalid(_ section: String, _ key: String, _ value: String, expected: String) -> InvalidConfigurationValueError {
        InvalidConfigurationValueError(
            path: file.path, location: file.location(of: key, in: section),
            section: section, key: key, value: value, expected: expected)
    }
}
