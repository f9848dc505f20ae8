import Foundation

extension Report {
    /// Horizontal bars of bytes per record for every row, on a log scale, grouped by dataset.
    ///
    /// The report's own records appear at ``bytesChartRecords``, each file dataset at its
    /// largest measured size. In-memory rows show allocated bytes as solid bars; on-disk
    /// rows show the file's size as pale bars with a dashed outline.
    func storesBytesPerRecordChart() -> String {
        var groups: [(title: String, rows: [ResultRow])] = []
        if let records = bytesChartRecords {
            let atSize = rows.filter { $0.records == records && $0.bytesPerRecord.map { $0 > 0 } == true }
            if !atSize.isEmpty { groups.append(("\(Dataset.report.rawValue), \(Format.count(records)) records", atSize)) }
        }
        for dataset in Dataset.allCases where dataset.isFile {
            guard let records = storesRecords(dataset) else { continue }
            let atSize = datasetRows.filter { $0.dataset == dataset && $0.records == records && ($0.bytesPerRecord ?? 0) > 0 }
            if !atSize.isEmpty { groups.append(("\(dataset.rawValue), \(Format.count(records)) records", atSize)) }
        }
        let values = groups.flatMap { $0.rows.compactMap(\.bytesPerRecord) }
        guard let smallest = values.min(), let largest = values.max() else { return SVG.empty("No bytes-per-record measurements") }

        let lowExponent = floor(log10(smallest))
        let highExponent = max(ceil(log10(largest)), lowExponent + 1)
        let width = 960.0
        let longestLabel = groups.flatMap { $0.rows.map { $0.representation.rawValue.count + ($0.kind == .onDisk ? 10 : 0) } }.max() ?? 0
        let left = max(200.0, 7.6 * Double(longestLabel) + 24)
        let right = 80.0
        let top = 70.0
        let rowHeight = 22.0
        let groupHeader = 28.0
        let plotWidth = width - left - right
        let plotHeight = groups.reduce(0.0) { $0 + groupHeader + rowHeight * Double($1.rows.count) }
        let height = top + plotHeight + 56
        func xPosition(_ value: Double) -> Double {
            left + (log10(value) - lowExponent) / (highExponent - lowExponent) * plotWidth
        }

        var svg = SVG(width: width, height: height)
        svg.text("Bytes per record of every store (log scale; median of repetitions)", x: width / 2, y: 26, size: 18,
                 anchor: "middle", weight: "bold")
        svg.rect(x: left, y: 40, width: 14, height: 10, fill: "#444444")
        svg.text("in memory: allocated bytes", x: left + 20, y: 49, size: 12)
        svg.rect(x: left + 230, y: 40, width: 14, height: 10, fill: "#444444", opacity: 0.3, stroke: "#444444", dash: "3 2")
        svg.text("on disk: file size", x: left + 250, y: 49, size: 12)
        let plotBottom = top + plotHeight
        var exponent = lowExponent
        while exponent <= highExponent + 0.5 {
            let tick = SVG.pow10(exponent)
            let x = xPosition(tick)
            svg.line(x1: x, y1: top - 6, x2: x, y2: plotBottom, stroke: "#cccccc")
            svg.text(Format.significant(tick), x: x, y: plotBottom + 18, size: 12, anchor: "middle")
            for step in 2...9 where exponent < highExponent {
                let minor = xPosition(Double(step) * tick)
                svg.line(x1: minor, y1: top - 2, x2: minor, y2: plotBottom, stroke: "#eeeeee")
            }
            exponent += 1
        }
        svg.text("bytes per record (log scale)", x: left + plotWidth / 2, y: plotBottom + 42, size: 13, anchor: "middle")

        var y = top
        for group in groups {
            svg.text(group.title, x: 12, y: y + 19, size: 13, weight: "bold")
            y += groupHeader
            for row in group.rows.sorted(by: { ($0.bytesPerRecord ?? 0) > ($1.bytesPerRecord ?? 0) }) {
                guard let value = row.bytesPerRecord else { continue }
                let color = Self.color(row.representation)
                let label = row.representation.rawValue + (row.kind == .onDisk ? " (on disk)" : "")
                svg.text(label, x: left - 8, y: y + 15, size: 12, anchor: "end")
                let barWidth = max(1, xPosition(value) - left)
                if row.kind == .onDisk {
                    svg.rect(x: left, y: y + 4, width: barWidth, height: 14, fill: color, opacity: 0.3, stroke: color, dash: "3 2")
                } else {
                    svg.rect(x: left, y: y + 4, width: barWidth, height: 14, fill: color)
                }
                svg.text(Format.significant(value), x: left + barWidth + 5, y: y + 15, size: 11)
                y += rowHeight
            }
        }
        svg.line(x1: left, y1: top - 6, x2: left, y2: plotBottom, stroke: "#333333")
        return svg.finish()
    }
}
