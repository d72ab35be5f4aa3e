import Foundation

// The task's inputs read from either layout: text files (`tags.txt`, an entities file, a
// `clusters.txt`) or a store written by probe-convert (`store.h5`, `store.h5:<split>`).

extension LabelSet {
    /// Reads the label set from `tags.txt`, or from a store (`store.h5`).
    public static func read(_ path: String) throws -> LabelSet {
        let (file, _) = EmbeddingInput.splitStorePath(path)
        if EmbeddingInput.isStore(file) { return try ProbeStoreFile(path: file).labels() }
        return try LabelSet(contentsOf: path)
    }
}

extension EntityFile {
    /// Reads every entity's label index from an entities file, or from a store (`store.h5:<split>`).
    public static func labelIndices(_ path: String, labelSet: LabelSet) throws -> [Int32] {
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
        try read(path, labels: labelSet) { block in labels.append(contentsOf: block.map { Int32($0.label) }) }
        return labels
    }
}

extension ClusterFile {
    /// Reads a `clusters.txt`: one non-negative cluster number per training point.
    public static func read(_ path: String, pointCount: Int) throws -> [Int] {
        guard let data = FileManager.default.contents(atPath: path) else { throw InputError(file: path, "cannot read the clusters file") }
        return try parse(data, path: path, pointCount: pointCount)
    }
}
