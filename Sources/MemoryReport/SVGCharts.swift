import Foundation

/// Hand-written SVG charts: no dependencies, plain shapes and text that any browser renders.
extension Report {
    /// A fixed colour per representation, so both charts agree.
    static func color(_ representation: Representation) -> String {
        switch representation {
        case .recordArena: "#1b6fd1"
        case .recordArenaBulk: "#5fa8f5"
        case .recordArenaBulkHugePages: "#0d3d7a"
        case .arrayPacked: "#d1461b"
        case .arrayPackedBulk: "#f0955f"
        case .arrayStruct: "#7a4fb3"
        case .arrayStructReordered: "#b48ae0"
        case .arrayClass: "#2f8f3a"
        case .arrayClassStringUnit: "#7cc47f"
        case .arrayDictionary: "#8c6d1f"
        case .pythonDict: "#555555"
        case .pythonClass: "#888888"
        case .pythonSlots: "#b5b5b5"
        case .compressedRecords: "#0b8a7a"
        case .numpyStructured: "#4d77cf"
        case .pandasTyped: "#150458"
        case .polarsDataFrame: "#cd792c"
        case .pyarrowTable: "#c23b5a"
        case .parquetZstd: "#50abf1"
        case .arrowIPCZstd: "#a3304f"
        }
    }

    /// The size the bytes chart shows: 1,000,000 when measured, otherwise the largest measured size below it, otherwise the smallest.
    var bytesChartRecords: Int? {
        if sizes.contains(1_000_000) { return 1_000_000 }
        return sizes.last { $0 < 1_000_000 } ?? sizes.first
    }

    /// Horizontal bars of allocated and resident bytes per record, one pair per representation, at ``bytesChartRecords``.
    func bytesPerRecordChart() -> String {
        guard let records = bytesChartRecords else { return SVG.empty("No measurements") }
        let chartRows = rows.filter { $0.records == records }
        let width = 960.0
        // Room for the longest label at 13 px (about 7.6 px a character), so none is clipped.
        let longestLabel = chartRows.map(\.representation.rawValue.count).max() ?? 0
        let left = max(190.0, 7.6 * Double(longestLabel) + 24)
        let right = 110.0
        let top = 78.0
        let rowHeight = 34.0
        let plotWidth = width - left - right
        let height = top + rowHeight * Double(chartRows.count) + 56
        let maximum = chartRows.flatMap { [$0.allocatedBytesPerRecord, $0.residentBytesPerRecord] }.filter(\.isFinite).max() ?? 1
        let axis = SVG.niceAxis(maximum: maximum, ticks: 8)
        let scale = plotWidth / axis.maximum

        var svg = SVG(width: width, height: height)
        svg.text("Bytes per record at \(Format.count(records)) records (median of repetitions)", x: width / 2, y: 26,
                 size: 18, anchor: "middle", weight: "bold")
        svg.rect(x: left, y: 42, width: 14, height: 10, fill: "#444444")
        svg.text("allocated (jemalloc stats.allocated; tracemalloc for python-*)", x: left + 20, y: 51, size: 12)
        svg.rect(x: left + 430, y: 42, width: 14, height: 10, fill: "#444444", opacity: 0.45)
        svg.text("resident (RSS delta)", x: left + 450, y: 51, size: 12)
        let plotBottom = top + rowHeight * Double(chartRows.count)
        for tick in axis.ticks {
            let x = left + tick * scale
            svg.line(x1: x, y1: top - 6, x2: x, y2: plotBottom, stroke: "#dddddd")
            svg.text(Format.fixed(tick, tick == tick.rounded() ? 0 : 1), x: x, y: plotBottom + 18, size: 12, anchor: "middle")
        }
        svg.text("bytes per record", x: left + plotWidth / 2, y: plotBottom + 42, size: 13, anchor: "middle")
        for (index, row) in chartRows.enumerated() {
            let y = top + rowHeight * Double(index)
            let color = Self.color(row.representation)
            svg.text(row.representation.rawValue, x: left - 8, y: y + 20, size: 13, anchor: "end")
            let bars: [(Double, Double)] = [(row.allocatedBytesPerRecord, 1), (row.residentBytesPerRecord, 0.45)]
            for (offset, (value, opacity)) in bars.enumerated() where value.isFinite {
                let barY = y + 5 + Double(offset) * 13
                svg.rect(x: left, y: barY, width: max(1, max(0, value) * scale), height: 12, fill: color, opacity: opacity)
                svg.text(Format.significant(value), x: left + max(0, value) * scale + 5, y: barY + 10, size: 11)
            }
        }
        svg.line(x1: left, y1: top - 6, x2: left, y2: plotBottom, stroke: "#333333")
        return svg.finish()
    }

    /// Peak resident during ingest over final resident, against the record count on a log axis.
    func peakToFinalChart() -> String {
        let series = Representation.allCases.compactMap { representation -> (Representation, [(Int, Double)])? in
            let points = rows.filter { $0.representation == representation }
                .compactMap { row in row.peakToFinalResident.map { (row.records, $0) } }
            return points.isEmpty ? nil : (representation, points)
        }
        let xs = Set(series.flatMap { $0.1.map(\.0) }).sorted()
        guard let minX = xs.first, let maxX = xs.last else { return SVG.empty("No peak/final measurements") }
        let width = 960.0
        let left = 70.0
        let right = 230.0
        let top = 50.0
        let plotHeight = 380.0
        let height = top + plotHeight + 70
        let plotWidth = width - left - right
        let values = series.flatMap { $0.1.map(\.1) } + [1.05]
        let low = min(1.0, values.min() ?? 1)
        let axis = SVG.niceAxis(minimum: low, maximum: values.max() ?? 2, ticks: 8)
        let logMin = log10(Double(minX))
        let logSpan = max(log10(Double(maxX)) - logMin, 1e-9)
        func xPosition(_ records: Int) -> Double {
            xs.count == 1 ? left + plotWidth / 2 : left + (log10(Double(records)) - logMin) / logSpan * plotWidth
        }
        func yPosition(_ value: Double) -> Double {
            top + plotHeight - (value - axis.minimum) / (axis.maximum - axis.minimum) * plotHeight
        }

        var svg = SVG(width: width, height: height)
        svg.text("Peak resident during ingest / final resident", x: left + plotWidth / 2, y: 28, size: 18,
                 anchor: "middle", weight: "bold")
        for tick in axis.ticks {
            let y = yPosition(tick)
            svg.line(x1: left, y1: y, x2: left + plotWidth, y2: y, stroke: "#dddddd")
            svg.text(Format.fixed(tick, 2), x: left - 8, y: y + 4, size: 12, anchor: "end")
        }
        for records in xs {
            let x = xPosition(records)
            svg.line(x1: x, y1: top, x2: x, y2: top + plotHeight, stroke: "#eeeeee")
            svg.text(Format.short(records), x: x, y: top + plotHeight + 18, size: 12, anchor: "middle")
        }
        svg.text("records (log scale)", x: left + plotWidth / 2, y: top + plotHeight + 44, size: 13, anchor: "middle")
        svg.line(x1: left, y1: top, x2: left, y2: top + plotHeight, stroke: "#333333")
        svg.line(x1: left, y1: top + plotHeight, x2: left + plotWidth, y2: top + plotHeight, stroke: "#333333")
        let targetY = yPosition(1.05)
        svg.line(x1: left, y1: targetY, x2: left + plotWidth, y2: targetY, stroke: "#c00000", dash: "6 4")

        for (index, (representation, points)) in series.enumerated() {
            let color = Self.color(representation)
            let dash = representation.isBulk ? "5 3" : nil
            let coordinates = points.map { (xPosition($0.0), yPosition($0.1)) }
            svg.polyline(coordinates, stroke: color, dash: dash)
            for (x, y) in coordinates { svg.circle(x: x, y: y, radius: 3.5, fill: color) }
            let legendY = top + 8 + Double(index) * 22
            let legendX = left + plotWidth + 24
            svg.line(x1: legendX, y1: legendY, x2: legendX + 24, y2: legendY, stroke: color, width: 2.5, dash: dash)
            svg.circle(x: legendX + 12, y: legendY, radius: 3.5, fill: color)
            svg.text(representation.rawValue, x: legendX + 32, y: legendY + 4, size: 12)
        }
        // The target's label sits in the legend: on the plot it would cross the lines near 1.0.
        let targetLegendY = top + 8 + Double(series.count) * 22 + 10
        let targetLegendX = left + plotWidth + 24
        svg.line(x1: targetLegendX, y1: targetLegendY, x2: targetLegendX + 24, y2: targetLegendY, stroke: "#c00000", dash: "6 4")
        svg.text("foundation target 1.05", x: targetLegendX + 32, y: targetLegendY + 4, size: 12, fill: "#c00000")
        return svg.finish()
    }
}

/// A minimal SVG writer.
struct SVG {
    private var body: [String] = []
    private let width: Double
    private let height: Double

    init(width: Double, height: Double) {
        self.width = width
        self.height = height
    }

    /// A small SVG that only says `message`.
    static func empty(_ message: String) -> String {
        var svg = SVG(width: 400, height: 60)
        svg.text(message, x: 200, y: 34, size: 14, anchor: "middle")
        return svg.finish()
    }

    mutating func text(
        _ content: String, x: Double, y: Double, size: Double, anchor: String = "start", weight: String = "normal",
        fill: String = "#222222"
    ) {
        body.append(
            "<text x=\"\(n(x))\" y=\"\(n(y))\" font-size=\"\(n(size))\" text-anchor=\"\(anchor)\" font-weight=\"\(weight)\" "
                + "fill=\"\(fill)\">\(Self.escape(content))</text>")
    }

    mutating func rect(
        x: Double, y: Double, width: Double, height: Double, fill: String, opacity: Double = 1, stroke: String? = nil,
        dash: String? = nil
    ) {
        let strokeAttributes = stroke.map { " stroke=\"\($0)\" stroke-width=\"1.5\"" } ?? ""
        let dashAttribute = dash.map { " stroke-dasharray=\"\($0)\"" } ?? ""
        body.append(
            "<rect x=\"\(n(x))\" y=\"\(n(y))\" width=\"\(n(width))\" height=\"\(n(height))\" fill=\"\(fill)\" "
                + "fill-opacity=\"\(n(opacity))\"\(strokeAttributes)\(dashAttribute)/>")
    }

    mutating func line(
        x1: Double, y1: Double, x2: Double, y2: Double, stroke: String, width: Double = 1, dash: String? = nil
    ) {
        let dashAttribute = dash.map { " stroke-dasharray=\"\($0)\"" } ?? ""
        body.append(
            "<line x1=\"\(n(x1))\" y1=\"\(n(y1))\" x2=\"\(n(x2))\" y2=\"\(n(y2))\" stroke=\"\(stroke)\" "
                + "stroke-width=\"\(n(width))\"\(dashAttribute)/>")
    }

    mutating func polyline(_ points: [(Double, Double)], stroke: String, dash: String?) {
        let dashAttribute = dash.map { " stroke-dasharray=\"\($0)\"" } ?? ""
        let list = points.map { "\(n($0.0)),\(n($0.1))" }.joined(separator: " ")
        body.append("<polyline points=\"\(list)\" fill=\"none\" stroke=\"\(stroke)\" stroke-width=\"2.5\"\(dashAttribute)/>")
    }

    mutating func circle(x: Double, y: Double, radius: Double, fill: String) {
        body.append("<circle cx=\"\(n(x))\" cy=\"\(n(y))\" r=\"\(n(radius))\" fill=\"\(fill)\"/>")
    }

    /// The finished document.
    func finish() -> String {
        """
        <?xml version="1.0" encoding="UTF-8"?>
        <svg xmlns="http://www.w3.org/2000/svg" width="\(n(width))" height="\(n(height))" \
        viewBox="0 0 \(n(width)) \(n(height))" font-family="DejaVu Sans, Helvetica, Arial, sans-serif">
        <rect x="0" y="0" width="\(n(width))" height="\(n(height))" fill="#ffffff"/>
        \(body.joined(separator: "\n"))
        </svg>

        """
    }

    private func n(_ value: Double) -> String { Format.fixed(value, 1) }

    private static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
    }

    /// Axis bounds and ticks at a 1, 2 or 5 × 10ⁿ step.
    static func niceAxis(minimum: Double = 0, maximum: Double, ticks: Int) -> (minimum: Double, maximum: Double, ticks: [Double]) {
        let span = max(maximum - minimum, 1e-9)
        let rough = span / Double(max(ticks, 1))
        let magnitude = pow10(floor(log10(rough)))
        let step = [1.0, 2, 2.5, 5, 10].map { $0 * magnitude }.first { $0 >= rough } ?? 10 * magnitude
        let low = floor(minimum / step) * step
        let high = ceil(maximum / step) * step
        var values: [Double] = []
        var tick = low
        while tick <= high + step / 2 {
            values.append(tick)
            tick += step
        }
        return (low, max(high, low + step), values)
    }

    static func pow10(_ exponent: Double) -> Double {
        var result = 1.0
        let steps = Int(abs(exponent))
        for _ in 0..<steps { result *= 10 }
        return exponent < 0 ? 1 / result : result
    }
}
