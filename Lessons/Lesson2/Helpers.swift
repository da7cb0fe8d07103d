// Small helpers for the walkthrough's printing, timing and charts.

import Dispatch
import Foundation
import Gnuplot
import Lesson2
import TensorCore

/// Wall-clock time since the start and since the last lap.
final class Stopwatch {
    private let start = DispatchTime.now()
    private var last = DispatchTime.now()

    /// Seconds since the previous lap (or the start), and starts a new lap.
    @discardableResult
    func lap() -> Double {
        let now = DispatchTime.now()
        defer { last = now }
        return Double(now.uptimeNanoseconds - last.uptimeNanoseconds) / 1e9
    }

    var total: Double { Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9 }
}

func fixed(_ x: Double, _ digits: Int) -> String { String(format: "%.\(digits)f", x) }

func percent(_ share: Double) -> String { String(format: "%.1f %%", 100 * share) }

func megabytes(_ bytes: Int) -> String { String(format: "%.1f", Double(bytes) / 1e6) }

func mean(_ values: [Int]) -> Double {
    values.isEmpty ? 0 : Double(values.reduce(0, +)) / Double(values.count)
}

func majorityShare(_ c: (negative: Int, positive: Int)) -> Double {
    Double(max(c.negative, c.positive)) / Double(max(1, c.negative + c.positive))
}

/// A token worth counting for "top words": has a letter and is not a stop word.
func isContentWord(_ token: String) -> Bool {
    !stopWords.contains(token) && token.unicodeScalars.contains { $0.properties.isAlphabetic }
}

/// Cosine similarity of rows i and j of a matrix [N, D].
func cosine(_ m: Tensor<Float>, _ i: Int, _ j: Int) -> Double {
    var dot = 0.0, a = 0.0, b = 0.0
    for k in 0..<m.shape[1] {
        let x = Double(m[i, k]), y = Double(m[j, k])
        dot += x * y
        a += x * x
        b += y * y
    }
    return dot / max(1e-12, (a * b).squareRoot())
}

/// Tokenises every text, spread over the machine's cores (each text is independent).
func tokenizeAll(_ texts: [String], _ tokenizer: Tokenizer) -> [[String]] {
    var result = [[String]](repeating: [], count: texts.count)
    let workers = max(1, ProcessInfo.processInfo.activeProcessorCount)
    result.withUnsafeMutableBufferPointer { out in
        // Strided, so every worker gets a mix of long and short reviews.
        DispatchQueue.concurrentPerform(iterations: workers) { w in
            for i in stride(from: w, to: texts.count, by: workers) { out[i] = tokenizer.tokenize(texts[i]) }
        }
    }
    return result
}

/// Negative red, positive blue, in every chart (linetypes 1 and 2 are the first two series).
let classColours = ["set linetype 1 lc rgb '#d62728'", "set linetype 2 lc rgb '#1f77b4'"]

/// Writes `chart` to the output folder and, when asked, draws it in the terminal too.
/// Without gnuplot it says how to install it and the walkthrough goes on.
func draw(_ chart: Chart, _ file: String, terminal: Bool = false, width: Int = 1000, height: Int = 600) {
    guard output.save(chart, file, width: width, height: height) else { return }
    print("[chart] \(output.file(file))")
    if terminal, let text = try? chart.renderText(width: 100, height: 28) { print(text) }
}
