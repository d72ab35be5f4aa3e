import Foundation

/// A one-line progress counter on standard error for work whose total is not known in
/// advance (forward merging: how many merges will be tried depends on the verdicts): the
/// count, a note, the rate and the elapsed time, never a made-up percentage.
///
/// Thread-safe; redraws at most ten times a second. `finish()` ends the line.
public final class ProgressCounter: Sendable {
    private let title: String
    private let noun: String
    private let line: ProgressLine

    /// Creates a counter of `noun` (e.g. "merges tried"); drawn only on a terminal unless
    /// `enabled` says otherwise; `output` receives the text (default: standard error).
    public init(_ title: String, counting noun: String, enabled: Bool? = nil, output: (@Sendable (String) -> Void)? = nil) {
        self.title = title
        self.noun = noun
        self.line = ProgressLine(enabled: enabled, output: output)
    }

    /// Reports `count` so far, with a note (e.g. "12 accepted, 340 clusters left").
    public func update(_ count: Int, note: String = "", force: Bool = false) {
        line.draw(force: force) { elapsed in
            let rate = elapsed > 0 ? Double(count) / elapsed : 0
            var text = "\(title): \(count) \(noun)"
            if !note.isEmpty { text += ", " + note }
            text += String(format: ", %.0f/s, %@", rate, formatDuration(elapsed))
            return text
        }
    }

    /// Ends the counter's line.
    public func finish() {
        line.finish()
    }
}
