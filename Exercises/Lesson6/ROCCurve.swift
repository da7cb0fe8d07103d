// Your copy of Solutions/Lesson6/ROCCurve.swift (made by `make exercises`): replace each unimplemented(...) line with your code.
// Lesson 6, section 4: the ROC curve and the area under it, as sklearn.metrics.roc_curve
// (drop_intermediate=False) and roc_auc_score compute them.
//
// Sort the reviews by score, highest first, and lower a threshold through the scores. At each
// threshold t, every review with score >= t is called positive:
//
//     TPR(t) = TP(t) / P      (recall: the share of positives caught)
//     FPR(t) = FP(t) / N      (the share of negatives wrongly caught)
//
// The curve starts at (0, 0) for t = +infinity (nothing called positive) and ends at (1, 1)
// at the lowest score (everything positive). Its area, by the trapezoid rule, is the chance
// that a random positive review scores above a random negative one (ties count one half).
//
// TIES: thresholds sit at the DISTINCT scores only. Reviews with the same score cross the
// threshold together, so the curve moves diagonally over a tie, which is where the half for a
// tied pair comes from. Walking one review at a time instead gives a staircase whose area
// depends on how the sort happened to order the tied reviews.
//
// With one class only, P or N is 0 and a rate is 0/0 = NaN; scikit-learn then warns and
// returns NaN for the AUC, and so does this code.

import TensorCore

/// labels: [N] (0 or 1), scores: [N] (higher = more positive) ->
/// falsePositiveRate, truePositiveRate, thresholds: [D + 1] for D distinct scores, where
/// thresholds = [+infinity, distinct scores decreasing] and the rates start at 0.
public func rocCurve(labels: [Int], scores: [Double])
    -> (falsePositiveRate: [Double], truePositiveRate: [Double], thresholds: [Double]) {
    precondition(labels.count == scores.count, "rocCurve: \(labels.count) labels but \(scores.count) scores")
    unimplemented("rocCurve", lesson: 6, see: "section 4")
}

/// The area under the ROC curve (trapezoid rule). labels, scores: [N] -> a number in [0, 1],
/// NaN when labels hold one class only.
public func rocAUC(labels: [Int], scores: [Double]) -> Double {
    unimplemented("rocAUC", lesson: 6, see: "section 4")
}
