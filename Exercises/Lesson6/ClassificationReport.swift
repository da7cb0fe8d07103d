// Your copy of Solutions/Lesson6/ClassificationReport.swift (made by `make exercises`): replace each unimplemented(...) line with your code.
// Lesson 6, section 3: the whole of sklearn's classification_report, from the scores of
// ClassificationScores.swift, as a value and as the table scikit-learn prints.

import Foundation
import TensorCore

/// Everything sklearn's classification_report prints, built from the functions above.
public struct PerClassReport: Equatable, Sendable, CustomStringConvertible {
    public var confusion: [[Int]]
    /// [K], class k at index k.
    public var classes: [ClassScores]
    public var accuracy: Double
    public var macroAverage: ClassScores
    public var weightedAverage: ClassScores
    /// Names printed for the classes (defaults to "0", "1", ...).
    public var classNames: [String]

    /// labels, predictions: [N] in 0..<classCount.
    public init(labels: [Int], predictions: [Int], classCount: Int, classNames: [String]? = nil) {
        confusion = confusionMatrix(labels: labels, predictions: predictions, classCount: classCount)
        classes = perClassScores(confusion: confusion)
        accuracy = Lesson6.accuracy(confusion: confusion)
        macroAverage = Lesson6.macroAverage(classes)
        weightedAverage = Lesson6.weightedAverage(classes)
        self.classNames = classNames ?? (0..<classCount).map(String.init)
    }

    /// The table in scikit-learn's layout.
    public var description: String {
        let width = max(12, classNames.map(\.count).max() ?? 0)
        func name(_ s: String) -> String { String(repeating: " ", count: max(0, width - s.count)) + s }
        func row(_ label: String, _ s: ClassScores) -> String {
            name(label) + String(format: "  %9.4f %9.4f %9.4f %9d", s.precision, s.recall, s.f1, s.support)
        }
        var lines = [name("") + "  precision    recall        f1   support", ""]
        for (k, s) in classes.enumerated() { lines.append(row(classNames[k], s)) }
        lines.append("")
        lines.append(name("accuracy") + String(repeating: " ", count: 22) + String(format: "%9.4f %9d", accuracy, macroAverage.support))
        lines.append(row("macro avg", macroAverage))
        lines.append(row("weighted avg", weightedAverage))
        return lines.joined(separator: "\n")
    }
}
