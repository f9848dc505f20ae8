import Foundation

/// The Python interpreter the script tests run: the virtual environment the
/// Makefile's `python-deps` target builds under `.build/venv`, with pyarrow,
/// Polars, DuckDB, pandas and pyspark installed.
///
/// `make test` exports `DENSE_RECORDS_PYTHON`; a `swift test` run by hand finds
/// the same environment under the repository's `.build` folder. Tests that use
/// it never skip for a missing package: they fail, and the message says to run
/// `make python-deps`.
public let testPython: String = {
    if let configured = ProcessInfo.processInfo.environment["DENSE_RECORDS_PYTHON"], !configured.isEmpty {
        return configured
    }
    let venv = repositoryRoot.appendingPathComponent(".build/venv/bin/python").path
    return FileManager.default.isExecutableFile(atPath: venv) ? venv : "python3"
}()

/// What to tell a reader when a script test's Python lacks a package.
public let testPythonHint = "the Python packages come from `make python-deps` (scripts/requirements.txt into .build/venv); python: \(testPython)"
