#if DEBUG
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// Kills the process at a chosen write, `fsync`, `ftruncate` or `rename`, so tests can prove crash safety.
///
/// Every call through the system-call layer that changes a file passes one
/// checkpoint: each `write`/`writev`/`pwritev` system call,
/// ``FileDescriptor/sync()``, ``FileDescriptor/truncate(to:)`` and
/// ``FileSystem/rename(_:to:)``. That covers snapshots, the Arrow writer and
/// the CSV sink alike. Arm it with ``killAtCheckpoint(_:)`` in a child
/// process; when the *n*th checkpoint comes, a write lands half its bytes and
/// then the process raises `SIGKILL`, exactly as if the power or the process
/// had died there.
///
/// The type exists in debug builds only (SwiftPM defines `DEBUG` for them), so
/// release builds carry neither the counters nor the checks. Tests reach it
/// through `SnapshotFaultInjection`, the `@_spi(Testing)` wrapper that
/// DenseRecordsSnapshot exports, since this module is not a product.
package enum SystemFaults {
    /// Checkpoints left before the process dies; 0 when disarmed.
    private static let countdown = Atomic<Int>(0)
    /// Reads left before one fails with `EIO`; 0 when disarmed.
    private static let readCountdown = Atomic<Int>(0)
    /// Checkpoints passed since the process started.
    private static let passed = Atomic<Int>(0)

    /// Makes the `n`th checkpoint from now (1 = the next) kill the process; 0 disarms.
    ///
    /// The count is process-wide: a checkpoint passed on any thread counts.
    ///
    /// - Parameter n: The checkpoint to die at.
    package static func killAtCheckpoint(_ n: Int) {
        countdown.store(n, ordering: .relaxed)
    }

    /// Makes the `n`th `read` or `pread` system call from now (1 = the next)
    /// fail once with `EIO`, as a failing disk would; 0 disarms.
    ///
    /// The count is process-wide: a read on any thread counts.
    ///
    /// - Parameter n: The read to fail.
    package static func failRead(_ n: Int) {
        readCountdown.store(n, ordering: .relaxed)
    }

    /// Counts one read and returns `EIO` when it is the armed one.
    ///
    /// - Returns: The injected error, or `nil` for a read that goes ahead.
    @inline(__always)
    static func readFault() -> Errno? {
        guard readCountdown.load(ordering: .relaxed) > 0, readCountdown.subtract(1, ordering: .relaxed).newValue == 0 else {
            return nil
        }
        return Errno(rawValue: EIO)
    }

    /// The number of checkpoints passed since the process started, armed or not.
    package static var checkpointsPassed: Int {
        passed.load(ordering: .relaxed)
    }

    /// Counts one checkpoint and, when it is the armed one, tears the write and kills the process.
    ///
    /// - Parameter beforeDying: What lands before the process dies: half of
    ///   the write that was about to be made, or nothing.
    @inline(__always)
    static func checkpoint(beforeDying: () -> Void = {}) {
        passed.add(1, ordering: .relaxed)
        guard countdown.load(ordering: .relaxed) > 0, countdown.subtract(1, ordering: .relaxed).newValue == 0 else { return }
        beforeDying()
        crash()
    }

    /// Dies at once, as a power cut or `kill -9` would.
    ///
    /// - Returns: Never.
    private static func crash() -> Never {
        raise(SIGKILL)
        fatalError("SIGKILL did not end the process")
    }
}
#endif
