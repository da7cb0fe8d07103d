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
    // BEGIN SOLUTION: accuracy (section 3)
    let total = confusion.reduce(0) { $0 + $1.reduce(0, +) }
    let correct = confusion.indices.reduce(0) { $0 + confusion[$1][$1] }
    return total == 0 ? 0 : Double(correct) / Double(total)
    // END SOLUTION
}

/// Precision, recall, F1 and support of every class. confusion: [K][K] -> [K]
public func perClassScores(confusion: [[Int]]) -> [ClassScores] {
    // BEGIN SOLUTION: perClassScores (section 3)
    let k = confusion.count
    func ratio(_ a: Int, _ b: Int) -> Double { b == 0 ? 0 : Double(a) / Double(b) }
    return (0..<k).map { c in
        let tp = confusion[c][c]
        let predicted = (0..<k).reduce(0) { $0 + confusion[$1][c] }   // column sum
        let actual = confusion[c].reduce(0, +)                         // row sum
        let fp = predicted - tp, fn = actual - tp
        return ClassScores(precision: ratio(tp, predicted), recall: ratio(tp, actual),
                           f1: ratio(2 * tp, 2 * tp + fp + fn), support: actual)
    }
    // END SOLUTION
}

/// The unweighted mean of each score over classes; support is the total. scores: [K]
public func macroAverage(_ scores: [ClassScores]) -> ClassScores {
    // BEGIN SOLUTION: macroAverage (section 3)
    let n = Double(scores.count)
    guard n > 0 else { return ClassScores(precision: 0, recall: 0, f1: 0, support: 0) }
    return ClassScores(precision: scores.reduce(0) { $0 + $1.precision } / n,
                       recall: scores.reduce(0) { $0 + $1.recall } / n,
                       f1: scores.reduce(0) { $0 + $1.f1 } / n,
                       support: scores.reduce(0) { $0 + $1.support })
    // END SOLUTION
}

/// The support-weighted mean of each score over classes; support is the total. scores: [K]
/// (all zero when the total support is 0, as in scikit-learn).
public func weightedAverage(_ scores: [ClassScores]) -> ClassScores {
    // BEGIN SOLUTION: weightedAverage (section 3)
    let total = scores.reduce(0) { $0 + $1.support }
    guard total > 0 else { return ClassScores(precision: 0, recall: 0, f1: 0, support: 0) }
    func mean(_ value: (ClassScores) -> Double) -> Double {
        scores.reduce(0) { $0 + value($1) * Double($1.support) } / Double(total)
    }
    return ClassScores(precision: mean(\.precision), recall: mean(\.recall), f1: mean(\.f1), support: total)
    // END SOLUTION
}
