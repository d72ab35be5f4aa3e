import Foundation
import ProbeStore

/// How much memory a run may use; sets when a cluster-ordered scratch copy is made and how
/// much of the embeddings the solvers may hold at once. Parsed from `--memory` or the config
/// key `run.memory` (`512M`, `2G`, `1.5G`, plain bytes).
public struct MemoryBudget: Sendable, CustomStringConvertible {
    /// The budget in bytes.
    public let bytes: Int

    /// A budget of `bytes` bytes.
    public init(bytes: Int) { self.bytes = max(0, bytes) }

    /// Parses `512M`, `2G`, `1.5G`, `800K` or a number of bytes.
    public init(parsing text: String) throws {
        let trimmed = text.trimmingCharacters(in: .whitespaces).uppercased()
        let units: [Character: Double] = ["K": 1024, "M": 1024 * 1024, "G": 1024 * 1024 * 1024, "T": 1024 * 1024 * 1024 * 1024]
        var number = Substring(trimmed)
        var scale = 1.0
        if number.hasSuffix("B") { number = number.dropLast() }
        if let last = number.last, let unit = units[last] {
            scale = unit
            number = number.dropLast()
        }
        guard let value = Double(number), value > 0 else {
            throw InputError(file: "memory", "'\(text)' is not a memory size (examples: 512M, 2G)")
        }
        self.init(bytes: max(1 << 20, Int(value * scale)))
    }

    /// Half the machine's physical memory: a default that leaves room for everything else.
    public static var automatic: MemoryBudget { MemoryBudget(bytes: Int(ProcessInfo.processInfo.physicalMemory / 2)) }

    /// Whether a matrix of `bytes` is large enough, relative to the budget, that clusters
    /// should be copied into contiguous ranges before solvers gather them again and again.
    func prefersClusterOrderedCopy(matrixBytes: Int) -> Bool { matrixBytes > bytes / 4 }

    /// Rows per block of the distance kernels for points of `dimension` values: 1024 unless
    /// the kernel's four blocks (2 × raw and shifted, float32) would take more than a
    /// sixteenth of the budget, as at very high dimension; at least 16.
    public func kernelTileRows(dimension: Int) -> Int {
        let perRow = 4 * max(1, dimension) * MemoryLayout<Float>.size
        return max(16, min(1024, bytes / 16 / perRow))
    }

    public var description: String { String(format: "%.2f GB", Double(bytes) / 1e9) }
}

/// Reorders the points so that every cluster's members are one contiguous range (a scratch
/// store in `scratch`), and returns the reordered points and member lists. Results that do
/// not name points (every analysis number, the predictions) are unchanged by the reordering.
func clusterOrdered(_ points: LabeledPoints, lists: [ClusterMembers], scratch: String, name: String) throws -> (LabeledPoints, [ClusterMembers]) {
    var order: [Int] = []
    order.reserveCapacity(points.count)
    var seen = [Bool](repeating: false, count: points.count)
    var remapped: [ClusterMembers] = []
    for list in lists {
        let start = order.count
        for member in list.members {
            order.append(Int(member))
            seen[Int(member)] = true
        }
        remapped.append(ClusterMembers(number: list.number, label: list.label, members: (start..<order.count).map { Int32($0) }))
    }
    for row in 0..<points.count where !seen[row] { order.append(row) }  // points of no listed cluster
    try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
    let path = (scratch as NSString).appendingPathComponent("\(name)-by-cluster.h5")
    let matrix = try points.matrix.permutedCopy(order: order, to: path)
    let labels = order.map { points.labels[$0] }
    return (try LabeledPoints(matrix: matrix, labels: labels, labelSet: points.labelSet, source: points.source), remapped)
}
