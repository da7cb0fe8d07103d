// Where a walkthrough writes its charts (PNG, drawn by gnuplot) and its metrics (JSON): the
// folder of WalkthroughOptions.outputDirectory. Without gnuplot the charts are skipped with one
// note and the walkthrough goes on; JSON is written with sorted keys, so two runs with the same
// figures give the same file.

import Foundation
import Gnuplot

public final class OutputFolder {
    /// Absolute path of the folder.
    public let path: String
    /// The charts written so far, by file name, in order.
    public private(set) var chartsWritten: [String] = []
    private var toldGnuplotMissing = false

    public init(_ path: String) {
        self.path = path
    }

    /// `path/name`.
    public func file(_ name: String) -> String { "\(path)/\(name)" }

    /// Draws `chart` into `name` (a PNG, subfolders created). Returns false when it was not
    /// drawn, after saying why (gnuplot missing: said once).
    @discardableResult
    public func save(_ chart: Chart, _ name: String, width: Int = 900, height: Int = 560) -> Bool {
        guard Gnuplot.isAvailable else {
            if !toldGnuplotMissing { print("(\(GnuplotError.notInstalled): no charts are drawn)") }
            toldGnuplotMissing = true
            return false
        }
        do {
            try FileManager.default.createDirectory(atPath: URL(fileURLWithPath: file(name)).deletingLastPathComponent().path,
                                                    withIntermediateDirectories: true)
            try chart.writePNG(to: file(name), width: width, height: height)
            chartsWritten.append(name)
            return true
        } catch {
            print("(could not draw \(name): \(error))")
            return false
        }
    }

    /// Writes a JSON object (dictionaries, arrays, numbers, strings) to `name`, keys sorted.
    public func writeJSON(_ object: Any, to name: String) throws {
        let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
        try data.write(to: URL(fileURLWithPath: file(name)), options: .atomic)
    }

    /// Writes `value` as JSON to `name`, keys sorted.
    public func writeJSON<T: Encodable>(_ value: T, to name: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(value).write(to: URL(fileURLWithPath: file(name)), options: .atomic)
    }

    /// A text file (a table as TSV, a CSV) in the folder.
    public func writeText(_ text: String, to name: String) throws {
        try text.write(toFile: file(name), atomically: true, encoding: .utf8)
    }
}
