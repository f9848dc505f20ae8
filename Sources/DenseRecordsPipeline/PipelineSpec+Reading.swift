import InternalDenseRecordsUtilities
public import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a spec file could not be read.
public struct PipelineSpecReadError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What stood in the way.
    public enum Reason: Hashable, Sendable {
        /// Nothing exists at the path (or a folder on it is missing).
        case missing
        /// The path names a directory.
        case isDirectory
        /// The file, or a folder on its path, may not be read by this user.
        case permissionDenied
        /// The file is larger than ``PipelineSpec/maximumSpecBytes``.
        case tooLarge
        /// Another system error, as its `errno`.
        case system(errno: Int32)
    }

    /// The path as given.
    public var path: String
    /// Why it could not be read.
    public var reason: Reason

    /// Creates the error.
    ///
    /// - Parameters:
    ///   - path: The path as given.
    ///   - reason: Why it could not be read.
    public init(path: String, reason: Reason) {
        self.path = path
        self.reason = reason
    }

    /// `cannot read the spec PATH: it does not exist`, with a long path cut to its last 120 characters.
    public var description: String {
        let why: String =
            switch reason {
            case .missing: "it does not exist"
            case .isDirectory: "it is a directory, not a file"
            case .permissionDenied: "permission denied"
            case .tooLarge: "it is larger than \(PipelineSpec.maximumSpecBytes) bytes; a spec is a small JSON file"
            case let .system(code): Errno(rawValue: code).description
            }
        return "cannot read the spec \(String(abbreviatingPath: path)): \(why)"
    }
}

extension PipelineSpec {
    /// The largest spec file ``readFile(atPath:)`` reads: 16 MiB.
    public static let maximumSpecBytes = 16 << 20

    /// Reads a spec file's bytes, saying why when it cannot.
    ///
    /// Any readable file works, a pipe such as `/dev/stdin` too; reading
    /// stops past ``maximumSpecBytes``.
    ///
    /// - Parameter path: The file, absolute or relative to the working directory.
    /// - Returns: The file's bytes.
    /// - Throws: ``PipelineSpecReadError`` when the path is missing, a
    ///   directory, not readable, too large, or reading failed.
    /// - Complexity: O(*n*) in the file's size.
    public static func readFile(atPath path: String) throws(PipelineSpecReadError) -> Data {
        func failure(_ code: Int32) -> PipelineSpecReadError {
            switch code {
            case ENOENT, ENOTDIR: PipelineSpecReadError(path: path, reason: .missing)
            case EACCES, EPERM: PipelineSpecReadError(path: path, reason: .permissionDenied)
            case EISDIR: PipelineSpecReadError(path: path, reason: .isDirectory)
            default: PipelineSpecReadError(path: path, reason: .system(errno: code))
            }
        }
        guard !path.isEmpty else { throw PipelineSpecReadError(path: path, reason: .missing) }
        let isDirectory: Bool
        do { isDirectory = try FileSystem.isDirectory(atPath: path) } catch { throw failure(error.rawValue) }
        if isDirectory { throw PipelineSpecReadError(path: path, reason: .isDirectory) }
        let descriptor: FileDescriptor
        do { descriptor = try FileDescriptor.open(path, .readOnly) } catch { throw failure(error.rawValue) }
        defer { try? descriptor.close() }
        var data = Data()
        var chunk = [UInt8](repeating: 0, count: 64 << 10)
        while true {
            let read = chunk.withUnsafeMutableBytes { bytes in Result { () throws(Errno) in try descriptor.read(into: bytes) } }
            let got: Int
            switch read {
            case let .success(count): got = count
            case let .failure(error): throw failure(error.rawValue)
            }
            if got == 0 { return data }
            data.append(contentsOf: chunk[0..<got])
            if data.count > maximumSpecBytes { throw PipelineSpecReadError(path: path, reason: .tooLarge) }
        }
    }
}
