import InternalDenseRecordsUtilities

/// Kills the process at a chosen write, fsync, truncate or rename, so tests can prove crash safety.
///
/// A thin, test-only door to the checkpoints of the internal system-call
/// layer, which every file write in DenseRecords goes through: each
/// `write`/`writev` system call, `fsync`, `ftruncate` and `rename` of a
/// snapshot, and also of the Arrow writer and the CSV sink, passes one. Arm
/// it with ``killAtCheckpoint(_:)`` in a child process; when the *n*th
/// checkpoint comes, a write lands half its bytes and then the process
/// raises `SIGKILL`, exactly as if the power or the process had died there.
/// Only debug builds (SwiftPM defines `DEBUG` for them) have the checkpoints;
/// in a release build this API is inert and ``isAvailable`` is `false`.
@_spi(Testing)
public enum SnapshotFaultInjection {
    /// True when this build honours ``killAtCheckpoint(_:)``.
    public static var isAvailable: Bool {
        #if DEBUG
        true
        #else
        false
        #endif
    }

    /// Makes the `n`th checkpoint from now (1 = the next) kill the process; 0 disarms.
    ///
    /// The count is process-wide. Does nothing in a release build.
    ///
    /// - Parameter n: The checkpoint to die at.
    public static func killAtCheckpoint(_ n: Int) {
        #if DEBUG
        SystemFaults.killAtCheckpoint(n)
        #endif
    }

    /// The number of checkpoints passed since the process started, armed or not; 0 in a release build.
    public static var checkpointsPassed: Int {
        #if DEBUG
        SystemFaults.checkpointsPassed
        #else
        0
        #endif
    }
}
