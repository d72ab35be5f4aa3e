import Foundation

/// A one-line progress bar on standard error, drawn only when stderr is a terminal.
///
/// Thread-safe; redraws at most ten times a second. `finish()` ends the line.
public final class ProgressBar: @unchecked Sendable {
    private let title: String
    private let total: Double
    private let unit: String
    private let scale: Double
    private let enabled: Bool
    private let start = Date()
    private var lastDraw = Date.distantPast
    private let lock = NSLock()
    private let output: @Sendable (String) -> Void

    /// Creates a bar for `total` units of work; `unit` and `scale` format the rate (e.g. "MB", 1e6).
    /// `output` receives the drawn text (default: standard error).
    public init(_ title: String, total: Double, unit: String = "", scale: Double = 1, enabled: Bool? = nil,
                output: (@Sendable (String) -> Void)? = nil) {
        self.title = title
        self.total = max(total, 1)
        self.unit = unit
        self.scale = scale
        self.enabled = enabled ?? (isatty(STDERR_FILENO) == 1)
        self.output = output ?? { FileHandle.standardError.write(Data($0.utf8)) }
    }

    /// Reports that `done` units are complete, with an optional note (e.g. rows so far).
    public func update(_ done: Double, note: String = "") {
        guard enabled else { return }
        lock.lock()
        defer { lock.unlock() }
        let now = Date()
        guard now.timeIntervalSince(lastDraw) >= 0.1 || done >= total else { return }
        lastDraw = now
        let elapsed = now.timeIntervalSince(start)
        let fraction = min(1, done / total)
        let width = 24
        let filled = Int(fraction * Double(width))
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
        let rate = elapsed > 0 ? done / elapsed / scale : 0
        let eta = rate > 0 && fraction < 1 ? (total - done) / scale / rate : 0
        var line = String(format: "\r%@ [%@] %3.0f%%", title, bar, fraction * 100)
        if !unit.isEmpty { line += String(format: " %.1f %@/s", rate, unit) }
        if !note.isEmpty { line += " " + note }
        line += fraction < 1 ? String(format: " ETA %@", formatDuration(eta)) : String(format: " in %@", formatDuration(elapsed))
        output(line + "\u{1B}[K")
    }

    /// Ends the bar's line.
    public func finish() {
        guard enabled else { return }
        lock.lock()
        defer { lock.unlock() }
        output("\n")
    }
}

/// Formats seconds as `1h02m`, `3m05s` or `4.2s`.
public func formatDuration(_ seconds: Double) -> String {
    if seconds >= 3600 { return String(format: "%dh%02dm", Int(seconds) / 3600, (Int(seconds) % 3600) / 60) }
    if seconds >= 60 { return String(format: "%dm%02ds", Int(seconds) / 60, Int(seconds) % 60) }
    return String(format: "%.1fs", seconds)
}
