import InternalDenseRecordsUtilities

/// Makes file reads fail or the process die at a chosen write, so tests can
/// prove that DenseRecords loses nothing when files fail.
///
/// A test-only door to the internal system-call layer that every file read and
/// write in DenseRecords goes through (snapshots, the CSV source and sink, the
/// Arrow writer). Only debug builds (SwiftPM defines `DEBUG` for them) have the
/// hooks; in a release build every call is inert and ``isAvailable`` is `false`.
/// Each switch is process-wide: arm it in a test of its own or in a child process.
@_spi(Testing)
public enum FileFaultInjection {
    /// True when this build honours the switches: debug builds only.
    public static var isAvailable: Bool {
        #if DEBUG
        true
        #else
        false
        #endif
    }

    /// Makes the `n`th `read` or `pread` from now (1 = the next) fail once with `EIO`.
    ///
    /// - Parameter n: The read to fail; 0 disarms.
    public static func failRead(_ n: Int) {
        #if DEBUG
        SystemFaults.failRead(n)
        #endif
    }

    /// Makes the `n`th write, `fsync`, `ftruncate` or `rename` from now
    /// (1 = the next) kill the process with `SIGKILL`, after half of that write lands.
    ///
    /// - Parameter n: The checkpoint to die at; 0 disarms.
    public static func killAtCheckpoint(_ n: Int) {
        #if DEBUG
        SystemFaults.killAtCheckpoint(n)
        #endif
    }

    /// The number of write checkpoints passed since the process started; 0 in a release build.
    public static var checkpointsPassed: Int {
        #if DEBUG
        SystemFaults.checkpointsPassed
        #else
        0
        #endif
    }
}
