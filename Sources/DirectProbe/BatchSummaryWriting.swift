import Foundation
import ProbeConfig
import ProbeStore
import ResultSchema

/// A batch's `summary.json` and final log.
extension BatchProbe {
    /// Writes `summary.json` and the log of a finished batch, and returns its outcome.
    func writeSummary(_ context: Context, _ inputs: Inputs, _ progress: Progress) throws -> Outcome {
        let (iterations, layersOf, records) = (inputs.iterations, inputs.layersOf, progress.records)
        let (computed, reused, started, log) = (progress.computed, progress.reused, context.started, context.log)
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
        summary.labels = inputs.labelSet.labels
        summary.computedLayers = computed
        summary.reusedLayers = reused
        summary.timingsSeconds = ["total": Date().timeIntervalSince(started)]
        summary.peakMemoryBytes = peakResidentMemory()
        summary.threads = threads
        summary.mixedLabelClusters = inputs.mixed.isEmpty ? nil : inputs.mixed
        log.info("Batch done: \(computed) layers computed, \(reused) reused from an earlier run")
        log.info(String(format: "Total time %.3f s, peak memory %.1f MB", Date().timeIntervalSince(started), Double(peakResidentMemory() ?? 0) / 1e6))
        try context.writer.write("summary.json", try summary.jsonText())
        try context.writer.write("log.txt", log.text)
        return Outcome(iterations: iterations, layers: layersOf, linear: linear, computed: computed, reused: reused)
    }
}
