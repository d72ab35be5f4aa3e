import Foundation
import ProbeStore

/// A power-of-two change of units that keeps float32 arithmetic in range.
///
/// The distance kernels and the hull solvers work in float32, where a squared norm
/// overflows once a coordinate passes about 1e19 and underflows to zero below about 1e-19.
/// So that results do not depend on the units of the embeddings, a run whose largest
/// magnitude lies outside a comfortable range works on a scratch copy of the points
/// multiplied by 2^exponent (exact for float32: only the exponent changes), and every
/// distance it reports is multiplied back. Inputs within the range (every real embedding
/// seen so far) are used as they are: the identity scale changes nothing.
struct UnitScale: Sendable, Equatable, CustomStringConvertible {
    /// The points are multiplied by 2^exponent.
    let exponent: Int

    /// No change of units.
    static let identity = UnitScale(exponent: 0)

    /// Whether the points are used as they are.
    var isIdentity: Bool { exponent == 0 }

    /// The factor applied to the points.
    var factor: Float { Float(sign: .plus, exponent: exponent, significand: 1) }

    /// The scale for points whose largest magnitude is `largest`, in `dimension` dimensions:
    /// the identity when squared norms and their sums stay well inside float32 (below 2^96
    /// and above 2^-60 per value), else the power of two that brings `largest` into [1, 2).
    static func choosing(largest: Float, dimension: Int) -> UnitScale {
        guard largest > 0, largest.isFinite else { return .identity }
        let lowest: Float = 0x1p-30
        let highest = Float(sign: .plus, exponent: 48, significand: 1) / Float(max(1, dimension)).squareRoot()
        if largest >= lowest && largest <= highest { return .identity }
        return UnitScale(exponent: -Int(largest.exponent))
    }

    /// A distance measured on the scaled points, in the input's units.
    func distance(_ value: Double) -> Double {
        isIdentity ? value : value * Double(sign: .plus, exponent: -exponent, significand: 1)
    }

    /// The points multiplied by `factor` (a scratch store in `scratch`), or `points` itself
    /// for the identity.
    func apply(to points: LabeledPoints, scratch: String, name: String) throws -> LabeledPoints {
        guard !isIdentity else { return points }
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        let path = (scratch as NSString).appendingPathComponent("\(name)-scaled.h5")
        let matrix = try points.matrix.permutedCopy(order: Array(0..<points.count), to: path, scale: factor)
        var scaled = try LabeledPoints(matrix: matrix, labels: points.labels, labelSet: points.labelSet, source: points.source)
        scaled.valueScan = points.valueScan.map { ValueScan(largestMagnitude: $0.largestMagnitude * factor) }
        return scaled
    }

    var description: String { "2^\(exponent)" }

    /// A cluster pair's distances in the input's units.
    func rescaled(_ pair: ClusterPairDistance) -> ClusterPairDistance {
        ClusterPairDistance(first: pair.first, second: pair.second, distance: distance(pair.distance), lowerBound: distance(pair.lowerBound))
    }

    /// A cluster's centroid and radius in the input's units.
    func rescaled(_ cluster: Cluster) -> Cluster {
        guard !isIdentity else { return cluster }
        let inverse = 1 / factor
        return Cluster(node: cluster.node, label: cluster.label, members: cluster.members,
                       centroid: cluster.centroid.map { $0 * inverse }, radius: distance(cluster.radius), number: cluster.number)
    }

    /// An analysis in the input's units.
    func rescaled(_ analysis: Analysis) -> Analysis {
        guard !isIdentity else { return analysis }
        return Analysis(labels: analysis.labels, labelPairDistances: analysis.labelPairDistances.map(distance),
                        outsideMin: analysis.outsideMin.map(distance), insideMean: analysis.insideMean.map(distance),
                        insideMax: analysis.insideMax.map(distance), clusterPairs: analysis.clusterPairs.map(rescaled),
                        clusters: analysis.clusters.map(rescaled))
    }

    /// A test-set prediction with its distances in the input's units.
    func rescaled(_ prediction: TestPrediction) -> TestPrediction {
        guard !isIdentity else { return prediction }
        return TestPrediction(rankings: prediction.rankings.map { $0.map { (cluster: $0.cluster, distance: distance($0.distance)) } },
                              gold: prediction.gold, accuracy: prediction.accuracy)
    }

    /// The scale shared by every split of a run: chosen from the largest magnitude of all.
    static func choosing(for splits: [LabeledPoints]) -> UnitScale {
        let largest = splits.compactMap { $0.valueScan?.largestMagnitude }.max() ?? 0
        return choosing(largest: largest, dimension: splits.first?.dimension ?? 1)
    }
}
