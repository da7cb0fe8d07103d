// Binary classification metrics at one threshold: the confusion matrix and the numbers read
// off it (accuracy, precision, recall, F1), computed the way scikit-learn computes them, so a
// figure in metrics.json means what the same name means in sklearn.metrics.
//
// Class 1 is the positive class (a positive review), class 0 the negative one. A score is
// predicted positive when `score >= threshold` (the convention of sklearn's roc_curve and
// precision_recall_curve; a probability of exactly 0.5 counts as positive at threshold 0.5).
//
// Undefined ratios follow scikit-learn's `zero_division="warn"` default, which returns 0:
// precision is 0 when nothing is predicted positive, recall is 0 when no label is positive,
// and F1 is 0 when there are neither true nor predicted positives.

/// Counts of a binary classifier's outcomes. Laid out as scikit-learn's `confusion_matrix`
/// with labels [0, 1]: rows are the true class, columns the predicted class,
/// `[[trueNegatives, falsePositives], [falseNegatives, truePositives]]`.
public struct BinaryConfusionMatrix: Codable, Sendable, Equatable, CustomStringConvertible {
    public var truePositives: Int
    public var falsePositives: Int
    public var trueNegatives: Int
    public var falseNegatives: Int

    public init(truePositives: Int, falsePositives: Int, trueNegatives: Int, falseNegatives: Int) {
        self.truePositives = truePositives
        self.falsePositives = falsePositives
        self.trueNegatives = trueNegatives
        self.falseNegatives = falseNegatives
    }

    /// labels, predictions: [N], each 0 or 1.
    public init(labels: [Int], predictions: [Int]) {
        precondition(labels.count == predictions.count,
                     "BinaryConfusionMatrix: \(labels.count) labels but \(predictions.count) predictions")
        checkBinaryLabels(labels, "labels")
        checkBinaryLabels(predictions, "predictions")
        var tp = 0, fp = 0, tn = 0, fn = 0
        for (y, p) in zip(labels, predictions) {
            switch (y, p) {
            case (1, 1): tp += 1
            case (0, 1): fp += 1
            case (0, 0): tn += 1
            default: fn += 1
            }
        }
        self.init(truePositives: tp, falsePositives: fp, trueNegatives: tn, falseNegatives: fn)
    }

    /// labels: [N] (0 or 1), scores: [N] (probabilities or logits); positive when score >= threshold.
    public init<S: BinaryFloatingPoint>(labels: [Int], scores: [S], threshold: S) {
        precondition(labels.count == scores.count,
                     "BinaryConfusionMatrix: \(labels.count) labels but \(scores.count) scores")
        self.init(labels: labels, predictions: scores.map { $0 >= threshold ? 1 : 0 })
    }

    /// scikit-learn's layout: `matrix[trueClass][predictedClass]`.
    public var matrix: [[Int]] { [[trueNegatives, falsePositives], [falseNegatives, truePositives]] }

    public var count: Int { truePositives + falsePositives + trueNegatives + falseNegatives }

    /// (TP + TN) / N; 0 for an empty set.
    public var accuracy: Double { metricRatio(truePositives + trueNegatives, count) }

    /// TP / (TP + FP): of the reviews called positive, the fraction that are. 0 when none is called positive.
    public var precision: Double { metricRatio(truePositives, truePositives + falsePositives) }

    /// TP / (TP + FN): of the positive reviews, the fraction found. 0 when there are none.
    public var recall: Double { metricRatio(truePositives, truePositives + falseNegatives) }

    /// The harmonic mean of precision and recall, 2TP / (2TP + FP + FN); 0 when that is 0 / 0.
    public var f1: Double { metricRatio(2 * truePositives, 2 * truePositives + falsePositives + falseNegatives) }

    public var description: String {
        """
                      predicted 0  predicted 1
        true 0 (neg)  \(pad(trueNegatives))  \(pad(falsePositives))
        true 1 (pos)  \(pad(falseNegatives))  \(pad(truePositives))
        """
    }

    private func pad(_ n: Int) -> String {
        let s = String(n)
        return String(repeating: " ", count: max(0, 11 - s.count)) + s
    }
}

/// a / b, or 0 when b is 0 (scikit-learn's zero_division default).
@inline(__always)
func metricRatio(_ a: Int, _ b: Int) -> Double { b == 0 ? 0 : Double(a) / Double(b) }

/// Stops with a message when a label is neither 0 nor 1 (a programming error, not bad data:
/// the loaders have already turned every data set's labels into 0 and 1).
func checkBinaryLabels(_ values: [Int], _ name: String) {
    if let i = values.firstIndex(where: { $0 != 0 && $0 != 1 }) {
        preconditionFailure("binary metrics: \(name)[\(i)] is \(values[i]); expected 0 (negative) or 1 (positive)")
    }
}
