import Foundation
import ProbeStore
import ResultSchema

/// Filling `summary.json` from the analysis a run wrote.
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
