// Every binary metric of one evaluation in one value, for metrics.json and for printing.
// Threshold metrics (accuracy, precision, recall, F1) depend on where the line is drawn;
// ROC AUC and average precision rank the scores and do not.

import Foundation

/// The metrics of a binary classifier on one data split (class 1 positive).
public struct ClassificationReport: Codable, Sendable, Equatable, CustomStringConvertible {
    /// Number of examples.
    public var count: Int
    /// Number of examples labelled positive (the rest are negative).
    public var positives: Int
    /// A score >= threshold is predicted positive (0.5 for probabilities, 0 for logits).
    public var threshold: Double
    public var confusion: BinaryConfusionMatrix
    public var accuracy: Double
    public var precision: Double
    public var recall: Double
    public var f1: Double
    /// nil when `labels` hold one class only (undefined; scikit-learn returns NaN and warns).
    /// Left out of the JSON when nil.
    public var rocAUC: Double?
    /// nil when no label is positive (undefined; scikit-learn returns 0 and warns).
    public var averagePrecision: Double?

    /// labels: [N] (0 or 1), scores: [N] (probabilities or logits), threshold on the same scale.
    public init<S: BinaryFloatingPoint>(labels: [Int], scores: [S], threshold: S) {
        let confusion = BinaryConfusionMatrix(labels: labels, scores: scores, threshold: threshold)
        self.count = labels.count
        self.positives = labels.reduce(0, +)
        self.threshold = Double(threshold)
        self.confusion = confusion
        self.accuracy = confusion.accuracy
        self.precision = confusion.precision
        self.recall = confusion.recall
        self.f1 = confusion.f1
        self.rocAUC = ROCCurve.auc(labels: labels, scores: scores)
        self.averagePrecision = PrecisionRecallCurve.averagePrecision(labels: labels, scores: scores)
    }

    public var description: String {
        func f(_ x: Double?) -> String { x.map { String(format: "%.4f", $0) } ?? "undefined" }
        return """
        \(count) examples (\(positives) positive), threshold \(threshold)
        accuracy \(f(accuracy))  precision \(f(precision))  recall \(f(recall))  F1 \(f(f1))
        ROC AUC \(f(rocAUC))  average precision \(f(averagePrecision))
        \(confusion)
        """
    }
}
