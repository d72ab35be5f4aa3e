import Foundation

/// A file written under a temporary name and renamed to its final name only on success.
///
/// A failed or interrupted write (error, Ctrl-C, `kill`) removes the temporary file and
/// never touches an existing file at the final path. SIGINT/SIGTERM/SIGHUP handlers remove
/// every pending temporary file before the process exits (SIGKILL cannot be caught: the
/// temporary name starts with a dot and ends in `.partial-<pid>` so it is recognisable).
public final class AtomicOutput: @unchecked Sendable {
    /// The final path.
    public let finalPath: String
    /// The temporary path being written.
    public let temporaryPath: String
    private var committed = false
    private let slot: Int

    /// Reserves a temporary name in the same folder as `finalPath` (so that rename is atomic).
    public init(finalPath: String) {
        self.finalPath = finalPath
        let url = URL(fileURLWithPath: finalPath)
        let folder = url.deletingLastPathComponent().path
        temporaryPath = (folder as NSString).appendingPathComponent(".\(url.lastPathComponent).partial-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        slot = PendingFiles.shared.register(temporaryPath)
    }

    /// Renames the temporary file to the final path, replacing any file there.
    public func commit() throws {
        guard !committed else { return }
        if rename(temporaryPath, finalPath) != 0 {
            let reason = String(cString: strerror(errno))
            throw InputError(file: finalPath, "cannot move the finished output into place: \(reason)")
        }
        committed = true
        PendingFiles.shared.unregister(slot)
    }

    /// Removes the temporary file (done automatically when not committed).
    public func abandon() {
        guard !committed else { return }
        unlink(temporaryPath)
        PendingFiles.shared.unregister(slot)
        committed = true
    }

    deinit { abandon() }
}

/// Temporary paths to delete if a terminating signal arrives, kept as C strings so the
/// signal handler needs no allocation.
final class PendingFiles: @unchecked Sendable {
    static let shared = PendingFiles()
    private static let capacity = 64
    private let paths: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>
    private let lock = NSLock()
    private var installed = false

    private init() {
        paths = .allocate(capacity: PendingFiles.capacity)
        paths.initialize(repeating: nil, count: PendingFiles.capacity)
        pendingFilesTable = paths
    }

    func register(_ path: String) -> Int {
        lock.lock()
        defer { lock.unlock() }
        if !installed {
            installed = true
            // A parent may have started us with these signals blocked (test runners do): unblock them.
            var set = sigset_t()
            sigemptyset(&set)
            for sig in [SIGINT, SIGTERM, SIGHUP] {
                signal(sig, removePendingFilesAndExit)
                sigaddset(&set, sig)
            }
            pthread_sigmask(SIG_UNBLOCK, &set, nil)
        }
        for index in 0..<PendingFiles.capacity where paths[index] == nil {
            paths[index] = strdup(path)
            return index
        }
        return -1
    }

    func unregister(_ slot: Int) {
        guard slot >= 0 else { return }
        lock.lock()
        defer { lock.unlock() }
        free(paths[slot])
        paths[slot] = nil
    }
}

nonisolated(unsafe) private var pendingFilesTable: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = nil

/// Signal handler: async-signal-safe calls only (unlink, _exit).
private func removePendingFilesAndExit(_ signal: Int32) {
    if let table = pendingFilesTable {
        for index in 0..<64 { if let path = table[index] { unlink(path) } }
    }
    _exit(128 + signal)
}
