import Foundation
import ProbeStore

/// Training points set aside before probing: the members of coincident groups with more
/// than one label.
///
/// No clustering can separate two points with the same vector and different labels. The
/// reference's handling of them turns on float32 rounding (its strict sphere test skips two
/// coincident singletons, but whether a coincident point lying on its cluster's bounding
/// sphere overlaps its twin is decided by the rounding of two distance formulas), so its
/// result on such data is not reproducible. Each such point becomes a singleton cluster and
/// takes no part in probing; the other points are probed exactly as the reference probes
/// them. Same-label coincident points stay ordinary points (they merge first, at distance 0).
public struct SetAsidePoints: Sendable {
    /// One set-aside training point.
    public struct Point: Sendable, Equatable {
        /// 0-based training row.
        public let row: Int
        /// The coincident group (1-based, numbered in order of the group's first row).
        public let group: Int
        /// The entity text (from the entities file or store).
        public var entity: String
        /// The label's name.
        public let label: String
    }

    /// The set-aside points, ascending by row.
    public let points: [Point]
    /// The number of coincident groups of more than one label.
    public let groupCount: Int
    /// Groups of identical training vectors in all (one label or several).
    public let coincidentGroupCount: Int

    /// Whether nothing is set aside.
    public var isEmpty: Bool { points.isEmpty }

    /// Finds the coincident groups of `points` and the members of those with several labels;
    /// entity texts are read from `entitiesPath` for the set-aside rows only.
    public static func find(in points: LabeledPoints, entitiesPath: String) throws -> SetAsidePoints {
        let coincident = try CoincidentPoints.find(in: points.matrix)
        let rows = coincident.setAside(labels: points.labels)
        let groupCount = Set(rows.map(\.group)).count
        let texts = try entityTexts(entitiesPath, rows: rows.map(\.row))
        let labels = points.labelSet.labels
        let found = rows.map { item in
            Point(row: item.row, group: item.group, entity: texts[item.row] ?? "", label: labels[Int(points.labels[item.row])])
        }
        return SetAsidePoints(points: found, groupCount: groupCount, coincidentGroupCount: coincident.groups.count)
    }

    /// The texts of `rows` of an entities file (`<entity>\t<label>` lines) or of a store split.
    static func entityTexts(_ path: String, rows: [Int]) throws -> [Int: String] {
        guard !rows.isEmpty else { return [:] }
        let wanted = Set(rows)
        var texts: [Int: String] = [:]
        let (file, split) = EmbeddingInput.splitStorePath(path)
        if EmbeddingInput.isStore(file), let split {
            let all = try ProbeStoreFile(path: file).entityTexts(split: split)
            for row in wanted where row < all.count { texts[row] = all[row] }
            return texts
        }
        var row = 0
        try forEachLine(of: path, keepEmpty: false) { line, _ in
            if wanted.contains(row) { texts[row] = String(line.split(separator: "\t", maxSplits: 1).first ?? "") }
            row += 1
        }
        return texts
    }

    /// Log lines: the counts and the first `shown` points with line, entity text and label.
    func logLines(entitiesPath: String, shown: Int = 10) -> [String] {
        guard !isEmpty else { return ["No coincident points of different labels"] }
        var lines = ["Set aside \(points.count) coincident points of different labels in \(groupCount) groups (\(coincidentGroupCount) groups of identical vectors in all); each is a singleton cluster and takes no part in probing"]
        for point in points.prefix(shown) {
            lines.append("  set aside: \(entitiesPath):\(point.row + 1) '\(point.entity)' \(point.label) (group \(point.group))")
        }
        if points.count > shown { lines.append("  ... and \(points.count - shown) more (summary.json set_aside lists them all)") }
        return lines
    }

    /// Probes `points` without the set-aside rows, then adds each set-aside row back as a
    /// singleton cluster. The rows kept are copied, in order, into a scratch store, so that
    /// probing sees exactly the data without those lines (as the reference would).
    static func probe(_ points: LabeledPoints, settingAside setAside: SetAsidePoints, options: ProbingOptions,
                      log: RunLog, scratch: String) throws -> ProbingResult {
        guard !setAside.isEmpty else { return try Prober(points: points, options: options, log: log).run() }
        var excluded = [Bool](repeating: false, count: points.count)
        for point in setAside.points { excluded[point.row] = true }
        let kept = (0..<points.count).filter { !excluded[$0] }
        let geometry = ClusterGeometry(points: points)
        let singletons = try setAside.points.map { point in
            try geometry.summary(node: -1 - point.row, label: Int(points.labels[point.row]), members: [Int32(point.row)])
        }
        guard !kept.isEmpty else {
            return ProbingResult(clusters: singletons, isLinear: true, firstErrorState: nil, mergeCount: 0, solverCalls: 0)
        }
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        let path = (scratch as NSString).appendingPathComponent("train-probed.h5")
        let matrix = try points.matrix.permutedCopy(order: kept, to: path)
        let subset = try LabeledPoints(matrix: matrix, labels: kept.map { points.labels[$0] }, labelSet: points.labelSet,
                                       source: points.source)
        let result = try Prober(points: subset, options: options, log: log).run()
        let probed = result.clusters.map { cluster in
            Cluster(node: cluster.node, label: cluster.label, members: cluster.members.map { Int32(kept[Int($0)]) },
                    centroid: cluster.centroid, radius: cluster.radius, number: cluster.number)
        }
        let clusters = (probed + singletons).sorted { $0.members[0] < $1.members[0] }
        return ProbingResult(clusters: clusters, isLinear: result.isLinear, firstErrorState: result.firstErrorState,
                             mergeCount: result.mergeCount, solverCalls: result.solverCalls)
    }
}

/// Coincident training points of different labels found with `clustering.coincident = error`.
public struct CoincidentPointsError: Error, CustomStringConvertible, Sendable {
    /// The training entities file.
    public let entitiesPath: String
    /// The points found.
    public let setAside: SetAsidePoints

    /// Names the lines and says what to do.
    public var description: String {
        let shown = setAside.points.prefix(8).map { "\($0.row + 1) ('\($0.entity)' \($0.label))" }.joined(separator: ", ")
        let more = setAside.points.count > 8 ? ", …" : ""
        return "\(entitiesPath): \(setAside.points.count) training points in \(setAside.groupCount) groups have the same vector as a point of another label (lines \(shown)\(more)); no clustering can separate them. Remove those lines, or set them aside as singleton clusters with --coincident set-aside (config: [clustering] coincident = set-aside, the default)"
    }
}
