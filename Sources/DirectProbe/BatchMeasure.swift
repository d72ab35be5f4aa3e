import Foundation
import ProbeConfig
import ProbeStore
import ResultSchema

/// Measuring one layer of a batch with the fixed clusters.
extension BatchProbe {
    /// Measures one layer with the fixed clusters.
    func measure(_ source: LayerSource, key: String, labels: [Int32], labelSet: LabelSet, assignment: [Int],
                         scratch: String, log: RunLog) throws -> LayerRecord {
        let started = Date()
        log.info("Loading embeddings from \(source.path)")
        let (matrix, scan) = try EmbeddingInput.openScanned(source.path, entityCount: labels.count, entitiesPath: configuration.entitiesPath,
                                                            scratchFolder: scratch, name: "layer", showProgress: verbose)
        var points = try LabeledPoints(matrix: matrix, labels: labels, labelSet: labelSet, source: source.path)
        let unit = UnitScale.choosing(largest: scan.largestMagnitude, dimension: points.dimension)
        points = try unit.apply(to: points, scratch: scratch, name: "layer")
        var lists = Analyzer(points: points, threads: threads, showProgress: verbose, log: log).memberLists(fromAssignment: assignment)
        let coincident = try coincidentClusters(points, lists: lists)
        if !coincident.isEmpty {
            log.info("\(source.path): fixed clusters \(coincident.map(String.init).joined(separator: ", ")) hold coincident points of different labels, so they overlap in this layer")
        }
        let budget = try memory ?? configuration.memory.map(MemoryBudget.init(parsing:)) ?? .automatic
        if budget.prefersClusterOrderedCopy(matrixBytes: points.count * points.dimension * MemoryLayout<Float>.size) {
            (points, lists) = try clusterOrdered(points, lists: lists, scratch: scratch, name: "layer")
        }
        var analyzer = Analyzer(points: points, threads: threads, showProgress: verbose, log: log)
        analyzer.memory = budget
        let clusters = try analyzer.summaries(lists)
        let checker = OverlapChecker(geometry: ClusterGeometry(points: points), threads: threads)
        let l = labelSet.count
        if try checker.anyOverlap(in: clusters) {
            log.info("\(source.path) is NOT linearly separable")
            return LayerRecord(key: key, linear: false, vec: Array(repeating: 0, count: l * (l - 1) / 2),
                               outsideMin: Array(repeating: 0, count: l), insideMean: Array(repeating: 0, count: l),
                               insideMax: Array(repeating: 0, count: l), clusters: clusters.count,
                               coincidentOverlap: coincident, seconds: Date().timeIntervalSince(started))
        }
        log.info("\(source.path) IS linearly separable")
        let analysis = unit.rescaled(try analyzer.analyze(clusters))
        return LayerRecord(key: key, linear: true, vec: analysis.labelPairDistances, outsideMin: analysis.outsideMin,
                           insideMean: analysis.insideMean, insideMax: analysis.insideMax, clusters: clusters.count,
                           coincidentOverlap: coincident, seconds: Date().timeIntervalSince(started))
    }

    /// The numbers of the fixed clusters (among `lists`) that hold a point whose vector equals
    /// that of a point of another label in another listed cluster: no hyperplane separates
    /// such clusters, so the layer overlaps with them. Ascending.
    private func coincidentClusters(_ points: LabeledPoints, lists: [ClusterMembers]) throws -> [Int] {
        let groups = try CoincidentPoints.find(in: points.matrix).mixed(labels: points.labels)
        guard !groups.isEmpty else { return [] }
        var clusterOf = [Int32: (number: Int, label: Int)]()
        for list in lists { for row in list.members { clusterOf[row] = (list.number, list.label) } }
        var found = Set<Int>()
        for group in groups {
            let held = group.compactMap { clusterOf[$0] }
            for a in held where held.contains(where: { $0.label != a.label }) { found.insert(a.number) }
        }
        return found.sorted()
    }
}
