import Foundation
import ProbeStore

/// Signal handling for the executables (`probe`, `probe-convert`); no library installs one.
///
/// On SIGINT, SIGTERM or SIGHUP the handler itself does one async-signal-safe thing: it
/// writes the signal number to a pipe. A watcher thread reads it and, outside signal
/// context, ends the line a progress bar was drawing, runs `CleanupRegistry.shared`
/// (notes such as "interrupted by SIGINT" in the run's log, then temporary files and
/// scratch folders) and exits with 128 + the signal number, as a shell expects. A second
/// signal during the cleanup exits at once.
public enum SignalHandler {
    /// The signals handled.
    public static let signals: [Int32] = [SIGINT, SIGTERM, SIGHUP]

    /// Installs the handlers and starts the watcher thread; call once, at start-up.
    public static func install() {
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else {
            FileHandle.standardError.write(Data("warning: no signal handling (pipe: \(String(cString: strerror(errno))))\n".utf8))
            return
        }
        _ = fcntl(fds[0], F_SETFD, FD_CLOEXEC)
        _ = fcntl(fds[1], F_SETFD, FD_CLOEXEC)
        signalPipe = fds[1]
        let reader = fds[0]
        let watcher = Thread {
            var byte: UInt8 = 0
            while read(reader, &byte, 1) != 1 {
                if errno != EINTR { return }
            }
            let number = Int32(byte)
            _ = "\n".withCString { write(STDERR_FILENO, $0, 1) }  // ^C lands mid-line on a progress bar
            // The registry stays locked until the process is gone, so that nothing registers
            // (and creates) a temporary file after the cleanup.
            CleanupRegistry.shared.runAll(reason: "interrupted by \(name(of: number))") { _exit(128 + number) }
        }
        watcher.name = "signal watcher"
        watcher.start()

        var set = sigset_t()
        sigemptyset(&set)
        for number in signals {
            var action = sigaction()
            #if os(Linux)
            action.__sigaction_handler.sa_handler = forwardSignal
            #else
            action.__sigaction_u.__sa_handler = forwardSignal
            #endif
            sigemptyset(&action.sa_mask)
            action.sa_flags = SA_RESTART
            sigaction(number, &action, nil)
            sigaddset(&set, number)
        }
        // A parent may have started us with these signals blocked (test runners do): unblock them.
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
    }

    /// "SIGINT" for SIGINT, and so on.
    public static func name(of number: Int32) -> String {
        switch number {
        case SIGINT: return "SIGINT"
        case SIGTERM: return "SIGTERM"
        case SIGHUP: return "SIGHUP"
        default: return "signal \(number)"
        }
    }
}

/// The write end of the watcher's pipe: set once before any handler is installed, then only read.
nonisolated(unsafe) private var signalPipe: Int32 = -1
/// Signals received so far (only the handler touches it).
nonisolated(unsafe) private var signalsReceived: sig_atomic_t = 0

/// The signal handler: async-signal-safe calls only (write, _exit).
private func forwardSignal(_ number: Int32) {
    signalsReceived += 1
    if signalsReceived > 1 { _exit(128 + number) }
    var byte = UInt8(truncatingIfNeeded: number)
    _ = write(signalPipe, &byte, 1)
}
