import Synchronization

/// A `Mutex` whose critical sections ThreadSanitizer can see.
///
/// On Linux, Synchronization's `Mutex` waits in the kernel with a
/// priority-inheritance futex: when a contended lock is handed over, the
/// kernel writes the new owner into the lock word, and no instrumented atomic
/// operation runs on the receiving thread. ThreadSanitizer then sees two
/// threads touch the guarded value with no happens-before edge between them
/// and reports a race that is not there. A ten-line program with eight
/// threads incrementing a `Mutex<Int>` reproduces it with Swift 6.3.
///
/// This wrapper adds the edge ThreadSanitizer needs: every critical section
/// starts with an acquiring load of `handoff` and ends with a releasing
/// store to it, while the lock is held. On x86-64 both are plain moves, so
/// an uncontended critical section costs what it did; on any platform they
/// only restate an ordering the lock already guarantees.
///
/// Every lock in DenseRecords goes through this type, so the thread
/// sanitizer run checks the package's real synchronization rather than
/// stopping at a false report.
package struct SanitizerVisibleMutex<Value: ~Copyable>: ~Copyable, Sendable {
    private let mutex: Mutex<Value>
    private let handoff = Atomic<UInt>(0)

    package init(_ initialValue: consuming sending Value) {
        mutex = Mutex(initialValue)
    }

    /// Runs `body` with exclusive access to the value, like `Mutex.withLock`.
    package func withLock<Result: ~Copyable, E: Error>(
        _ body: (inout sending Value) throws(E) -> sending Result
    ) throws(E) -> sending Result {
        try mutex.withLock { (value: inout sending Value) throws(E) -> sending Result in
            _ = handoff.load(ordering: .acquiring)
            defer { handoff.store(0, ordering: .releasing) }
            return try body(&value)
        }
    }
}
