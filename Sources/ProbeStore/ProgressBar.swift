import Foundation

/// A one-line progress bar on standard error, drawn only when stderr is a terminal.
///
/// Thread-safe; redraws at most ten times a second. `finish()` ends the line.
public final class ProgressBar: Sendable {
    private let title: String
    private let total: Double
    private let unit: String
    private let scale: Double
    private let line: ProgressLine

    /// Creates a bar for `total` units of work; `unit` and `scale` format the rate (e.g. "MB", 1e6).
    /// `output` receives the drawn text (default: standard error).
    public init(_ title: String, total: Double, unit: String = "", scale: Double = 1, enabled: Bool? = nil,
                output: (@Sendable (String) -> Void)? = nil) {
        self.title = title
        self.total = max(total, 1)
        self.unit = unit
        self.scale = scale
        self.line = ProgressLine(enabled: enabled, output: output)
    }

    /// Reports that `done` units are complete, with an optional note (e.g. rows so far).
    public func update(_ done: Double, note: String = "") {
        line.draw(force: done >= total) { elapsed in
            let fraction = min(1, done / total)
            let width = 24
            let filled = Int(fraction * Double(width))
            let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
            let rate = elapsed > 0 ? done / elapsed / scale : 0
            let eta = rate > 0 && fraction < 1 ? (total - done) / scale / rate : 0
            var text = String(format: "%@ [%@] %3.0f%%", title, bar, fraction * 100)
            if !unit.isEmpty { text += String(format: " %.1f %@/s", rate, unit) }
            if !note.isEmpty { text += " " + note }
            text += fraction < 1 ? String(format: " ETA %@", formatDuration(eta)) : String(format: " in %@", formatDuration(elapsed))
            return text
        }
    }

    /// Ends the bar's line.
    public func finish() {
        line.finish()
    }
}

/// Formats seconds as `1h02m`, `3m05s` or `4.2s`.
public func formatDuration(_ seconds: Double) -> String {
    if seconds >= 3600 { return String(format: "%dh%02dm", Int(seconds) / 3600, (Int(seconds) % 3600) / 60) }
    if seconds >= 60 { return String(format: "%dm%02ds", Int(seconds) / 60, Int(seconds) % 60) }
    return String(format: "%.1fs", seconds)
}
