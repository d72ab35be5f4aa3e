import Foundation
import Synchronization

/// One line of progress on standard error, redrawn in place: what ``ProgressBar`` and
/// ``ProgressCounter`` share (terminal detection, at most ten redraws a second, a lock so
/// that any thread may report, and the final newline).
final class ProgressLine: Sendable {
    /// Whether anything is drawn (by default only on a terminal).
    let enabled: Bool
    /// When the work started.
    let start = Date()
    private let output: @Sendable (String) -> Void
    /// When the line was last drawn; the lock also keeps two threads' lines from interleaving.
    private let lastDraw = Mutex(Date.distantPast)

    /// Draws on a terminal unless `enabled` says otherwise; `output` receives the text (default: standard error).
    init(enabled: Bool?, output: (@Sendable (String) -> Void)?) {
        self.enabled = enabled ?? (isatty(STDERR_FILENO) == 1)
        self.output = output ?? { FileHandle.standardError.write(Data($0.utf8)) }
    }

    /// Redraws the line with the text `line(elapsed seconds)`, unless the last redraw was
    /// under a tenth of a second ago and `force` is false.
    func draw(force: Bool, _ line: (Double) -> String) {
        guard enabled else { return }
        lastDraw.withLock { lastDraw in
            let now = Date()
            guard force || now.timeIntervalSince(lastDraw) >= 0.1 else { return }
            lastDraw = now
            output("\r" + line(now.timeIntervalSince(start)) + "\u{1B}[K")
        }
    }

    /// Ends the line.
    func finish() {
        guard enabled else { return }
        lastDraw.withLock { _ in output("\n") }
    }
}
