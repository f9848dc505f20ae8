import ArgumentParser
import DenseRecords
import Foundation

/// `dense-records query INPUT [--sensor ID]... [--from T] [--to T] [--group-by …] [--aggregate …] [--format …]`:
/// counts, sums, means, extremes and quantiles of a snapshot or a CSV file, grouped by sensor, time bucket or both.
struct QueryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "query",
        abstract: "Aggregate a snapshot or a CSV file: per sensor, per time bucket, or both.",
        discussion: """
            A snapshot is memory-mapped, its blocks checked (CRC32C) unless --no-verify, and read block by block; blocks whose zone maps rule out the filter \
            are skipped. A CSV file is read with the csv-reader's options into memory first. \
            T is Unix nanoseconds or RFC 3339 (2023-03-01T00:00:00Z); the time range is [--from, --to). \
            A time bucket is a whole number and a unit: ns, us, ms, s, m, h, d (1h, 15m, 1d); buckets are \
            aligned to the Unix epoch. Aggregates: count, sum, mean, min, max, first, last (by timestamp), \
            pN for the N-th percentile from a sketch within 1% relative error (p50, p90, p99, p99.9), and \
            exact_pN for the exact percentile at rank max(0, ceil(q*n) - 1), as DuckDB's quantile_disc. \
            NaN values are skipped (the count skipped goes to standard error). \
            --format json prints one JSON array of objects with the keys sensor_id (when grouped by sensor), \
            bucket_start (Unix ns, when grouped by time) and one key per aggregate as named; csv prints the \
            same columns. Groups without a value are omitted. Exits with 0 on success, 1 when the input \
            cannot be read, 2 on a bad option.
            """
    )

    /// The output formats.
    enum Format: String, CaseIterable {
        case table, json, csv
    }

    @Argument(help: "A snapshot (.drsnap) or a sensor_id,timestamp,value,unit CSV file.")
    var input: String

    @Option(name: .customLong("sensor"), help: "A sensor id to read; repeat it (or give a comma-separated list) for several. Default: every sensor.")
    var sensors: [String] = []

    @Option(help: "The first timestamp to read (inclusive): Unix nanoseconds or RFC 3339.")
    var from: String?

    @Option(help: "The timestamp to stop before (exclusive): Unix nanoseconds or RFC 3339.")
    var to: String?

    @Option(help: "sensor, a time bucket such as 1h, or sensor,1h. Default: one group for everything.")
    var groupBy: String?

    @Option(help: "Comma-separated aggregates: count, sum, mean, min, max, first, last, p50, p90, p99, pN, exact_pN.")
    var aggregate = "count,mean,min,max"

    @Option(help: "table, json or csv.")
    var format = "table"

    @Flag(help: "Snapshot: do not check block checksums (CRC32C) before querying.")
    var noVerify = false

    @OptionGroup(title: "CSV input")
    var csvInput: CSVInputOptions

    @Option(name: .customLong("repeat"), help: ArgumentHelp(
        "Timing: answer the query this many times after one warm-up and print the median time to standard error, beside a sumOfValues() scan of the same store in the same run.",
        visibility: .hidden))
    var repeatCount: Int?

    @Flag(help: ArgumentHelp(
        "Copy the input into memory sealed in sensor-then-time order (with its per-sensor index) before querying.",
        visibility: .hidden))
    var sorted = false

    func run() async throws {
        let query: RecordQuery
        let outputFormat: Format
        do {
            (query, outputFormat) = try parsedOptions()
        } catch {
            printError("dense-records query: \(error.message)")
            throw ExitCode(2)
        }
        let result: QueryResult
        do {
            result = try await answer(query)
        } catch let error as QueryError {
            printError("dense-records query: \(error)")
            throw ExitCode(2)
        }
        let groups = result.filter { $0.count > 0 }
        let text = switch outputFormat {
        case .table: Self.table(groups, result)
        case .json: Self.json(groups, result)
        case .csv: Self.csv(groups, result)
        }
        FileHandle.standardOutput.write(Data(text.utf8))
        if result.skippedNaNCount > 0 {
            printError("dense-records query: skipped \(result.skippedNaNCount) NaN values")
        }
    }

    /// The query and format the options describe.
    func parsedOptions() throws(QueryOptionError) -> (RecordQuery, Format) {
        var filter = RecordFilter()
        let ids = sensors.flatMap { $0.split(separator: ",", omittingEmptySubsequences: false) }
        if !ids.isEmpty {
            filter.sensorIDs = Set(try ids.map { (text) throws(QueryOptionError) -> UInt32 in
                guard let id = UInt32(text.trimmingCharacters(in: .whitespaces)) else {
                    throw QueryOptionError("--sensor \(text): a sensor id is a whole number from 0 to \(UInt32.max)")
                }
                return id
            })
        }
        if let from { filter.fromTimestamp = try Self.timestamp(from, option: "--from") }
        if let to { filter.toTimestamp = try Self.timestamp(to, option: "--to") }
        if let low = filter.fromTimestamp, let high = filter.toTimestamp, high < low {
            throw QueryOptionError("--to \(to ?? "") comes before --from \(from ?? "")")
        }
        let grouping = try groupBy.map(Self.grouping) ?? .none
        var aggregates: [QueryAggregate] = []
        for name in aggregate.split(separator: ",", omittingEmptySubsequences: false) {
            let trimmed = name.trimmingCharacters(in: .whitespaces)
            guard let parsed = QueryAggregate(name: trimmed) else {
                throw QueryOptionError(
                    "--aggregate \(trimmed.isEmpty ? "(empty)" : trimmed): not an aggregate; use count, sum, mean, min, max, first, last, pN or exact_pN with N in 0...100")
            }
            if !aggregates.contains(parsed) { aggregates.append(parsed) }
        }
        guard let outputFormat = Format(rawValue: format) else {
            throw QueryOptionError("--format \(format): use table, json or csv")
        }
        if let repeatCount, repeatCount < 1 { throw QueryOptionError("--repeat \(repeatCount): give at least 1") }
        return (RecordQuery(filter: filter, grouping: grouping, aggregates: aggregates), outputFormat)
    }

    /// Opens the input and answers `query` over it.
    func answer(_ query: RecordQuery) async throws -> QueryResult {
        if try inputIsSnapshot() {
            let snapshot: MappedSnapshot
            do {
                snapshot = try MappedSnapshot(contentsOf: input)
                // A damaged block would skip or summarize wrongly through its zone map: check first.
                if !noVerify { try snapshot.verify() }
            } catch {
                printError("dense-records query: \(input): \(error)")
                throw ExitCode(1)
            }
            return try answer(query, from: snapshot)
        }
        let sink = RecordArenaSink()
        let source: CSVRecordSource
        do {
            source = try csvInput.makeSource(path: input)
        } catch {
            printError("dense-records query: \(error)")
            throw ExitCode(2)
        }
        let pipeline = Pipeline(source: .init("csv", source), sinks: [.init("memory", sink)])
        do {
            let run = try await pipeline.run()
            if run.rejected.total > 0 {
                printError("dense-records query: skipped \(run.rejected.total) malformed lines of \(input)")
            }
        } catch {
            switch error.summary.outcome {
            case let .sourceFailed(message): printError("dense-records query: \(message)")
            default: printError("dense-records query: \(input): \(error.summary.outcome)")
            }
            throw ExitCode(1)
        }
        guard let arena = sink.arena else {
            printError("dense-records query: \(input) was not read")
            throw ExitCode(1)
        }
        return try answer(query, from: arena)
    }

    /// Answers `query` from `store`, or from its sorted copy with `--sorted`, timing it with `--repeat`.
    func answer<Store: RecordBlockStore & ChunkedRecords>(_ query: RecordQuery, from store: Store) throws -> QueryResult {
        guard sorted else { return try timed(query, on: store) }
        let arena = RecordArena()
        try store.forEachChunk { (chunk) throws(RecordArenaError) in try arena.append(contentsOf: chunk) }
        return try timed(query, on: try arena.seal(sortedBy: .sensorThenTime))
    }

    /// The answer; with `--repeat N`, after one warm-up run each, N timed runs
    /// of the query and then N of `sumOfValues()` over the same store, their
    /// medians printed to standard error in nanoseconds.
    func timed<Store: RecordBlockStore & ChunkedRecords>(_ query: RecordQuery, on store: Store) throws -> QueryResult {
        var result = try store.query(query)
        guard let repeatCount else { return result }
        let clock = ContinuousClock()
        var queryTimes: [Duration] = []
        var sumTimes: [Duration] = []
        var checksum = 0.0
        // All query runs first, then all scans: a scan between two queries
        // would evict what the query keeps in cache.
        for _ in 0..<repeatCount {
            queryTimes.append(try clock.measure { result = try store.query(query) })
        }
        checksum += store.sumOfValues()
        for _ in 0..<repeatCount {
            sumTimes.append(clock.measure { checksum += store.sumOfValues() })
        }
        func medianNanoseconds(_ times: [Duration]) -> Int64 {
            let (seconds, attoseconds) = times.sorted()[times.count / 2].components
            return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
        }
        printError(
            "timing: query median \(medianNanoseconds(queryTimes)) ns, sumOfValues median \(medianNanoseconds(sumTimes)) ns, "
                + "\(repeatCount) runs, \(result.blocksRead) blocks read, \(result.blocksSummarized) summarized, "
                + "\(result.blocksSkipped) skipped (checksum \(checksum))")
        return result
    }

    /// Whether the input is a snapshot: by extension, then by the snapshot magic in its first 8 bytes.
    func inputIsSnapshot() throws -> Bool {
        let lowercased = input.lowercased()
        if lowercased.hasSuffix(".drsnap") { return true }
        if lowercased.hasSuffix(".csv") { return false }
        var information = stat()
        guard stat(input, &information) == 0, (information.st_mode & S_IFMT) == S_IFREG else { return false }
        guard let handle = FileHandle(forReadingAtPath: input) else {
            printError("dense-records query: cannot open \(input)")
            throw ExitCode(1)
        }
        defer { try? handle.close() }
        let head = (try? handle.read(upToCount: 8)) ?? Data()
        let magic = head.count == 8 ? head.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) } : 0
        return magic == SnapshotFormat.magic
    }
}

/// A bad option value: the message names the option and what was wrong.
struct QueryOptionError: Error {
    var message: String
    init(_ message: String) { self.message = message }
}

// MARK: - Option values

extension QueryCommand {
    /// `sensor`, a bucket width, or both, comma-separated in either order.
    static func grouping(_ text: String) throws(QueryOptionError) -> QueryGrouping {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        var bySensor = false
        var width: Duration?
        for part in parts {
            if part == "sensor" {
                guard !bySensor else { throw QueryOptionError("--group-by \(text): sensor is given twice") }
                bySensor = true
            } else {
                guard width == nil else { throw QueryOptionError("--group-by \(text): more than one time bucket") }
                width = try bucketWidth(part, option: "--group-by")
            }
        }
        switch (bySensor, width) {
        case (true, nil): return .sensor
        case (false, let width?): return .timeBucket(width)
        case (true, let width?): return .sensorAndTimeBucket(width)
        case (false, nil): throw QueryOptionError("--group-by is empty: use sensor, a time bucket such as 1h, or sensor,1h")
        }
    }

    /// `15m`, `1h`, `1d`: a positive whole number and one of ns, us, ms, s, m, h, d.
    static func bucketWidth(_ text: String, option: String) throws(QueryOptionError) -> Duration {
        let units: [(suffix: String, nanoseconds: Int64)] = [
            ("ns", 1), ("us", 1_000), ("ms", 1_000_000), ("s", 1_000_000_000),
            ("m", 60_000_000_000), ("h", 3_600_000_000_000), ("d", 86_400_000_000_000),
        ]
        // Two-letter suffixes first, so `5ms` is not read as `5m` and `s`.
        for (suffix, scale) in units.sorted(by: { $0.suffix.count > $1.suffix.count }) where text.hasSuffix(suffix) {
            let digits = text.dropLast(suffix.count)
            guard !digits.isEmpty, digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber), let count = Int64(digits) else { break }
            let (total, overflow) = count.multipliedReportingOverflow(by: scale)
            guard count > 0, !overflow else {
                throw QueryOptionError("\(option) \(text): the bucket must be at least 1ns and at most \(Int64.max)ns")
            }
            return .nanoseconds(total)
        }
        throw QueryOptionError("\(option) \(text): not sensor or a time bucket; a bucket is a whole number and ns, us, ms, s, m, h or d, such as 15m")
    }

    /// Unix nanoseconds (an integer) or an RFC 3339 date-time such as `2023-03-01T00:00:00Z`.
    static func timestamp(_ text: String, option: String) throws(QueryOptionError) -> Int64 {
        if let nanoseconds = Int64(text) { return nanoseconds }
        guard let parsed = rfc3339(text) else {
            throw QueryOptionError(
                "\(option) \(text): not Unix nanoseconds or an RFC 3339 time such as 2023-03-01T00:00:00Z, between 1677-09-21 and 2262-04-11")
        }
        return parsed
    }

    /// Parses `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)` to Unix nanoseconds;
    /// `nil` when malformed or outside `Int64`.
    static func rfc3339(_ text: String) -> Int64? {
        let bytes = Array(text.utf8)
        var position = 0
        func number(_ length: Int) -> Int? {
            guard position + length <= bytes.count else { return nil }
            var value = 0
            for byte in bytes[position..<position + length] {
                guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            position += length
            return value
        }
        func expect(_ characters: String) -> Bool {
            guard position < bytes.count, characters.utf8.contains(bytes[position]) else { return false }
            position += 1
            return true
        }
        guard let year = number(4), expect("-"), let month = number(2), expect("-"), let day = number(2),
              expect("Tt "), let hour = number(2), expect(":"), let minute = number(2), expect(":"), let second = number(2),
              (1...12).contains(month), (1...daysIn(month: month, year: year)).contains(day),
              hour < 24, minute < 60, second < 61
        else { return nil }
        var fraction: Int128 = 0
        if expect(".") {
            var digits = 0
            while position < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[position]) {
                if digits < 9 { fraction = fraction * 10 + Int128(bytes[position] - UInt8(ascii: "0")) }
                digits += 1
                position += 1
            }
            guard digits > 0 else { return nil }
            for _ in digits..<max(digits, 9) { fraction *= 10 }
        }
        var offsetSeconds = 0
        if !expect("Zz") {
            guard position < bytes.count else { return nil }
            let sign = bytes[position] == UInt8(ascii: "-") ? -1 : 1
            guard expect("+-"), let hours = number(2), expect(":"), let minutes = number(2), hours < 24, minutes < 60 else { return nil }
            offsetSeconds = sign * (hours * 3_600 + minutes * 60)
        }
        guard position == bytes.count else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        let seconds = Int128(days) * 86_400 + Int128(hour * 3_600 + minute * 60 + second - offsetSeconds)
        let nanoseconds = seconds * 1_000_000_000 + fraction
        guard nanoseconds >= Int128(Int64.min), nanoseconds <= Int128(Int64.max) else { return nil }
        return Int64(nanoseconds)
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}

// MARK: - Output

extension QueryCommand {
    /// The column names: the group keys, then the aggregates as named.
    static func columns(_ result: QueryResult) -> [String] {
        var names: [String] = []
        if result.grouping.groupsBySensor { names.append("sensor_id") }
        if result.grouping.bucketWidth != nil { names.append("bucket_start") }
        return names + result.aggregates.map(\.description)
    }

    /// One group's cells, as JSON numbers (`null` for a figure that is not a finite number).
    static func jsonCells(_ group: QueryGroup, _ result: QueryResult) -> [String] {
        var cells: [String] = []
        if let sensorID = group.sensorID { cells.append(String(sensorID)) }
        if let bucketStart = group.bucketStart { cells.append(String(bucketStart)) }
        for aggregate in result.aggregates {
            if aggregate == .count {
                cells.append(String(group.count))
            } else if let value = group.value(of: aggregate), value.isFinite {
                cells.append(value.description)
            } else {
                cells.append("null")
            }
        }
        return cells
    }

    static func json(_ groups: [QueryGroup], _ result: QueryResult) -> String {
        let keys = columns(result).map { "\"\($0)\"" }
        let objects = groups.map { group in
            "{" + zip(keys, jsonCells(group, result)).map { "\($0): \($1)" }.joined(separator: ", ") + "}"
        }
        return objects.isEmpty ? "[]\n" : "[\n  " + objects.joined(separator: ",\n  ") + "\n]\n"
    }

    static func csv(_ groups: [QueryGroup], _ result: QueryResult) -> String {
        var text = columns(result).joined(separator: ",") + "\n"
        for group in groups {
            // A figure that is absent or not finite is an empty cell.
            text += jsonCells(group, result).map { $0 == "null" ? "" : $0 }.joined(separator: ",") + "\n"
        }
        return text
    }

    static func table(_ groups: [QueryGroup], _ result: QueryResult) -> String {
        let header = columns(result)
        var rows = [header]
        for group in groups {
            var cells: [String] = []
            if let sensorID = group.sensorID { cells.append(String(sensorID)) }
            if let bucketStart = group.bucketStart { cells.append(bucketText(bucketStart)) }
            for aggregate in result.aggregates {
                if aggregate == .count {
                    cells.append(String(group.count))
                } else {
                    cells.append(group.value(of: aggregate).map { $0.description } ?? "")
                }
            }
            rows.append(cells)
        }
        let widths = header.indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        var text = ""
        for row in rows {
            let padded = zip(row, widths).map { cell, width in String(repeating: " ", count: width - cell.count) + cell }
            text += padded.joined(separator: "  ") + "\n"
        }
        text += "(\(groups.count) group\(groups.count == 1 ? "" : "s"))\n"
        return text
    }

    /// A bucket start in the table: RFC 3339 in UTC, with nanoseconds when not a whole second.
    static func bucketText(_ nanoseconds: Int64) -> String {
        let (seconds, remainder) = floorDivision(nanoseconds, 1_000_000_000)
        let (days, secondOfDay) = floorDivision(seconds, 86_400)
        let (year, month, day) = civilFromDays(Int(days))
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        var text = "\(year)-\(two(month))-\(two(day))T\(two(Int(secondOfDay / 3_600))):\(two(Int(secondOfDay / 60 % 60))):\(two(Int(secondOfDay % 60)))"
        if remainder != 0 { text += "." + String(String(remainder + 1_000_000_000).dropFirst()) }
        return text + "Z"
    }

    /// `⌊a / b⌋` and the non-negative remainder, for `b > 0`.
    static func floorDivision(_ a: Int64, _ b: Int64) -> (quotient: Int64, remainder: Int64) {
        let remainder = a % b
        return remainder < 0 ? (a / b - 1, remainder + b) : (a / b, remainder)
    }

    /// The proleptic Gregorian date of a day count since 1970-01-01 (Howard Hinnant's `civil_from_days`).
    static func civilFromDays(_ days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
