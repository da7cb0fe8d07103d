// Your copy of Solutions/Lesson6/PrecisionRecallCurve.swift (made by `make exercises`): replace each unimplemented(...) line with your code.
// Lesson 6, section 5: the precision-recall curve and average precision, as
// sklearn.metrics.precision_recall_curve and average_precision_score compute them.
//
// The same threshold sweep as the ROC curve (distinct scores, ties cross together), but
// plotting, at each threshold t,
//
//     precision(t) = TP(t) / (TP(t) + FP(t))      recall(t) = TP(t) / P
//
// scikit-learn returns the points in order of INCREASING threshold (so recall falls from 1),
// then appends the point recall 0, precision 1, which has no threshold. Precision, unlike the
// ROC rates, is not monotone, and it does not change linearly between points, so the area is
// not taken by trapezoids. Average precision is a step-wise sum instead:
//
//     AP = Σ_k (R_k - R_{k+1}) P_k        (points in sklearn's order, R decreasing)
//
// each gain in recall weighted by the precision at which it was gained. A model that ranks at
// random scores AP ≈ the share of positives, not 0.5: on a data set with few positives the PR
// curve shows what the ROC curve hides.

import TensorCore

/// labels: [N] (0 or 1, at least one 1), scores: [N] -> precision, recall: [D + 1] and
/// thresholds: [D] for D distinct scores, thresholds increasing, then the point (R 0, P 1).
public func precisionRecallCurve(labels: [Int], scores: [Double])
    -> (precision: [Double], recall: [Double], thresholds: [Double]) {
    precondition(labels.count == scores.count, "precisionRecallCurve: \(labels.count) labels but \(scores.count) scores")
    unimplemented("precisionRecallCurve", lesson: 6, see: "section 5")
}

/// Average precision (step-wise, no interpolation). labels, scores: [N] -> a number in [0, 1].
public func averagePrecision(labels: [Int], scores: [Double]) -> Double {
    unimplemented("averagePrecision", lesson: 6, see: "section 5")
}
