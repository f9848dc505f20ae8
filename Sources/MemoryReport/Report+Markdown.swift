extension Report {
    /// `memory-report.md`: tables, a reading generated from the figures, the targets, the machine, the method and the limits.
    func markdown() -> String {
        var lines: [String] = []
        lines += header()
        lines += headlineTable()
        lines += reading()
        lines += arenaAdds()
        lines += arenaDoesNotWin()
        lines += foundationTargets()
        lines += storesCompared()
        lines += charts()
        lines += allResults()
        lines += skippedCases()
        lines += checks()
        lines += machineSection()
        lines += method()
        lines += limits()
        return lines.joined(separator: "\n") + "\n"
    }

    // MARK: Helpers

    /// The largest size at which `record-arena` was measured: the size the headline and the reading use.
    var headlineRecords: Int? { rows.filter { $0.representation == .recordArena }.map(\.records).max() ?? sizes.last }

    private func value(_ representation: Representation, _ records: Int, _ metric: KeyPath<ResultRow, Double?>) -> Double? {
        row(representation, records).flatMap { $0[keyPath: metric] }.flatMap { $0.isFinite ? $0 : nil }
    }

    private func ratio(_ numerator: Double?, _ denominator: Double?) -> String {
        guard let numerator, let denominator, denominator > 0 else { return "-" }
        return Format.fixed(numerator / denominator, 2) + "×"
    }

    private func text(_ value: Double?) -> String { value.map(Format.significant) ?? "-" }

    private func withSpread(_ row: ResultRow, _ metric: String, _ median: Double?) -> String {
        guard let median, median.isFinite else { return "-" }
        guard row.repetitions > 1, let spread = row.spread[metric] else { return Format.significant(median) }
        return "\(Format.significant(median)) (\(Format.significant(spread.min))–\(Format.significant(spread.max)))"
    }

    /// The largest size at which `representation` was measured.
    private func largestRecords(_ representation: Representation) -> Int? {
        rows.filter { $0.representation == representation }.map(\.records).max()
    }

    // MARK: Sections

    private func header() -> [String] {
        [
            "# Memory comparison report: what one sensor record costs",
            "",
            "Measured \(generatedAt) on \(machine.summary).",
            "Run: `memory-report` \(plan.mode == "quick" ? "--quick" : "") (\(plan.mode)), sizes "
                + plan.sizes.map(Format.count).joined(separator: ", ")
                + ", \(Format.fixed(durationSeconds, 0)) s. Every figure below comes from this run; "
                + "figures are medians over the repetitions, with the lowest and highest in parentheses where there were several.",
            "",
        ]
    }

    private func headlineTable() -> [String] {
        guard let records = headlineRecords else { return ["No case was measured.", ""] }
        var lines = [
            "## One record at \(Format.count(records)) records",
            "",
            "Rows measured only at a smaller size (see *Skipped cases*) show that size in the `records` column.",
            "",
            "| representation | records | allocated B/record | resident B/record | peak/final resident | ingest ns/record | scan ns/record | random read ns/record | allocated vs record-arena |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for representation in Representation.allCases {
            let size = row(representation, records) != nil ? records : largestRecords(representation)
            guard let size, let row = row(representation, size) else { continue }
            let arena = value(.recordArena, size, \.optionalAllocated)
            lines.append(
                "| `\(representation.rawValue)` | \(Format.count(size)) | \(text(row.allocatedBytesPerRecord)) | "
                    + "\(text(row.residentBytesPerRecord)) | \(row.peakToFinalResident.map { Format.fixed($0, 2) } ?? "-") | "
                    + "\(text(row.ingestNsPerRecord)) | \(text(row.scanNsPerRecord)) | \(text(row.randomReadNsPerRecord)) | "
                    + "\(ratio(row.allocatedBytesPerRecord, arena)) |")
        }
        lines += [
            "",
            "Allocated bytes come from jemalloc's `stats.allocated` for the Swift rows and from Python's `tracemalloc` "
                + "for the `python-*` rows: two different allocators' accounting (see *Limits*).",
            "",
        ]
        return lines
    }

    private func reading() -> [String] {
        guard let n = headlineRecords else { return [] }
        var lines = ["## Reading", ""]
        let size = Format.count(n)
        let arena = value(.recordArena, n, \.optionalAllocated)
        var bytes: [String] = []
        for representation in Representation.allCases where !representation.isPython && representation != .recordArena {
            if let other = value(representation, n, \.optionalAllocated) {
                bytes.append("`\(representation.rawValue)` \(text(other)) (\(ratio(other, arena)))")
            }
        }
        if let arena {
            lines.append(
                "- **Bytes.** At \(size) records `record-arena` held \(text(arena)) allocated B/record. "
                    + "The others, with their multiple of the arena: " + bytes.joined(separator: ", ") + ".")
        }
        var python: [String] = []
        for representation in Representation.allCases where representation.isPython {
            if let records = largestRecords(representation), let other = value(representation, records, \.optionalAllocated) {
                let arenaThere = value(.recordArena, records, \.optionalAllocated)
                python.append(
                    "`\(representation.rawValue)` \(text(other)) B/record at \(Format.count(records)) records "
                        + "(\(ratio(other, arenaThere)) the arena at that size)")
            }
        }
        if !python.isEmpty {
            lines.append("- **Python**, measured with tracemalloc: " + python.joined(separator: "; ") + ".")
        }
        if let arenaResident = value(.recordArena, n, \.optionalResident),
            let packedResident = value(.arrayPacked, n, \.optionalResident)
        {
            lines.append(
                "- **Resident.** The RSS grew by \(text(arenaResident)) B/record for `record-arena` and "
                    + "\(text(packedResident)) B/record for `array-packed` (after jemalloc returned freed pages; see *Method*).")
        }
        if let arenaPeak = value(.recordArena, n, \.peakToFinalResident),
            let packedPeak = value(.arrayPacked, n, \.peakToFinalResident)
        {
            var sentence = "- **Peak.** During ingest the resident high-water mark reached \(Format.fixed(arenaPeak, 2))× the "
                + "final resident size for `record-arena` and \(Format.fixed(packedPeak, 2))× for `array-packed`"
            if let bulkPeak = value(.arrayPackedBulk, n, \.peakToFinalResident) {
                sentence += " (\(Format.fixed(bulkPeak, 2))× for `array-packed-bulk`, which allocates once)"
            }
            lines.append(sentence + ".")
        }
        let arenaIngest = value(.recordArena, n, \.optionalIngest)
        let packedIngest = value(.arrayPacked, n, \.optionalIngest)
        let arenaBulk = value(.recordArenaBulk, n, \.optionalIngest)
        let packedBulk = value(.arrayPackedBulk, n, \.optionalIngest)
        let arenaHuge = value(.recordArenaBulkHugePages, n, \.optionalIngest)
        if arenaIngest != nil || arenaBulk != nil {
            lines.append(
                "- **Ingest.** One append per record: `record-arena` \(text(arenaIngest)) ns/record, `array-packed` "
                    + "\(text(packedIngest)) ns/record (\(ratio(arenaIngest, packedIngest))). One bulk copy: "
                    + "`record-arena-bulk` \(text(arenaBulk)) ns/record, `array-packed-bulk` \(text(packedBulk)) ns/record "
                    + "(\(ratio(arenaBulk, packedBulk))); with huge pages, `record-arena-bulk-hugepages` \(text(arenaHuge)) "
                    + "ns/record (\(ratio(arenaHuge, packedBulk))), a median over runs whose huge-page faults were cheap "
                    + "or, where the host had reclaimed the memory, expensive: see its spread in the CSV and JSON.")
        }
        let arenaScan = value(.recordArena, n, \.optionalScan)
        let packedScan = value(.arrayPacked, n, \.optionalScan)
        let iteration = value(.recordArena, n, \.iterationScanNsPerRecord)
        let arenaRandom = value(.recordArena, n, \.optionalRandomRead)
        let packedRandom = value(.arrayPacked, n, \.optionalRandomRead)
        if arenaScan != nil {
            lines.append(
                "- **Reading.** Summing `value` chunk by chunk took \(text(arenaScan)) ns/record in `record-arena` against "
                    + "\(text(packedScan)) in `array-packed` (\(ratio(arenaScan, packedScan))); through `Collection` iteration "
                    + "(the subscript per element) the arena took \(text(iteration)) ns/record. Random reads: "
                    + "\(text(arenaRandom)) against \(text(packedRandom)) ns/read (\(ratio(arenaRandom, packedRandom))).")
        }
        if let fastestScan = fastest(\.optionalScan, at: n), let fastestRandom = fastest(\.optionalRandomRead, at: n) {
            lines.append(
                "- **Fastest at \(size).** Scan: `\(fastestScan.representation.rawValue)` "
                    + "(\(text(fastestScan.scanNsPerRecord)) ns/record). Random read: "
                    + "`\(fastestRandom.representation.rawValue)` (\(text(fastestRandom.randomReadNsPerRecord)) ns/read).")
        }
        lines.append("")
        return lines
    }

    private func fastest(_ metric: KeyPath<ResultRow, Double?>, at records: Int) -> ResultRow? {
        rows.filter { $0.records == records && !$0.representation.isPython }
            .filter { ($0[keyPath: metric] ?? .nan).isFinite }
            .min { ($0[keyPath: metric] ?? 0) < ($1[keyPath: metric] ?? 0) }
    }

    private func arenaAdds() -> [String] {
        guard let n = headlineRecords else { return [] }
        let size = Format.count(n)
        var lines = [
            "## What the arena adds beyond `[sensor_record_t]`",
            "",
            "`[sensor_record_t]` stores the same 21-byte packed records, so the bytes per record alone do not separate the two. "
                + "What does:",
            "",
        ]
        let arenaPeak = value(.recordArena, n, \.peakResidentBytesPerRecord)
        let packedPeak = value(.arrayPacked, n, \.peakResidentBytesPerRecord)
        let relocated = rows.filter { [.recordArena, .recordArenaBulk, .recordArenaBulkHugePages].contains($0.representation) }
            .compactMap(\.relocatedChunks).max()
        lines.append(
            "- **No copy on growth, so a lower peak.** `RecordArena` grows by adding 2 MiB chunks or by extending the last "
                + "chunk in place, so growth does not copy records. At \(size) records the resident "
                + "high-water mark during ingest was \(text(arenaPeak)) B/record for `record-arena` against "
                + "\(text(packedPeak)) B/record for `array-packed`, whose growth allocates a larger buffer and copies into it. "
                + (relocated.map { "The arena's `relocatedChunks` counter (a last chunk moved because it could not grow in place) "
                    + "reached at most \($0) in this run." } ?? ""))
        let arenaRelease = value(.recordArena, n, \.releaseNsPerRecord)
        let arenaAfter = value(.recordArena, n, \.residentAfterReleaseBytesPerRecord)
        let packedRelease = value(.arrayPacked, n, \.releaseNsPerRecord)
        let packedAfter = value(.arrayPacked, n, \.residentAfterReleaseBytesPerRecord)
        let classRelease = value(.arrayClass, n, \.releaseNsPerRecord)
        let classAfter = value(.arrayClass, n, \.residentAfterReleaseBytesPerRecord)
        let packedResident = value(.arrayPacked, n, \.optionalResident)
        let retained = (packedAfter ?? 0) > 0.5 * (packedResident ?? .infinity)
        lines.append(
            "- **Bulk release.** `removeAll()` frees each 2 MiB chunk with one `dallocx` and returns the pages "
                + "with one `arena.<i>.purge` (a guarantee of the library). At \(size) records it took \(text(arenaRelease)) ns/record "
                + "and left \(text(arenaAfter)) B/record resident right after. Dropping `array-packed` took "
                + "\(text(packedRelease)) ns/record and left \(text(packedAfter)) B/record resident right after"
                + (retained ? " (the freed pages stay resident until jemalloc's decay timer returns them)" : "")
                + "; dropping `array-class` took \(text(classRelease)) ns/record, "
                + "one `free` per object, and left \(text(classAfter)) B/record resident.")
        lines.append(
            "- **Stable addresses.** A record's address does not change while the arena grows (the library's tests check "
                + "it); an `Array`'s elements move whenever it grows. The one exception is a last chunk jemalloc cannot "
                + "extend in place, which moves once and is counted as `relocatedChunks` above. This is not a "
                + "measurement of this report.")
        let arenaOwn = value(.recordArena, n, \.arenaAllocatedBytesPerRecord)
        let processWide = value(.recordArena, n, \.optionalAllocated)
        lines.append(
            "- **Per-store accounting.** `statistics` sums the size classes of the store's own chunks, as jemalloc "
                + "counts them, so one store's memory can be reported apart from the rest of the process (and from other "
                + "stores sharing its jemalloc arena). At \(size) records it reported "
                + "\(text(arenaOwn)) allocated B/record, against the process-wide `stats.allocated` delta of "
                + "\(text(processWide)) B/record"
                + (abs((processWide ?? 0) - (arenaOwn ?? 0)) < 0.05
                    ? "."
                    : "; the difference is what else the process allocated meanwhile, such as the arena's chunk table, "
                        + "which lives in the default arena."))
        lines.append("")
        return lines
    }

    private func arenaDoesNotWin() -> [String] {
        var lines = ["## Where the arena does not win", ""]
        let metrics: [(String, KeyPath<ResultRow, Double?>, String)] = [
            ("allocated bytes", \.optionalAllocated, "B/record"),
            ("resident bytes", \.optionalResident, "B/record"),
            ("peak/final resident", \.peakToFinalResident, ""),
            ("ingest", \.optionalIngest, "ns/record"),
            ("scan", \.optionalScan, "ns/record"),
            ("random read", \.optionalRandomRead, "ns/read"),
        ]
        let pairs: [(Representation, Representation)] = [
            (.recordArena, .arrayPacked), (.recordArenaBulk, .arrayPackedBulk), (.recordArenaBulkHugePages, .arrayPackedBulk),
        ]
        var findings: [String] = []
        for records in sizes {
            for (arena, peer) in pairs {
                for (name, metric, unit) in metrics {
                    guard let mine = value(arena, records, metric), let theirs = value(peer, records, metric), theirs > 0,
                        mine > theirs * 1.05
                    else { continue }
                    if arena != .recordArena, ![\ResultRow.optionalIngest, \.peakToFinalResident, \.optionalAllocated].contains(metric) {
                        continue  // the bulk rows read the same structure; their reads repeat the per-record rows'
                    }
                    findings.append(
                        "- \(Format.count(records)) records, \(name): `\(arena.rawValue)` \(text(mine)) \(unit) against "
                            + "`\(peer.rawValue)` \(text(theirs)) \(unit) (\(ratio(mine, theirs))).")
                }
            }
        }
        if findings.isEmpty {
            lines.append("In this run no figure of `record-arena` was more than 5% worse than `array-packed` at any size.")
        } else {
            lines.append("Every figure where an arena row was more than 5% worse than its `[sensor_record_t]` peer in this run:")
            lines.append("")
            lines += findings
        }
        lines.append("")
        if let n = headlineRecords {
            var faster: [String] = []
            for (name, metric) in [("scan", \ResultRow.optionalScan), ("random read", \ResultRow.optionalRandomRead)] {
                if let best = fastest(metric, at: n),
                    ![.recordArena, .recordArenaBulk, .recordArenaBulkHugePages].contains(best.representation),
                    let mine = value(.recordArena, n, metric),
                    let theirs = best[keyPath: metric]
                {
                    faster.append("\(name) by `\(best.representation.rawValue)` (\(ratio(mine, theirs)) faster than the arena)")
                }
            }
            if !faster.isEmpty {
                lines.append(
                    "At \(Format.count(n)) records the arena was also beaten on " + faster.joined(separator: " and ")
                        + ". By construction, an aligned layout reads `value` with aligned loads while the arena's packed "
                        + "records are byte-aligned, and an arena read splits the index into a chunk and an offset; this run "
                        + "does not measure how much each contributes.")
                lines.append("")
            }
        }
        return lines
    }

    private func foundationTargets() -> [String] {
        guard let records = targets.first?.records else {
            return ["## Foundation targets", "", "Not evaluated: `record-arena` and `array-packed` were not measured at a common size.", ""]
        }
        var lines = [
            "## Foundation targets",
            "",
            "From this run at \(Format.count(records)) records"
                + (records == 10_000_000 ? "" : " (the foundation issue asks for 10,000,000; this run's largest common size)")
                + ", each against `[sensor_record_t]` measured in the same run. The ratio range is the lowest and highest "
                + "ratio any pair of repetitions gives: where it straddles the limit, noise could flip the result.",
            "",
            "| figure | target | arena row | arena | `[sensor_record_t]` row | array | ratio (range) | result |",
            "|---|---|---|---:|---|---:|---:|---|",
        ]
        for target in targets {
            let range = target.ratioRange.map { " (\(Format.fixed($0.min, 2))–\(Format.fixed($0.max, 2)))" } ?? ""
            lines.append(
                "| \(target.figure) | \(target.target) | `\(target.arena)` | \(Format.significant(target.arenaValue)) | "
                    + "`\(target.peer)` | \(text(target.peerValue)) | \(target.ratio.map { Format.fixed($0, 2) } ?? "-")\(range) | "
                    + "**\(target.passed ? "pass" : "miss")** |")
        }
        let missed = targets.filter { !$0.passed }
        lines.append("")
        lines.append(
            missed.isEmpty
                ? "Every target passed in this run."
                : "Missed in this run: " + missed.map { "\($0.figure) (\($0.compares == "ratio" ? "ratio " + text($0.ratio) : text($0.arenaValue)), target \($0.target))" }
                    .joined(separator: "; ") + ".")
        var acceptance: [String] = []
        for size in [1_000_000, 10_000_000] {
            if let allocated = value(.recordArena, size, \.optionalAllocated) {
                acceptance.append("\(Format.count(size)): \(text(allocated)) B/record (\(allocated <= 21.2 ? "pass" : "miss"))")
            }
        }
        if !acceptance.isEmpty {
            lines.append("")
            lines.append("Acceptance of the report issue, `record-arena` ≤ 21.2 allocated B/record at 1M and 10M: "
                + acceptance.joined(separator: "; ") + ".")
        }
        lines.append("")
        return lines
    }

    private func charts() -> [String] {
        [
            "## Charts",
            "",
            "![Bytes per record by representation](\(FileName.bytesChart))",
            "",
            "![Peak resident during ingest over final resident, against records](\(FileName.peakChart))",
            "",
            "![Bytes per record of every store on every dataset, log scale](\(FileName.storesChart))",
            "",
        ]
    }

    private func allResults() -> [String] {
        var lines = [
            "## All results",
            "",
            "Medians, with (lowest–highest) over the repetitions. `bytes/record` is the allocated bytes for an in-memory row "
                + "and the file's size for an on-disk row. `release` is the time to free the whole structure "
                + "(`removeAll()` for the arena rows, dropping the container for the others, deleting the file on disk).",
            "",
            "| representation | dataset | kind | records | reps | bytes/record | allocated B/record | resident B/record | peak/final | ingest ns/record | scan ns/record | random read ns/read | release ns/record |",
            "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for row in allRows {
            let bytes = row.kind == .onDisk
                ? withSpread(row, "fileBytesPerRecord", row.fileBytesPerRecord)
                : withSpread(row, "allocatedBytesPerRecord", row.allocatedBytesPerRecord)
            lines.append(
                "| `\(row.representation.rawValue)` | \(row.dataset.rawValue) | \(row.kind.rawValue) | \(Format.count(row.records)) | "
                    + "\(row.repetitions) | \(bytes) | "
                    + "\(withSpread(row, "allocatedBytesPerRecord", row.allocatedBytesPerRecord)) | "
                    + "\(withSpread(row, "residentBytesPerRecord", row.residentBytesPerRecord)) | "
                    + "\(withSpread(row, "peakToFinalResident", row.peakToFinalResident)) | "
                    + "\(withSpread(row, "ingestNsPerRecord", row.ingestNsPerRecord)) | "
                    + "\(withSpread(row, "scanNsPerRecord", row.scanNsPerRecord)) | "
                    + "\(withSpread(row, "randomReadNsPerRecord", row.randomReadNsPerRecord)) | "
                    + "\(withSpread(row, "releaseNsPerRecord", row.releaseNsPerRecord)) |")
        }
        lines.append("")
        return lines
    }

    private func skippedCases() -> [String] {
        var lines = ["## Skipped cases", ""]
        if skipped.isEmpty {
            lines.append("None: every (representation, size) of the plan was measured.")
        } else {
            lines.append("| representation | dataset | records | reason |")
            lines.append("|---|---|---:|---|")
            for skip in skipped {
                lines.append(
                    "| `\(skip.representation)` | \(skip.dataset ?? Dataset.report.rawValue) | \(Format.count(skip.records)) | \(skip.reason) |")
            }
        }
        lines.append("")
        return lines
    }

    private func checks() -> [String] {
        var lines = ["## Checks", ""]
        if checksumProblems.isEmpty {
            lines.append(
                "On the report's records, every representation, Swift and Python, produced the same sum of `value` and the "
                    + "same random-read sum at each size, in every repetition: they stored the same records.")
            if !datasetRows.isEmpty {
                lines.append("")
                lines.append(
                    "On each dataset file, every row at a size printed the same order-independent content checksum of all "
                        + "four fields of every record, read back through the store (the compressed store's decoded blocks, "
                        + "the Parquet and Arrow files read back), and sums of `value` equal to a relative 1e-9 (the stores "
                        + "that reorder records add in another order): they held exactly the same records.")
            }
        } else {
            lines.append("Checksums that should agree did not:")
            lines += checksumProblems.map { "- \($0)" }
        }
        lines.append("")
        return lines
    }

    private func machineSection() -> [String] {
        [
            "## Machine",
            "",
            "| | |",
            "|---|---|",
            "| CPU | \(machine.cpuModel) |",
            "| logical cores | \(machine.logicalCores) |",
            "| memory | \(machine.memoryBytes.map { Format.fixed(Double($0) / 1_073_741_824, 1) + " GiB" } ?? "unknown") |",
            "| OS | \(machine.operatingSystem) |",
            "| kernel | \(machine.kernel) |",
            "| transparent huge pages | `\(machine.transparentHugePages)` |",
            "| page size | \(machine.pageSize) B |",
            "| Swift | \(machine.swiftVersion) |",
            "| jemalloc | \(machine.jemallocVersion) |",
            "| Python | \(machine.pythonVersion ?? "not used") |",
            "| load average (1, 5, 15 min) at start / end | \(run.loadAverageAtStart ?? "-") / \(run.loadAverageAtEnd ?? "-") |",
            "",
        ]
    }

    private func method() -> [String] {
        let schedule = plan.sizes.map { "\(Format.count($0)): \(plan.repetitions(records: $0))" }.joined(separator: ", ")
        let pythonSchedule = plan.sizes.map { "\(Format.count($0)): \(plan.repetitions(.pythonDict, records: $0))" }
            .joined(separator: ", ")
        let passes = plan.sizes.map { "\(Format.count($0)): \(CaseRunner.scanPasses(records: $0))" }.joined(separator: ", ")
        return [
            "## Method",
            "",
            "- **Isolation.** Every (representation, size, repetition) runs in a fresh child process: `memory-report` starts "
                + "itself again with a hidden `--case` option, and `scripts/python_memory_cases.py` measures the `python-*` rows. "
                + "Each child prints one JSON line. Repetitions are interleaved across representations, so a burst of load "
                + "from other work on the machine spreads over all rows instead of one.",
            "- **Repetitions** per size: \(schedule); for the `python-*` rows, which take seconds each: \(pythonSchedule). "
                + "Figures are medians; the spread is the lowest and highest value.",
            "- **Records.** The same deterministic records everywhere: sensor ids cycling over 1,000 sensors, one timestamp "
                + "per millisecond, a slowly drifting value with bounded noise, unit codes 1–8. A string unit is one of those "
                + "8 unit names, each at most 15 bytes, which Swift stores inline in the `String` without a heap allocation.",
            "- **Before the baseline.** Each child builds the records as a packed `[sensor_record_t]` (Python: `array` columns) "
                + "and \(Format.count(plan.randomReads)) random indices (a 64-bit linear congruential generator) before it reads "
                + "any baseline, so neither counts in the allocated delta or in the ingest time. Ingest converts and appends "
                + "each record, or copies the whole buffer with one `append(contentsOf:)` in the `-bulk` rows. No row reserves "
                + "capacity first.",
            "- **Allocated bytes.** Swift rows: jemalloc's process-wide `stats.allocated` after a thread-cache flush and an "
                + "`epoch` write, after ingest minus before, with the structure alive. Linking DenseRecords makes jemalloc the "
                + "process's `malloc`, so Swift arrays, objects and dictionaries are counted the same way as the arena. "
                + "Python rows: `tracemalloc`'s traced bytes for a second, identical build of the structure made after the "
                + "timed one (tracing slows allocation, so nothing timed runs under it).",
            "- **Resident bytes.** `/proc/self/statm` resident pages after ingest minus before. Swift rows first ask jemalloc "
                + "to purge every arena (`arena.\(4096).purge`), so that pages an `Array` freed while growing do not count "
                + "as the structure's; the unpurged figure is in the JSON as `residentBeforePurgeBytesPerRecord`.",
            "- **Peak/final.** Before ingest the child writes `5` to `/proc/self/clear_refs`, which resets `VmHWM` to the "
                + "current resident size; after ingest it reads `VmHWM`. Peak = `VmHWM` minus the resident size before ingest; "
                + "final = the resident delta above. Not reported when the final delta is under 64 KiB.",
            "- **Times.** `ContinuousClock` (CLOCK_MONOTONIC) around the whole phase, divided by the records or reads. Scan: "
                + "the sum of `value` over every record, repeated to read about a million records at small sizes (passes: "
                + "\(passes)); for `record-arena` it is the documented chunk scan `sumOfValues()`, and the JSON adds the "
                + "`Collection`-iteration scan as `iterationScanNsPerRecord`. Random read: the sum of `value` at the "
                + "precomputed indices. Sums are returned and compared across rows, so no work can be optimised away.",
            "- **Datasets.** " + datasetMethod(),
            "- **Stores compared.** " + storesMethod(),
            "- **Skips.** Before each size, a representation's previous size predicts its time (linear in records) and its "
                + "memory; a case predicted over \(Format.fixed(plan.caseTimeLimit, 0)) s per repetition, or over 60% of the "
                + "available memory, is skipped and listed with the prediction.",
            "",
        ]
    }

    private func limits() -> [String] {
        [
            "## Limits of each measurement",
            "",
            "- **Allocated bytes** count what jemalloc handed out, rounded up to its size classes, not the bytes a type "
                + "needs; that rounding is part of the real cost. They include anything else the process allocated during "
                + "ingest (for the arena, its chunk table). `tracemalloc` counts the sizes Python requested from its "
                + "allocators, without pymalloc's rounding and pool overhead, so the `python-*` rows are a lower bound and not "
                + "directly comparable with jemalloc's figures.",
            "- **Resident bytes** are page-granular (\(machine.pageSize) B, or 2 MiB where a transparent huge page backs "
                + "memory), so they are coarse at 10,000 records. They depend on the kernel's THP mode "
                + "(`\(machine.transparentHugePages)` here) and on jemalloc's purging; the Swift figures are read after an "
                + "explicit purge, which a service would not normally do.",
            "- **Peak/final** uses the kernel's resident high-water mark, which only counts pages actually touched: a buffer "
                + "reserved but not yet written does not raise it.",
            "- **Times** are wall-clock on a shared 2-core machine where other work may run (see the load average); the "
                + "spread shows how much. Compare ratios between rows of the same run rather than absolute values. Ingest "
                + "into fresh memory is dominated by page faults, so it depends on THP and on what the allocator had cached.",
            "- **Random reads** use \(Format.count(plan.randomReads)) reads at every size, so at 10,000 and 100,000 records "
                + "the structure fits in the CPU caches and the figure mostly shows instruction cost.",
            "- **Bytes per record across stores** mix two kinds of figure: allocated bytes for the in-memory rows, each "
                + "from its own allocator's accounting (jemalloc, tracemalloc, pyarrow's memory pool) or, for Polars, the "
                + "size of its buffers as it reports them; and file sizes for the on-disk rows, which a reader must decode "
                + "before it can use the records. The per-column split is what each store or library reports, not an "
                + "allocator figure, so it can differ from the allocated total (their difference is allocator rounding "
                + "and bookkeeping).",
            "- **The dataset rows' times** include, for the on-disk rows, building an Arrow table from the packed records, "
                + "sorting it and writing the file (ingest), and reading the file back (scan: the value column for Parquet, "
                + "the whole file for Arrow IPC, which has no column projection here). Random reads of the Python dataset "
                + "rows are capped at \(Format.count(RunPlan.pythonDatasetRandomReadCap)) per case.",
            "- **Python** times include creating the Python objects for each field; the Swift rows convert from a packed "
                + "buffer. Python's cyclic garbage collector stays at its defaults.",
            "",
        ]
    }
}
