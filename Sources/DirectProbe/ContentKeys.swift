import Foundation
import ProbeStore

/// Content checksums of inputs, each computed once per process.
///
/// A sweep keys every space by the content of its inputs. A file is checksummed whole; a
/// dataset of a store (`store.h5:<key>`) by its own values, so that a Slurm task reads only
/// the dataset it probes, not the whole store (hundreds of layers), and a change elsewhere in
/// the store does not invalidate it. Labels and entities in a store are keyed by the label
/// names and the entities' label indices. Not thread-safe: one sweep uses it from one thread.
final class ContentKeys {
    private var known: [String: String] = [:]

    /// The checksum description of `path`: a file, `store.h5` (its labels), or `store.h5:<key>`
    /// (an embeddings dataset, else the entities of split `<key>`).
    func checksum(_ path: String) throws -> String {
        if let value = known[path] { return value }
        let (file, key) = EmbeddingInput.splitStorePath(path)
        let value: String
        if EmbeddingInput.isStore(file) {
            value = "dataset-" + (try storeChecksum(file: file, key: key)).description
        } else {
            value = try ContentChecksum(path: file).description
        }
        known[path] = value
        return value
    }

    private func storeChecksum(file: String, key: String?) throws -> ContentChecksum {
        let store = try ProbeStoreFile(path: file)
        var accumulator = ContentChecksum.Accumulator()
        guard let key else {
            Data(try store.labels().labels.joined(separator: "\n").utf8).withUnsafeBytes { accumulator.add($0) }
            return accumulator.checksum
        }
        if try store.embeddingKeys().contains(key) {
            let matrix = try store.matrix(key)
            [Int64(matrix.rowCount), Int64(matrix.dimension)].withUnsafeBytes { accumulator.add($0) }
            try matrix.forEachBlock(rows: 4096) { _, block in accumulator.add(UnsafeRawBufferPointer(block)) }
        } else {
            try store.entityLabels(split: key).withUnsafeBytes { accumulator.add($0) }
        }
        return accumulator.checksum
    }
}
