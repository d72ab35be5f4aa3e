import Foundation
import Synchronization

/// A file written under a temporary name and renamed to its final name only on success.
///
/// A failed or interrupted write (error, Ctrl-C, `kill`) removes the temporary file and
/// never touches an existing file at the final path. The temporary file is registered with
/// `CleanupRegistry.shared`, which the executables run on SIGINT/SIGTERM/SIGHUP (SIGKILL
/// cannot be caught: the temporary name starts with a dot and ends in `.partial-<pid>` so
/// it is recognisable).
public final class AtomicOutput: Sendable {
    /// The final path.
    public let finalPath: String
    /// The temporary path being written.
    public let temporaryPath: String
    /// Whether the output was committed or abandoned (then nothing is left to do).
    private let finished = Mutex(false)
    private let registration: CleanupRegistry.Registration

    /// Reserves a temporary name in the same folder as `finalPath` (so that rename is atomic).
    public init(finalPath: String) {
        self.finalPath = finalPath
        let url = URL(fileURLWithPath: finalPath)
        let folder = url.deletingLastPathComponent().path
        temporaryPath = (folder as NSString).appendingPathComponent(".\(url.lastPathComponent).partial-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        registration = CleanupRegistry.shared.register(file: temporaryPath)
    }

    /// Renames the temporary file to the final path, replacing any file there.
    ///
    /// Safe to call from several threads: the first call renames, later ones do nothing.
    public func commit() throws {
        try finished.withLock { finished in
            guard !finished else { return }
            if rename(temporaryPath, finalPath) != 0 {
                let reason = String(cString: strerror(errno))
                throw InputError(file: finalPath, "cannot move the finished output into place: \(reason)")
            }
            finished = true
        }
        CleanupRegistry.shared.unregister(registration)
    }

    /// Removes the temporary file (done automatically when not committed).
    public func abandon() {
        let wasFinished = finished.withLock { finished in
            defer { finished = true }
            return finished
        }
        guard !wasFinished else { return }
        CleanupRegistry.shared.cleanUpNow(registration)
    }

    deinit { abandon() }
}
