import Foundation
import ProbeStore

/// Content checksums of input files, each file read once per process.
///
/// A sweep keys every space by the content of its inputs; the label set, the entities and a
/// store shared by all spaces would otherwise be checksummed once per space. Not thread-safe:
/// one sweep uses it from one thread.
final class ContentKeys {
    private var known: [String: String] = [:]

    /// The checksum description of `path` (a `store.h5:<key>` path is keyed by its whole file).
    func checksum(_ path: String) throws -> String {
        let (file, _) = EmbeddingInput.splitStorePath(path)
        if let value = known[file] { return value }
        let value = try ContentChecksum(path: file).description
        known[file] = value
        return value
    }
}
