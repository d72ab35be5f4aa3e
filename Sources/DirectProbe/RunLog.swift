import Foundation

/// The run's `log.txt`: timestamped lines in the reference's format, echoed to stderr.
///
/// Thread-safe. Lines are kept in memory (a run logs a few hundred) and written
/// atomically with the other results.
public final class RunLog: @unchecked Sendable {
    private var lines: [String] = []
    private let lock = NSLock()
    private let echo: Bool
    private let formatter: DateFormatter

    /// Creates a log; `echo` also prints each line to stderr.
    public init(echo: Bool) {
        self.echo = echo
        formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss,SSS"
    }

    /// Adds an INFO line.
    public func info(_ message: String) {
        let line = "\(formatter.string(from: Date()))-probe-INFO: \(message)"
        lock.lock()
        lines.append(line)
        lock.unlock()
        if echo { FileHandle.standardError.write(Data((line + "\n").utf8)) }
    }

    /// Everything logged so far, one line each, with a final newline.
    public var text: String {
        lock.lock(); defer { lock.unlock() }
        return lines.map { $0 + "\n" }.joined()
    }
}
