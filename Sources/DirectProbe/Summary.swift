import Foundation
import ProbeStore
import ResultSchema

extension RunSummary {
    /// Fills the per-label values, the pair distances and the summary numbers from an analysis.
    mutating func record(_ analysis: Analysis) {
        let labels = analysis.labels
        perLabel = labels.indices.map { index in
            let mine = analysis.clusters.filter { $0.label == index }
            return LabelValues(label: labels[index], outsideMin: analysis.outsideMin[index], insideMean: analysis.insideMean[index],
                               insideMax: analysis.insideMax[index], clusters: mine.count, points: mine.reduce(0) { $0 + $1.count })
        }
        labelPairs = zip(analysis.labelPairs, analysis.labelPairDistances).map {
            LabelPairDistance(a: labels[$0.0], b: labels[$0.1], distance: $1)
        }
        measures = Measures(globalMinDistance: analysis.globalMinimum, meanInsideMeanDistance: analysis.meanInsideMean,
                            maxInsideMaxDistance: analysis.maxInsideMax, insideMaxOverOutsideMin: analysis.insideMaxOverOutsideMin,
                            insideMeanOverOutsideMin: analysis.insideMeanOverOutsideMin)
    }
}

/// The process's peak resident memory in bytes, if the platform reports it.
public func peakResidentMemory() -> Int? {
    var usage = rusage()
    #if os(Linux)
    guard getrusage(RUSAGE_SELF.rawValue, &usage) == 0 else { return nil }
    return Int(usage.ru_maxrss) * 1024
    #else
    guard getrusage(RUSAGE_SELF, &usage) == 0 else { return nil }
    return Int(usage.ru_maxrss)
    #endif
}

/// Now in ISO 8601 (UTC).
func isoNow() -> String {
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime]
    return formatter.string(from: Date())
}
