import Foundation
import InternalDenseRecordsUtilities
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The folder operations of a partitioned dataset: a temporary folder beside the target,
/// made the target by one rename (or, over an earlier dataset, one atomic exchange).
enum ParquetDatasetFolder {
    /// Creates a fresh folder `.NAME.tmp-PID-RANDOM` beside `target`.
    ///
    /// - Throws: ``ParquetWriteError/cannotOpen(path:errno:)``.
    static func createTemporary(beside target: String) throws(ParquetWriteError) -> String {
        let trimmed = target.hasSuffix("/") && target.count > 1 ? String(target.dropLast()) : target
        let slash = trimmed.lastIndex(of: "/")
        let folder = slash.map { String(trimmed[...$0]) } ?? ""
        let name = slash.map { String(trimmed[trimmed.index(after: $0)...]) } ?? trimmed
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<16 {
            let candidate = folder + "." + name + ".tmp-\(getpid())-" + String(generator.next() as UInt64, radix: 36)
            if mkdir(candidate, 0o755) == 0 { return candidate }
            if errno != EEXIST { throw .cannotOpen(path: candidate, errno: errno) }
        }
        throw .cannotOpen(path: target, errno: EEXIST)
    }

    /// Creates `path` as a folder; an existing folder is fine.
    ///
    /// - Throws: ``ParquetWriteError/cannotOpen(path:errno:)``.
    static func createFolder(_ path: String) throws(ParquetWriteError) {
        guard mkdir(path, 0o755) == 0 || errno == EEXIST else { throw .cannotOpen(path: path, errno: errno) }
    }

    /// Whether `path` exists and is not a folder (following symbolic links).
    static func existsAsNonFolder(_ path: String) -> Bool {
        guard let identity = FileIdentity(path: path) else { return false }
        return !identity.isDirectory
    }

    /// The first entry under the folder `path` that an earlier dataset would not hold, or `nil`
    /// when the folder is absent, empty, or holds only `date=…/part-NNNNN.parquet` files.
    ///
    /// Replacing a folder deletes what was in it, so only an earlier dataset may be replaced:
    /// a mistyped `-o ~` or a folder holding the input must be refused, not emptied.
    static func foreignEntry(in path: String) -> String? {
        guard FileIdentity(path: path)?.isDirectory == true else { return nil }
        let files = FileManager.default
        guard let partitions = try? files.contentsOfDirectory(atPath: path) else { return path }
        for partition in partitions.sorted() {
            let partitionPath = (path as NSString).appendingPathComponent(partition)
            guard partition.hasPrefix("date="), FileIdentity(path: partitionPath)?.isDirectory == true,
                let parts = try? files.contentsOfDirectory(atPath: partitionPath)
            else { return partitionPath }
            for part in parts.sorted() where !(part.hasPrefix("part-") && part.hasSuffix(".parquet")) {
                return (partitionPath as NSString).appendingPathComponent(part)
            }
        }
        return nil
    }

    /// `renameat2(2)` with `RENAME_EXCHANGE`, looked up at run time: Glibc's Swift module
    /// does not declare it (it is behind `_GNU_SOURCE`).
    private typealias RenameAt2 = @convention(c) (Int32, UnsafePointer<CChar>, Int32, UnsafePointer<CChar>, UInt32) -> Int32
    private static let exchangeFlag: UInt32 = 1 << 1

    /// Makes `temporary` the folder at `target`, whole: a rename when `target` is absent;
    /// an atomic exchange when `target` is an earlier folder, whose old contents are then removed.
    ///
    /// Where the kernel or file system cannot exchange (`ENOSYS`, `EINVAL`), the earlier folder
    /// is first renamed aside, so `target` is briefly absent, never partial.
    ///
    /// - Throws: ``ParquetWriteError/closeFailed(destination:errno:)``; `target` is then as it was.
    static func replace(_ target: String, with temporary: String) throws(ParquetWriteError) {
        if FileIdentity(path: target) == nil {
            do {
                try FileSystem.rename(temporary, to: target)
            } catch {
                throw .closeFailed(destination: target, errno: error.rawValue)
            }
        } else {
            var exchanged = false
            if let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "renameat2") {
                let renameat2 = unsafeBitCast(symbol, to: RenameAt2.self)
                if renameat2(AT_FDCWD, temporary, AT_FDCWD, target, exchangeFlag) == 0 {
                    exchanged = true
                } else if errno != ENOSYS && errno != EINVAL {
                    throw .closeFailed(destination: target, errno: errno)
                }
            }
            if !exchanged {
                let aside = temporary + ".old"
                guard rename(target, aside) == 0 else { throw .closeFailed(destination: target, errno: errno) }
                guard rename(temporary, target) == 0 else {
                    let code = errno
                    _ = rename(aside, target)
                    throw .closeFailed(destination: target, errno: code)
                }
                removeTree(aside)
            } else {
                removeTree(temporary)  // now the earlier dataset
            }
        }
        syncFolder(of: target)
    }

    /// Removes `path` and everything under it, ignoring errors: it is abandoned output.
    static func removeTree(_ path: String) {
        try? FileManager.default.removeItem(atPath: path)
    }

    /// Flushes the folder holding `path`, so a rename in it survives a power cut; errors are ignored.
    private static func syncFolder(of path: String) {
        let trimmed = path.hasSuffix("/") && path.count > 1 ? String(path.dropLast()) : path
        let folder = trimmed.lastIndex(of: "/").map { String(trimmed[...$0]) } ?? "."
        let descriptor = open(folder, O_RDONLY | O_DIRECTORY)
        guard descriptor >= 0 else { return }
        _ = fsync(descriptor)
        _ = close(descriptor)
    }
}
