import Foundation
import ProbeConfig
import ProbeStore
import ResultSchema

/// The resume records of a batch: `.batch-cache/<iteration>/<layer>.json`, one per finished
/// layer, keyed by the content of the layer's inputs.
extension BatchProbe {
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
    func layerKeys(batchPath: String, clusterPath: String) throws -> ([LayerSource], (LayerSource) throws -> String) {
        let sources = try Self.discover(batchPath)
        guard !sources.isEmpty else { throw InputError(file: batchPath, "no iteration folders with layer files found") }
        let keys = ContentKeys()
        let baseKey = [try keys.checksum(configuration.labelSetPath), try keys.checksum(configuration.entitiesPath),
                       try ContentChecksum(path: clusterPath).description].joined(separator: ";")
        return (sources, { source in baseKey + ";" + (try keys.checksum(source.path)) + ";" + source.path })
    }

    /// `.batch-cache/<iteration>/<layer>.json`.
    static func recordPath(cacheFolder: String, _ source: LayerSource) -> String {
        (cacheFolder as NSString).appendingPathComponent("\(source.iteration)/\(source.layer).json")
    }

    /// The record at `path` when it exists and was made from inputs with this key.
    static func cachedRecord(_ path: String, key: String) -> LayerRecord? {
        guard let data = FileManager.default.contents(atPath: path), let record = try? LayerRecord.decode(data), record.key == key else { return nil }
        return record
    }

    /// Writes `record` at `path` atomically (creating its iteration's folder).
    static func saveRecord(_ record: LayerRecord, at path: String) throws {
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let atomic = AtomicOutput(finalPath: path)
        guard FileManager.default.createFile(atPath: atomic.temporaryPath, contents: try record.jsonData()) else {
            throw InputError(file: path, "cannot write the batch record")
        }
        try atomic.commit()
    }
}
