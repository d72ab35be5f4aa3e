// libFuzzer target: the clusters.txt reader (Sources/ProbeStore/ClusterFile.swift).
// Property: never crashes or traps, and agrees with a plain reference reading (lines split
// at LF, one trailing CR dropped, blanks trimmed, empty lines skipped, digits only, fits Int).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzClusters(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let reference = referenceNumbers(bytes)
    let pointCount = reference?.count ?? size % 5
    let parsed = try? ClusterFile.parse(bytes, path: "fuzz.txt", pointCount: pointCount)
    if parsed != reference {
        fatalError("ClusterFile.parse = \(String(describing: parsed)), reference = \(String(describing: reference)) for \(bytes)")
    }
    if let parsed {
        let groups = ClusterFile.group(parsed)
        if groups.reduce(0, { $0 + $1.members.count }) != parsed.count { fatalError("grouping lost points") }
    }
    return 0
}

private func referenceNumbers(_ bytes: [UInt8]) -> [Int]? {
    var numbers: [Int] = []
    for var line in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
        if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
        while let first = line.first, first == 32 || first == 9 { line = line.dropFirst() }
        while let last = line.last, last == 32 || last == 9 { line = line.dropLast() }
        if line.isEmpty { continue }
        guard line.allSatisfy({ $0 >= 48 && $0 <= 57 }), let value = Int(String(decoding: line, as: UTF8.self)) else { return nil }
        numbers.append(value)
    }
    return numbers
}
