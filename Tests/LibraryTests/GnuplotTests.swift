import Foundation
import XCTest
@testable import Gnuplot

final class GnuplotTests: XCTestCase {
    func testScriptCarriesDataInlineAndEscapesQuotes() {
        var chart = Chart(title: "Reviewer's loss", xLabel: "epoch", yLabel: "loss")
        chart.add(.line(x: [1, 2], y: [0.5, 0.25], title: "train"))
        let script = chart.script(terminal: "set terminal dumb")
        XCTAssertTrue(script.contains("$d0 << EOD\n1.0 0.5\n2.0 0.25\nEOD"), script)
        XCTAssertTrue(script.contains("set title 'Reviewer''s loss'"), script)
        XCTAssertTrue(script.contains("plot $d0 using 1:2 with lines lw 2 title 'train'"), script)
    }

    func testHistogramBinsCountEveryFiniteValue() {
        var chart = Chart(title: "h")
        chart.add(.histogram(values: [0, 0, 1, 2, 3, 4, .nan], bins: 2, title: "x"))
        let script = chart.script(terminal: "set terminal dumb")
        // Range 0...4 in two bins of width 2: {0, 0, 1} and {2, 3, 4}.
        XCTAssertTrue(script.contains("1.0 3 2.0\n3.0 3 2.0"), script)
    }

    func testPNGIsWrittenWhenGnuplotIsInstalled() throws {
        guard Gnuplot.isAvailable else { throw XCTSkip("gnuplot is not installed") }
        var chart = Chart(title: "t", xLabel: "x", yLabel: "y")
        chart.add(.line(x: [0, 1, 2], y: [1, 2, 4], title: "a"))
        chart.add(.heatmap(matrix: [[1, 2], [3, 4]], xLabels: ["p", "n"], yLabels: ["P", "N"]))
        let path = NSTemporaryDirectory() + "gnuplot-test-\(getpid()).png"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try chart.writePNG(to: path, width: 320, height: 200)
        let data = try XCTUnwrap(FileManager.default.contents(atPath: path))
        XCTAssertEqual(Array(data.prefix(4)), [0x89, 0x50, 0x4E, 0x47], "not a PNG file")
        let text = try chart.renderText(width: 60, height: 15)
        XCTAssertTrue(text.contains("t"), text)
    }

    func testAScriptErrorIsReportedWithGnuplotsMessage() throws {
        guard Gnuplot.isAvailable else { throw XCTSkip("gnuplot is not installed") }
        XCTAssertThrowsError(try Gnuplot.run(script: "set terminal dumb\nplot $nosuchblock using 1:2\n")) { error in
            guard case GnuplotError.failed(_, let message) = error else { return XCTFail("\(error)") }
            XCTAssertTrue(message.contains("nosuchblock") || message.lowercased().contains("error"), message)
        }
    }
}
