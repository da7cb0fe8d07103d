// Threshold-free metrics: the ROC curve with its area (ROC AUC) and the precision-recall curve
// with average precision, computed exactly as scikit-learn 1.9 computes `roc_curve`,
// `roc_auc_score`, `precision_recall_curve` and `average_precision_score`.
//
// Both curves sweep a threshold down through the scores. Thresholds sit at the DISTINCT
// scores only: reviews with tied scores cross the threshold together, so a tie moves the curve
// diagonally in one step instead of in an order-dependent staircase. (Sorting and walking one
// review at a time would give an AUC that depends on how the sort broke the ties.)
//
// Edge cases, where scikit-learn warns and returns NaN (or 0), these return nil:
//   - ROCCurve and ROC AUC need both classes in `labels` (sklearn: NaN rates, AUC NaN).
//   - PrecisionRecallCurve and average precision need at least one positive label
//     (sklearn: recall set to 1, AP 0.0). With positives only, AP is 1, as in sklearn.

/// Cumulative counts at each distinct score, scores sorted decreasing (sklearn's
/// `confusion_matrix_at_thresholds`): at `thresholds[i]`, `truePositives[i]` positives and
/// `falsePositives[i]` negatives have `score >= thresholds[i]`.
struct ThresholdCounts {
    var truePositives: [Int] = []
    var falsePositives: [Int] = []
    var thresholds: [Double] = []

    /// labels: [N] (0 or 1), scores: [N] finite.
    init<S: BinaryFloatingPoint>(labels: [Int], scores: [S]) {
        precondition(labels.count == scores.count, "binary metrics: \(labels.count) labels but \(scores.count) scores")
        checkBinaryLabels(labels, "labels")
        let values = scores.map { Double($0) }
        if let i = values.firstIndex(where: { !$0.isFinite }) {
            preconditionFailure("binary metrics: scores[\(i)] is \(values[i]); scores must be finite")
        }
        // Decreasing score; equal scores keep their order (it does not matter which, see above).
        let order = values.indices.sorted { values[$0] > values[$1] || (values[$0] == values[$1] && $0 < $1) }
        var tp = 0, fp = 0
        for (k, i) in order.enumerated() {
            if labels[i] == 1 { tp += 1 } else { fp += 1 }
            // Close a threshold at the last review of each run of equal scores.
            if k == order.count - 1 || values[order[k + 1]] != values[i] {
                truePositives.append(tp)
                falsePositives.append(fp)
                thresholds.append(values[i])
            }
        }
    }
}

/// The receiver operating characteristic: true-positive rate against false-positive rate as
/// the threshold falls from +infinity (nothing positive, point (0, 0)) to the lowest score
/// (everything positive, point (1, 1)).
public struct ROCCurve: Sendable, Equatable {
    /// FP / negatives at each threshold, non-decreasing from 0 to 1.
    public var falsePositiveRate: [Double]
    /// TP / positives at each threshold, non-decreasing from 0 to 1.
    public var truePositiveRate: [Double]
    /// `+infinity` first (sklearn >= 1.3), then the distinct scores in decreasing order.
    public var thresholds: [Double]

    /// labels: [N] (0 or 1), scores: [N] (higher means more positive). nil unless both
    /// classes are present. `dropIntermediate` (sklearn's default, true) leaves out thresholds
    /// whose points lie on a straight segment between their neighbours; the area is the same.
    public init?<S: BinaryFloatingPoint>(labels: [Int], scores: [S], dropIntermediate: Bool = true) {
        let counts = ThresholdCounts(labels: labels, scores: scores)
        var tps = counts.truePositives, fps = counts.falsePositives, thresholds = counts.thresholds
        guard let positives = tps.last, let negatives = fps.last, positives > 0, negatives > 0 else { return nil }
        if dropIntermediate && tps.count > 2 {
            // Keep a point when the second difference of either count is non-zero (a corner).
            var keep = [0]
            for i in 1..<(tps.count - 1)
            where fps[i + 1] - 2 * fps[i] + fps[i - 1] != 0 || tps[i + 1] - 2 * tps[i] + tps[i - 1] != 0 {
                keep.append(i)
            }
            keep.append(tps.count - 1)
            tps = keep.map { tps[$0] }
            fps = keep.map { fps[$0] }
            thresholds = keep.map { thresholds[$0] }
        }
        falsePositiveRate = [0] + fps.map { Double($0) / Double(negatives) }
        truePositiveRate = [0] + tps.map { Double($0) / Double(positives) }
        self.thresholds = [.infinity] + thresholds
    }

    /// The area under the curve by the trapezoid rule (sklearn's `auc`): the probability that
    /// a random positive scores above a random negative, counting ties as one half.
    public var auc: Double {
        var area = 0.0
        for i in 1..<falsePositiveRate.count {
            area += (falsePositiveRate[i] - falsePositiveRate[i - 1]) * (truePositiveRate[i] + truePositiveRate[i - 1]) / 2
        }
        return area
    }

    /// ROC AUC of scores against labels; nil unless both classes are present.
    public static func auc<S: BinaryFloatingPoint>(labels: [Int], scores: [S]) -> Double? {
        ROCCurve(labels: labels, scores: scores, dropIntermediate: false)?.auc
    }
}

/// Precision against recall as the threshold falls, in scikit-learn's order: increasing
/// thresholds (so recall decreasing), ending with the point (recall 0, precision 1) that has
/// no threshold.
public struct PrecisionRecallCurve: Sendable, Equatable {
    /// [K + 1]: TP / (TP + FP) at each threshold, then 1.
    public var precision: [Double]
    /// [K + 1]: TP / positives at each threshold, then 0.
    public var recall: [Double]
    /// [K]: the distinct scores, increasing.
    public var thresholds: [Double]

    /// labels: [N] (0 or 1), scores: [N]. nil when no label is positive (recall undefined).
    public init?<S: BinaryFloatingPoint>(labels: [Int], scores: [S]) {
        let counts = ThresholdCounts(labels: labels, scores: scores)
        guard let positives = counts.truePositives.last, positives > 0 else { return nil }
        let p = zip(counts.truePositives, counts.falsePositives).map { tp, fp in metricRatio(tp, tp + fp) }
        let r = counts.truePositives.map { Double($0) / Double(positives) }
        precision = p.reversed() + [1]
        recall = r.reversed() + [0]
        thresholds = counts.thresholds.reversed()
    }

    /// Average precision, sklearn's step-wise sum AP = sum_k (R_k - R_{k-1}) P_k: each gain in
    /// recall weighted by the precision reached there. No interpolation between points (the
    /// trapezoid under a PR curve overstates a model, since precision does not move linearly).
    public var averagePrecision: Double {
        var sum = 0.0
        for k in 0..<(recall.count - 1) {
            sum -= (recall[k + 1] - recall[k]) * precision[k]
        }
        return max(0, sum)  // rounding can leave -0.0 for a model that finds nothing
    }

    /// Average precision of scores against labels; nil when no label is positive.
    public static func averagePrecision<S: BinaryFloatingPoint>(labels: [Int], scores: [S]) -> Double? {
        PrecisionRecallCurve(labels: labels, scores: scores)?.averagePrecision
    }
}
