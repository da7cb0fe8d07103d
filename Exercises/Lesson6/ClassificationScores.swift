// Your copy of Solutions/Lesson6/ClassificationScores.swift (made by `make exercises`): replace each unimplemented(...) line with your code.
// Lesson 6, section 3: precision, recall and F1 for every class, with macro and weighted
// averages: sklearn.metrics.classification_report (precision_recall_fscore_support).
//
// From a confusion matrix C (rows true, columns predicted), for class k:
//
//     TP_k = C[k][k]
//     precision_k = TP_k / Σ_i C[i][k]       of everything predicted k, the fraction that is k
//     recall_k    = TP_k / Σ_j C[k][j]       of everything that is k, the fraction found
//     F1_k        = 2 P R / (P + R) = 2 TP_k / (2 TP_k + FP_k + FN_k)
//     support_k   = Σ_j C[k][j]              how many examples are really k
//
// A ratio whose denominator is 0 is 0 (scikit-learn's zero_division default, which also warns).
//
//     accuracy          = Σ_k C[k][k] / N
//     macro average     = the plain mean over classes: every class counts the same, so a rare
//                         class the model ignores pulls it down
//     weighted average  = the mean weighted by support: dominated by the frequent classes

import TensorCore

/// The scores of one class (or an average over classes).
public struct ClassScores: Equatable, Sendable {
    public var precision: Double
    public var recall: Double
    public var f1: Double
    /// Number of examples whose true class is this one (for an average: all examples).
    public var support: Int

    public init(precision: Double, recall: Double, f1: Double, support: Int) {
        self.precision = precision
        self.recall = recall
        self.f1 = f1
        self.support = support
    }
}

/// The fraction of examples on the diagonal. confusion: [K][K] -> a number in [0, 1]
/// (0 when the table is empty).
public func accuracy(confusion: [[Int]]) -> Double {
    unimplemented("accuracy", lesson: 6, see: "section 3")
}

/// Precision, recall, F1 and support of every class. confusion: [K][K] -> [K]
public func perClassScores(confusion: [[Int]]) -> [ClassScores] {
    unimplemented("perClassScores", lesson: 6, see: "section 3")
}

/// The unweighted mean of each score over classes; support is the total. scores: [K]
public func macroAverage(_ scores: [ClassScores]) -> ClassScores {
    unimplemented("macroAverage", lesson: 6, see: "section 3")
}

/// The support-weighted mean of each score over classes; support is the total. scores: [K]
/// (all zero when the total support is 0, as in scikit-learn).
public func weightedAverage(_ scores: [ClassScores]) -> ClassScores {
    unimplemented("weightedAverage", lesson: 6, see: "section 3")
}
