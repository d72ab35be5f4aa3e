import Foundation

/// What a run's free-text `log.txt` says about the run, where it says it.
///
/// Reading a log never fails: lines that are not understood are skipped.
public struct LogFacts: Sendable {
    /// `Final number of clusters: N` (the last one logged).
    public var finalClusters: Int?
    /// `This space is linear!` / `This space is non-linear!` (the last one logged).
    public var linear: Bool?
    /// `Found N-th state is the first error state`.
    public var firstErrorState: Int?
    /// `Acc=…`, the test-set accuracy of a prediction run.
    public var accuracy: Double?
    /// The summary numbers, when all five were logged.
    public var measures: SummaryMeasures?

    /// An empty set of facts (no log).
    public init() {}

    /// Reads the facts from a log file; an unreadable file gives no facts.
    public init(path: String) {
        let data = FileManager.default.contents(atPath: path) ?? Data()
        self.init(text: String(decoding: data, as: UTF8.self))
    }

    /// Reads the facts from the text of a log.
    public init(text: String) {
        var global, meanInside, maxInside, maxRatio, meanRatio: Double?
        for rawLine in text.split(whereSeparator: \.isNewline) {
            let line = rawLine.range(of: "INFO: ").map { rawLine[$0.upperBound...] } ?? rawLine[...]
            if let value = Self.integer(after: "Final number of clusters:", in: line) { finalClusters = value }
            if line.hasPrefix("This space is linear") { linear = true }
            if line.hasPrefix("This space is non-linear") { linear = false }
            if line.hasPrefix("Found "), line.contains("first error state") {
                firstErrorState = Int(line.dropFirst("Found ".count).prefix { $0.isNumber })
            }
            if let value = Self.number(after: "Acc=", in: line) { accuracy = value }
            if let value = Self.number(after: "global min dis=", in: line) { global = value }
            if let value = Self.number(after: "mean_inside_mean_dis=", in: line) { meanInside = value }
            if let value = Self.number(after: "max inside max dis=", in: line) { maxInside = value }
            if let value = Self.number(after: "Inside max / outside min =", in: line) { maxRatio = value }
            if let value = Self.number(after: "Inside mean / outside min =", in: line) { meanRatio = value }
        }
        if global != nil || meanInside != nil || maxInside != nil {
            measures = SummaryMeasures(globalMinDistance: global, meanInsideMeanDistance: meanInside,
                                       maxInsideMaxDistance: maxInside, insideMaxOverOutsideMin: maxRatio,
                                       insideMeanOverOutsideMin: meanRatio, source: .log)
        }
    }

    private static func token(after marker: String, in line: Substring) -> Substring? {
        guard let range = line.range(of: marker) else { return nil }
        let rest = line[range.upperBound...].drop { $0 == " " }
        return rest.prefix { !$0.isWhitespace && $0 != "," && $0 != ";" && $0 != "%" }
    }

    private static func number(after marker: String, in line: Substring) -> Double? {
        guard let token = token(after: marker, in: line), let value = Double(token), value.isFinite else { return nil }
        return value
    }

    private static func integer(after marker: String, in line: Substring) -> Int? {
        token(after: marker, in: line).flatMap { Int($0) }
    }
}
