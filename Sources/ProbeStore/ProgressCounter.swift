import Foundation

/// A one-line progress counter on standard error for work whose total is not known in
/// advance (forward merging: how many merges will be tried depends on the verdicts): the
/// count, a note, the rate and the elapsed time, never a made-up percentage.
///
/// Thread-safe; redraws at most ten times a second. `finish()` ends the line.
public final class ProgressCounter: @unchecked Sendable {
    private let title: String
    private let noun: String
    private let enabled: Bool
    private let start = Date()
    private var lastDraw = Date.distantPast
    private let lock = NSLock()
    private let output: @Sendable (String) -> Void

    /// Creates a counter of `noun` (e.g. "merges tried"); drawn only on a terminal unless
    /// `enabled` says otherwise; `output` receives the text (default: standard error).
    public init(_ title: String, counting noun: String, enabled: Bool? = nil, output: (@Sendable (String) -> Void)? = nil) {
        self.title = title
        self.noun = noun
        self.enabled = enabled ?? (isatty(STDERR_FILENO) == 1)
        self.output = output ?? { FileHandle.standardError.write(Data($0.utf8)) }
    }

    /// Reports `count` so far, with a note (e.g. "12 accepted, 340 clusters left").
    public func update(_ count: Int, note: String = "", force: Bool = false) {
        guard enabled else { return }
        lock.lock()
        defer { lock.unlock() }
        let now = Date()
        guard force || now.timeIntervalSince(lastDraw) >= 0.1 else { return }
        lastDraw = now
        let elapsed = now.timeIntervalSince(start)
        let rate = elapsed > 0 ? Double(count) / elapsed : 0
        var line = "\r\(title): \(count) \(noun)"
        if !note.isEmpty { line += ", " + note }
        line += String(format: ", %.0f/s, %@", rate, formatDuration(elapsed))
        output(line + "\u{1B}[K")
    }

    /// Ends the counter's line.
    public func finish() {
        guard enabled else { return }
        lock.lock()
        defer { lock.unlock() }
        output("\n")
    }
}
