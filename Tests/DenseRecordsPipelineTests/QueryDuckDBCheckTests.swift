import DenseRecordsTestSupport
import Foundation
import Testing

/// The TMY3 weather readings (339,402 rows, 40 sensors), made by `scripts/tmy3-long.sh`
/// from the pvlib wheel on PyPI into a folder of the temporary directory that later runs reuse.
private func weatherCSV() throws -> String {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("dense-records-datasets").path
    let csv = folder + "/tmy3-long.csv"
    if FileManager.default.fileExists(atPath: csv) { return csv }
    let script = repositoryRoot.appendingPathComponent("scripts/tmy3-long.sh").path
    // The script runs `python3 -m pip`: the test Python's folder first on PATH
    // (`env` reads the assignment before the command).
    let pythonFolder = URL(fileURLWithPath: testPython).deletingLastPathComponent().path
    let path = pythonFolder + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
    let (status, output) = try runProcess("PATH=\(path)", ["/bin/bash", script, folder])
    try #require(status == 0, "scripts/tmy3-long.sh failed (it downloads pvlib from PyPI):\n\(output)")
    return csv
}

/// `dense-records query --format json` against DuckDB's GROUP BY on the same CSV
/// (`scripts/query_duckdb_check.py`): per sensor, per hour and filtered, on the
/// synthetic generator's output (with NaN readings) and on the TMY3 weather data.
@Suite("dense-records query against DuckDB")
struct QueryDuckDBCheckTests {
    @Test("count, min and max match exactly; sum and mean to 1e-9; quantiles within the sketch's 1% of quantile_disc")
    func agreesWithDuckDB() throws {
        let binary = try #require(denseRecordsBinary, "the dense-records binary was not built beside the tests")
        let folder = try ScratchFolder()
        let script = repositoryRoot.appendingPathComponent("scripts/query_duckdb_check.py").path
        let (status, output) = try runProcess(testPython, [
            script, "--tool", binary.path, "--workdir", folder.path, "--tmy3", try weatherCSV(),
        ])
        #expect(status == 0, "\(output)\n\(testPythonHint)")
        // Six questions, each answered and compared.
        let lines = output.split(separator: "\n").filter { $0.hasSuffix(": ok") }
        #expect(lines.count == 6, "\(output)")
        #expect(output.contains("tmy3 per sensor: 40 groups, 339402 values: ok"), "\(output)")
    }
}
