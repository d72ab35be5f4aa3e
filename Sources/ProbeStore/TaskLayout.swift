import Foundation

/// The sorted set of labels of a probing task.
public struct LabelSet: Sendable, Equatable {
    /// Labels in code-point order; a label's index is its position here.
    public let labels: [String]
    private let indexByLabel: [String: Int]

    /// Creates a label set from any labels: duplicates are merged, empty ones dropped, the rest sorted by code point.
    public init<S: Sequence>(_ labels: S) where S.Element == String {
        let sorted = Set(labels.filter { !$0.isEmpty }).sorted { Array($0.unicodeScalars.map(\.value)).lexicographicallyPrecedes($1.unicodeScalars.map(\.value)) }
        self.labels = sorted
        var index: [String: Int] = [:]
        for (i, label) in sorted.enumerated() { index[label] = i }
        indexByLabel = index
    }

    /// Reads `tags.txt`: one label per line; blank lines ignored.
    public init(contentsOf path: String) throws {
        var labels: [String] = []
        try forEachLine(of: path) { line, _ in labels.append(line) }
        self.init(labels)
        if self.labels.isEmpty { throw InputError(file: path, "no labels: the label file has no non-empty line") }
    }

    /// The index of `label`, or nil if it is not in the set.
    public func index(of label: String) -> Int? { indexByLabel[label] }

    /// The number of labels.
    public var count: Int { labels.count }
}

/// One line of an entities file: the entity text and its label index.
public struct Entity: Sendable, Equatable {
    /// The example's text (usually a word).
    public let text: String
    /// Index into the task's `LabelSet`.
    public let label: Int
}

/// Reads an entities file (`<entity>\t<label>` per line) block by block, checking every line.
public enum EntityFile {
    /// Calls `consume` with blocks of up to `blockSize` entities, in file order; returns the count.
    @discardableResult
    public static func read(_ path: String, labels: LabelSet, blockSize: Int = 65_536,
                            consume: ([Entity]) throws -> Void) throws -> Int {
        var block: [Entity] = []
        block.reserveCapacity(min(blockSize, 65_536))
        var count = 0
        var blankLine: Int? = nil
        try forEachLine(of: path, keepEmpty: true) { line, number in
            if line.isEmpty {
                if blankLine == nil { blankLine = number }
                return
            }
            if let blank = blankLine {
                throw InputError(file: path, line: blank, "empty line inside the file; every line must be <entity><TAB><label>")
            }
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard fields.count == 2 else {
                let column = fields.count > 2 ? fields[0].utf8.count + fields[1].utf8.count + 2 : line.utf8.count + 1
                throw InputError(file: path, line: number, column: column,
                                 fields.count < 2 ? "expected <entity><TAB><label>, found no tab"
                                                  : "expected exactly one tab (<entity><TAB><label>), found \(fields.count - 1)")
            }
            let label = String(fields[1])
            guard let index = labels.index(of: label) else {
                throw InputError(file: path, line: number, column: fields[0].utf8.count + 2,
                                 "label \(UserText.quoted(label)) is not in the label set (\(labels.count) labels from tags.txt)")
            }
            block.append(Entity(text: String(fields[0]), label: index))
            count += 1
            if block.count == blockSize {
                try consume(block)
                block.removeAll(keepingCapacity: true)
            }
        }
        if !block.isEmpty { try consume(block) }
        if count == 0 { throw InputError(file: path, "no entities: the file has no non-empty line") }
        return count
    }

    /// Reads all entities into memory (for small files and tests).
    public static func readAll(_ path: String, labels: LabelSet) throws -> [Entity] {
        var all: [Entity] = []
        try read(path, labels: labels) { all.append(contentsOf: $0) }
        return all
    }
}

/// Calls `body` for each line of a UTF-8 text file with its 1-based number, streaming.
/// Rejects a byte-order mark, CR LF endings and invalid UTF-8.
public func forEachLine(of path: String, keepEmpty: Bool = false, _ body: (String, Int) throws -> Void) throws {
    let reader = try LineBlockReader(path: path, blockBytes: 1 << 20)
    while let block = try reader.next() {
        var line = block.firstLine
        var start = 0
        let bytes = block.bytes
        while start < block.count {
            var end = start
            while end < block.count && bytes[end] != UInt8(ascii: "\n") { end += 1 }
            let raw = UnsafeBufferPointer(start: bytes + start, count: end - start)
            guard let text = String(validating: raw, as: UTF8.self) else {
                throw InputError(file: path, line: line, "the line is not valid UTF-8")
            }
            if keepEmpty || !text.isEmpty { try body(text, line) }
            line += 1
            start = end + 1
        }
    }
}

/// One embeddings text file of a pre-packed task, with where it sits in the layout.
public struct EmbeddingSource: Sendable, Equatable {
    /// Path of the `.txt` (or numpy `.npy`) file.
    public let path: String
    /// Path relative to the task's `embeddings/` folder, without `.txt`/`.npy` (e.g. `bert/train/0/12`).
    public let key: String
    /// The split whose entities the rows belong to (`train`, `test`, …).
    public let split: String
    /// The model folder (closer-look layout), or nil in the older `layers/` layout.
    public let model: String?
    /// The fine-tuning iteration (checkpoint) folder, or nil in the older layout.
    public let iteration: String?
    /// The layer (file name without `.txt`/`.npy`).
    public let layer: String
}

/// A pre-packed probing task directory (`labels/tags.txt`, `entities/<split>.txt` and the
/// embeddings files under `embeddings/`), discovered on disk.
public struct TaskDirectory: Sendable {
    /// The task's root folder.
    public let root: String
    /// `labels/tags.txt`.
    public let labelsPath: String
    /// Entities files by split name (`entities/<split>.txt`).
    public let entities: [String: String]
    /// Every embeddings file, in a stable (sorted) order.
    public let embeddings: [EmbeddingSource]

    /// Discovers the layout under `root`, naming what is missing or misplaced.
    public init(root: String) throws {
        self.root = root
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        guard fm.fileExists(atPath: root, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw InputError(file: root, "no such task directory")
        }
        labelsPath = (root as NSString).appendingPathComponent("labels/tags.txt")
        guard fm.fileExists(atPath: labelsPath) else {
            throw InputError(file: labelsPath, "missing: a task directory needs labels/tags.txt (one label per line)")
        }
        let entitiesFolder = (root as NSString).appendingPathComponent("entities")
        var entities: [String: String] = [:]
        // Symbolic links are followed; an unreadable folder is an error, never skipped (FolderWalk).
        let entityNames = fm.fileExists(atPath: entitiesFolder) ? try FolderWalk.entries(of: entitiesFolder) : []
        for name in entityNames where name.hasSuffix(".txt") {
            entities[String(name.dropLast(4))] = (entitiesFolder as NSString).appendingPathComponent(name)
        }
        guard !entities.isEmpty else {
            throw InputError(file: entitiesFolder, "missing: a task directory needs entities/<split>.txt files (e.g. train.txt)")
        }
        self.entities = entities

        let embeddingsFolder = (root as NSString).appendingPathComponent("embeddings")
        var sources: [EmbeddingSource] = []
        if fm.fileExists(atPath: embeddingsFolder) {
            for relative in try FolderWalk.files(under: embeddingsFolder) {
                // Text files and numpy arrays (`np.save`), mixed freely.
                guard relative.hasSuffix(".txt") || relative.hasSuffix(".npy") else { continue }
                let parts = relative.split(separator: "/").map(String.init)
                let path = (embeddingsFolder as NSString).appendingPathComponent(relative)
                let key = String(relative.dropLast(4))
                let layer = String(parts[parts.count - 1].dropLast(4))
                if let twin = sources.first(where: { $0.key == key }) {
                    throw InputError(file: path, "\(twin.path) holds the same embeddings key '\(key)': keep one of the two files")
                }
                switch parts.count {
                case 4:  // <model>/<split>/<iter>/<layer>.txt
                    sources.append(EmbeddingSource(path: path, key: key, split: parts[1], model: parts[0], iteration: parts[2], layer: layer))
                case 3 where parts[0] == "layers":  // layers/<split>/<layer>.txt
                    sources.append(EmbeddingSource(path: path, key: key, split: parts[1], model: nil, iteration: nil, layer: layer))
                default:
                    throw InputError(file: path, "not in a known layout: expected embeddings/<model>/<split>/<iter>/<layer>.txt (or .npy) or embeddings/layers/<split>/<layer>.txt")
                }
                if entities[sources[sources.count - 1].split] == nil {
                    throw InputError(file: path, "no entities file for split '\(sources[sources.count - 1].split)' (expected entities/\(sources[sources.count - 1].split).txt)")
                }
            }
        }
        guard !sources.isEmpty else {
            throw InputError(file: embeddingsFolder, "no embeddings .txt or .npy files found")
        }
        embeddings = sources.sorted { naturalOrder($0.key, $1.key) }
    }
}
