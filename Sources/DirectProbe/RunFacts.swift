import Foundation

// Facts about the process and the moment, recorded in every summary.json.

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
