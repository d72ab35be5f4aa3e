/// Reads a `clusters.txt`: one non-negative cluster number per training point, one a line.
///
/// Any numbering is accepted (the numbers need not be consecutive nor start at 0), so a
/// number only has to fit in an `Int`; what is grouped later costs memory proportional to
/// the number of points, never to the largest number. Lines may end in `\n` or `\r\n`;
/// blank lines are skipped. Only Swift's standard library is used, so the parser can be
/// compiled on its own into a fuzz target (Fuzz/clusters).
public enum ClusterFile {
    /// Parses the bytes of a clusters file named `path` (for messages); `pointCount` is the
    /// number of training points the file must list.
    public static func parse(_ bytes: some Collection<UInt8>, path: String, pointCount: Int) throws -> [Int] {
        var numbers: [Int] = []
        numbers.reserveCapacity(max(0, min(pointCount, 1 << 24)))
        var line = 1
        var value = 0
        var digits = 0
        var column = 0          // 1-based column of the first non-blank byte of the line
        var position = 0        // 1-based column of the current byte
        var trailing = false    // blanks seen after the digits
        func finishLine() throws {
            if digits > 0 { numbers.append(value) }
            value = 0; digits = 0; column = 0; position = 0; trailing = false
            line += 1
        }
        var iterator = bytes.makeIterator()
        var pending: UInt8? = iterator.next()
        while let byte = pending {
            pending = iterator.next()
            position += 1
            switch byte {
            case UInt8(ascii: "\n"):
                try finishLine()
            case UInt8(ascii: "\r") where pending == UInt8(ascii: "\n") || pending == nil:
                continue  // CR LF (or a final CR) ends the line like LF
            case UInt8(ascii: " "), UInt8(ascii: "\t"):
                if digits > 0 { trailing = true }
            case UInt8(ascii: "0")...UInt8(ascii: "9") where !trailing:
                if column == 0 { column = position }
                let (times, o1) = value.multipliedReportingOverflow(by: 10)
                let (sum, o2) = times.addingReportingOverflow(Int(byte - UInt8(ascii: "0")))
                value = sum
                digits += 1
                if o1 || o2 {
                    throw InputError(file: path, line: line, column: column,
                                     "cluster number too large (more than \(Int.max)); write each point's cluster as a small non-negative integer")
                }
            default:
                throw InputError(file: path, line: line, column: position,
                                 "\(describe(byte)) is not part of a cluster number; each line must hold one non-negative integer")
            }
        }
        try finishLine()
        guard numbers.count == pointCount else {
            throw InputError(file: path, "\(numbers.count) cluster numbers but \(pointCount) training points; the file must list one cluster number per training point, in order")
        }
        return numbers
    }

    /// A byte as a user reads it in a message: printable ASCII quoted, anything else in hex.
    static func describe(_ byte: UInt8) -> String {
        if byte >= 0x21 && byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
        return "byte 0x" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
    }

    /// Groups an assignment (cluster number per point) into clusters in ascending number:
    /// each cluster's members ascending. Memory is O(points) whatever the numbers.
    public static func group(_ assignment: [Int]) -> [(number: Int, members: [Int32])] {
        let order = assignment.indices.sorted { assignment[$0] < assignment[$1] || (assignment[$0] == assignment[$1] && $0 < $1) }
        var groups: [(number: Int, members: [Int32])] = []
        var start = 0
        while start < order.count {
            let number = assignment[order[start]]
            var end = start
            while end < order.count && assignment[order[end]] == number { end += 1 }
            groups.append((number, order[start..<end].map { Int32($0) }))
            start = end
        }
        return groups
    }
}

private extension String {
    func leftPadded(to width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
