// Section 9: where an attention-pooling model looks. For one right and one wrong prediction of
// the `pooling-attention` run, the weights α[t] (softmax over the review's real steps, summing
// to 1) are drawn over the words, eight words to a row, as percentages. Attention weights show
// what the pooling read, not why the LSTM states underneath hold what they hold: read them as a
// hint, not an explanation.

import CourseData
import Foundation
import Gnuplot
import Lesson5
import TensorCore

struct AttentionRecord: Codable {
    var kind: String
    var label: Int
    var probability: Double
    var words: [String]
    var weights: [Double]
    var source: String
}

/// α [n] over the review's (truncated) tokens and the tokens themselves.
func attentionWeights(_ saved: SavedSentimentModel, text: String) -> (words: [String], alpha: [Double], probability: Double) {
    let words = Array(SentimentCorpus.tokenize([text])[0].prefix(saved.description.evalMaxLength ?? saved.description.maxLength))
    let ids = saved.vocabulary.encode(words)
    var rng = SeededRNG(seed: 0)
    let (logits, cache) = saved.model.forward(ids: ids, lengths: [max(1, ids.count)], training: false, rng: &rng)
    let alpha = cache.pooling.alpha?.scalars.map(Double.init) ?? []
    return (words, Array(alpha.prefix(words.count)), Double(TensorCore.sigmoid(logits.scalars[0])))
}

/// The most confident right and wrong predictions among reviews whose token count is in
/// `lengths` (30 to 64: short enough to read in a chart, long enough to show a choice).
func attentionExamples(_ saved: SavedSentimentModel, reviews: [Review], probabilities: [Float],
                       lengths allowed: ClosedRange<Int>) -> [AttentionRecord] {
    let lengths = SentimentCorpus.tokenize(reviews.map(\.text)).map(\.count)
    let candidates = reviews.indices.filter { allowed.contains(lengths[$0]) }
    func confidence(_ i: Int) -> Float { abs(probabilities[i] - 0.5) }
    let right = candidates.filter { (probabilities[$0] > 0.5) == (reviews[$0].label == 1) }.max { confidence($0) < confidence($1) }
    let wrong = candidates.filter { (probabilities[$0] > 0.5) != (reviews[$0].label == 1) }.max { confidence($0) < confidence($1) }
    return [("right", right), ("wrong", wrong)].compactMap { kind, index in
        guard let i = index else { return nil }
        let a = attentionWeights(saved, text: reviews[i].text)
        return AttentionRecord(kind: kind, label: reviews[i].label, probability: a.probability, words: a.words, weights: a.alpha,
                               source: reviews[i].source)
    }
}

func attentionChart(_ r: AttentionRecord, perRow: Int = 8) -> Chart {
    let rows = (r.words.count + perRow - 1) / perRow
    var matrix = [[Double]](repeating: [Double](repeating: 0, count: perRow), count: rows)
    var labels: [String] = []
    for (i, word) in r.words.enumerated() {
        let (row, col) = (i / perRow, i % perRow)
        matrix[row][col] = (1000 * (i < r.weights.count ? r.weights[i] : 0)).rounded() / 10
        let escaped = word.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
        // White words on the darkest cells (over half the largest weight), black elsewhere.
        let dark = i < r.weights.count && r.weights[i] > 0.5 * (r.weights.max() ?? 1)
        labels.append("set label \"\(escaped)\" at \(col), \(Double(rows - 1 - row) + 0.25) center font ',11' front tc rgb '\(dark ? "#ffffff" : "#000000")'")
    }
    let truth = r.label == 1 ? "positive" : "negative"
    var chart = Chart(title: String(format: "Attention over the words (%%), %@ prediction: true %@, P(positive) = %.3f",
                                    r.kind, truth, r.probability),
                      xLabel: "word position in the row", yLabel: "row of \(perRow) words")
    chart.add(.heatmap(matrix: matrix, xLabels: [], yLabels: (0..<rows).map { "\($0 * perRow + 1)-" }))
    chart.extraCommands = labels + ["unset colorbox"]
    chart.legend = "off"
    return chart
}

func printAttention(_ r: AttentionRecord) {
    print(String(format: "%@ prediction (true %@, P(positive) = %.3f), %@:", r.kind, r.label == 1 ? "positive" : "negative",
                 r.probability, r.source))
    let text = zip(r.words, r.weights).map { w, a in a >= 0.05 ? "[\(w) \(Int((100 * a).rounded()))%]" : w }.joined(separator: " ")
    print("  " + text)
    let top = zip(r.words, r.weights).sorted { $0.1 > $1.1 }.prefix(5).map { String(format: "%@ %.1f%%", $0.0, 100 * $0.1) }
    print("  most attended: " + top.joined(separator: ", "))
}
