/// Traps with `message` when `condition` is false, in every build configuration.
///
/// `precondition` drops its message in optimized (`-O`) builds, so a user of
/// a release binary sees only "Fatal error" and an address. Documented traps on
/// the public API use this instead: `fatalError` keeps the message in `-O`
/// builds (only `-Ounchecked` removes the check).
///
/// - Parameters:
///   - condition: The requirement; evaluated once.
///   - message: What was wrong; evaluated only when `condition` is false.
///   - file: The file reported with the message.
///   - line: The line reported with the message.
/// - Complexity: The cost of `condition`.
@inline(__always)
package func require(
    _ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String,
    file: StaticString = #fileID, line: UInt = #line
) {
    if !condition() { requirementFailed(message(), file: file, line: line) }
}

/// Traps with `message`, in every build configuration.
///
/// - Parameters:
///   - message: What was wrong.
///   - file: The file reported with the message.
///   - line: The line reported with the message.
/// - Returns: Never.
@inline(never)
package func requirementFailed(_ message: String, file: StaticString = #fileID, line: UInt = #line) -> Never {
    fatalError(message, file: file, line: line)
}
