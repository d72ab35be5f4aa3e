// libFuzzer target: the clusters.txt reader (Sources/ProbeStore/ClusterFile.swift).
// Property: never crashes or traps, and agrees with a plain reference reading (lines split
// at LF, one trailing CR dropped, blanks trimmed, empty lines skipped, digits only, fits Int).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzClusters(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    let reference = referenceNumbers(bytes)
    let pointCount = reference?.count ?? size % 5
    let parsed = try? ClusterFile.parse(bytes, path: "fuzz.txt", pointCount: pointCount)
    if parsed != reference {
        fatalError("ClusterFile.parse = \(String(describing: parsed)), reference = \(String(describing: reference)) for \(Array(bytes))")
    }
    if let parsed {
        let groups = ClusterFile.group(parsed)
        if groups.reduce(0, { $0 + $1.members.count }) != parsed.count { fatalError("grouping lost points") }
    }
    return 0
}

/// The same reading written the plain way, line by line, without allocating per line.
private func referenceNumbers(_ bytes: UnsafeBufferPointer<UInt8>) -> [Int]? {
    var numbers: [Int] = []
    for var line in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
        if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
        while let first = line.first, first == 32 || first == 9 { line = line.dropFirst() }
        while let last = line.last, last == 32 || last == 9 { line = line.dropLast() }
        if line.isEmpty { continue }
        var value = 0
        for byte in line {
            guard byte >= 48 && byte <= 57 else { return nil }
            let (times, o1) = value.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times.addingReportingOverflow(Int(byte - 48))
            if o1 || o2 { return nil }
            value = sum
        }
        numbers.append(value)
    }
    return numbers
}
