import Foundation
import ProbeConfig
import ProbeStore
import ResultSchema

/// Finding the layers of a batch: a folder of iteration folders of layer files, or the
/// datasets under a group of a store.
extension BatchProbe {
    /// One embeddings source: an iteration's layer.
    struct LayerSource {
        let iteration: String
        let layer: String
        let path: String          // a .txt file, or store.h5:<dataset>
        let contentFile: String   // the file whose checksum keys the result
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
