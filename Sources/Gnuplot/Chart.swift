// A chart as data: a title, axes and a list of series. `script(terminal:)` turns it into a
// gnuplot script with the data inline (datablocks), so nothing is written to temporary files.

import Foundation

public struct Chart: Sendable {
    public enum Series: Sendable {
        /// A line through (x, y) points.
        case line(x: [Double], y: [Double], title: String)
        /// Unconnected markers at (x, y).
        case points(x: [Double], y: [Double], title: String)
        /// A histogram of `values` in `bins` equal bins (several histograms overlay, half transparent).
        case histogram(values: [Double], bins: Int, title: String)
        /// Grouped bars: one group per label, one bar per series in each group.
        case bars(labels: [String], series: [(title: String, values: [Double])])
        /// A matrix drawn as coloured cells with their values written in them; row 0 at the top.
        case heatmap(matrix: [[Double]], xLabels: [String], yLabels: [String])
        /// Markers with a text label beside each (a word map).
        case labeledPoints(x: [Double], y: [Double], labels: [String], title: String)
    }

    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var series: [Series] = []
    public var logScaleY = false
    public var xRange: (Double, Double)?
    public var yRange: (Double, Double)?
    /// Where the legend goes, in gnuplot's words ("top right", "bottom right", "off"...).
    public var legend = "top right"
    /// Extra gnuplot commands placed before the plot command (for anything not modelled here).
    public var extraCommands: [String] = []

    public init(title: String, xLabel: String = "", yLabel: String = "") {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
    }

    public mutating func add(_ s: Series) { series.append(s) }

    /// Writes the chart as a PNG file (pngcairo), creating the folder if needed.
    public func writePNG(to path: String, width: Int = 900, height: Int = 560) throws {
        let dir = (path as NSString).deletingLastPathComponent
        if !dir.isEmpty { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
        let terminal = "set terminal pngcairo size \(width),\(height) enhanced font 'DejaVu Sans,11'\nset output '\(escape(path))'"
        try Gnuplot.run(script: script(terminal: terminal) + "\nunset output\n")
    }

    /// The chart drawn with characters, for printing in a terminal.
    public func renderText(width: Int = 78, height: Int = 22) throws -> String {
        // Colours only when a person is watching; logs and captured output stay plain text.
        let colour = isatty(STDOUT_FILENO) != 0 ? "ansi" : "mono"
        return try Gnuplot.run(script: script(terminal: "set terminal dumb size \(width),\(height) \(colour)"))
    }

    /// The full gnuplot script for a terminal line (`set terminal ...` and `set output ...`).
    public func script(terminal: String) -> String {
        var s = [terminal]
        s.append("set title '\(escape(title))'")
        s.append("set xlabel '\(escape(xLabel))'")
        s.append("set ylabel '\(escape(yLabel))'")
        s.append(legend == "off" ? "unset key" : "set key \(legend)")
        s.append("set grid")
        if logScaleY { s.append("set logscale y") }
        if let (a, b) = xRange { s.append("set xrange [\(num(a)):\(num(b))]") }
        if let (a, b) = yRange { s.append("set yrange [\(num(a)):\(num(b))]") }
        s += extraCommands

        var plots: [String] = []
        for (i, item) in series.enumerated() {
            let block = "$d\(i)"
            switch item {
            case .line(let x, let y, let t):
                s.append(datablock(block, rows: zip(x, y).map { "\(num($0)) \(num($1))" }))
                plots.append("\(block) using 1:2 with lines lw 2 title '\(escape(t))'")
            case .points(let x, let y, let t):
                s.append(datablock(block, rows: zip(x, y).map { "\(num($0)) \(num($1))" }))
                plots.append("\(block) using 1:2 with points pt 7 ps 0.6 title '\(escape(t))'")
            case .histogram(let values, let bins, let t):
                let rows = histogramRows(values, bins: bins)
                s.append(datablock(block, rows: rows))
                s.append("set style fill transparent solid 0.45 noborder")
                plots.append("\(block) using 1:2:3 with boxes title '\(escape(t))'")
            case .bars(let labels, let groups):
                var rows: [String] = []
                for (j, label) in labels.enumerated() {
                    let values = groups.map { j < $0.values.count ? num($0.values[j]) : "0" }
                    rows.append("\"\(escapeQuoted(label))\" " + values.joined(separator: " "))
                }
                s.append(datablock(block, rows: rows))
                s.append("set style data histograms")
                s.append("set style histogram clustered gap 1")
                s.append("set style fill solid 0.8 border -1")
                s.append("set xtics rotate by -30")
                for (k, g) in groups.enumerated() {
                    plots.append("\(block) using \(k + 2)\(k == 0 ? ":xtic(1)" : "") title '\(escape(g.title))'")
                }
            case .heatmap(let matrix, let xLabels, let yLabels):
                var rows: [String] = []
                let n = matrix.count
                for (r, row) in matrix.enumerated() {
                    for (c, v) in row.enumerated() { rows.append("\(c) \(n - 1 - r) \(num(v))") }
                }
                s.append(datablock(block, rows: rows))
                let xt = xLabels.enumerated().map { "'\(escape($0.element))' \($0.offset)" }.joined(separator: ", ")
                let yt = yLabels.enumerated().map { "'\(escape($0.element))' \(n - 1 - $0.offset)" }.joined(separator: ", ")
                if !xt.isEmpty { s.append("set xtics (\(xt))") }
                if !yt.isEmpty { s.append("set ytics (\(yt))") }
                s.append("set palette defined (0 '#f7fbff', 1 '#08306b')")
                s.append("unset grid")
                s.append("set xrange [-0.5:\(num(Double((matrix.first?.count ?? 1)) - 0.5))]")
                s.append("set yrange [-0.5:\(num(Double(n) - 0.5))]")
                plots.append("\(block) using 1:2:3 with image notitle")
                plots.append("\(block) using 1:2:(sprintf('%g',$3)) with labels tc rgb '#d62728' font ',12' notitle")
            case .labeledPoints(let x, let y, let labels, let t):
                let rows = zip(zip(x, y), labels).map { "\(num($0.0)) \(num($0.1)) \"\(escapeQuoted($1))\"" }
                s.append(datablock(block, rows: rows))
                plots.append("\(block) using 1:2 with points pt 7 ps 0.7 title '\(escape(t))'")
                plots.append("\(block) using 1:2:3 with labels offset 0.6,0.4 font ',8' notitle")
            }
        }
        if plots.isEmpty {
            s.append("set label 'no data' at graph 0.5, graph 0.5 center")
            s.append("plot NaN notitle")
        } else {
            s.append("plot " + plots.joined(separator: ", \\\n     "))
        }
        return s.joined(separator: "\n") + "\n"
    }

    private func datablock(_ name: String, rows: [String]) -> String {
        "\(name) << EOD\n" + rows.joined(separator: "\n") + (rows.isEmpty ? "" : "\n") + "EOD"
    }

    /// Bin centre, count and bin width for each of `bins` equal bins over the data's range.
    private func histogramRows(_ values: [Double], bins: Int) -> [String] {
        let finite = values.filter { $0.isFinite }
        guard let lo = finite.min(), let hi = finite.max(), bins > 0 else { return [] }
        let width = hi > lo ? (hi - lo) / Double(bins) : 1
        var counts = [Int](repeating: 0, count: bins)
        for v in finite { counts[min(bins - 1, Int((v - lo) / width))] += 1 }
        return counts.enumerated().map { "\(num(lo + (Double($0.offset) + 0.5) * width)) \($0.element) \(num(width))" }
    }
}

/// A number as gnuplot reads it (no locale, NaN as gnuplot's missing value).
func num(_ x: Double) -> String {
    if x.isNaN { return "NaN" }
    if x.isInfinite { return x > 0 ? "1e308" : "-1e308" }
    return "\(x)"
}

/// Text inside a single-quoted gnuplot string: a quote is written twice.
func escape(_ s: String) -> String { s.replacingOccurrences(of: "'", with: "''") }

/// Text inside a double-quoted datablock field.
func escapeQuoted(_ s: String) -> String {
    s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
}
