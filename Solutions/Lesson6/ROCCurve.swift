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
    // BEGIN SOLUTION: rocCurve (section 4)
    let order = scores.indices.sorted { scores[$0] > scores[$1] }
    var tp = 0.0, fp = 0.0
    var tps: [Double] = [0], fps: [Double] = [0], thresholds: [Double] = [.infinity]
    for (k, i) in order.enumerated() {
        if labels[i] == 1 { tp += 1 } else { fp += 1 }
        // A threshold closes after the last review of a run of equal scores.
        if k == order.count - 1 || scores[order[k + 1]] != scores[i] {
            tps.append(tp)
            fps.append(fp)
            thresholds.append(scores[i])
        }
    }
    // tp and fp now hold P and N; 0/0 gives NaN for a missing class, as in scikit-learn.
    return (fps.map { $0 / fp }, tps.map { $0 / tp }, thresholds)
    // END SOLUTION
}

/// The area under the ROC curve (trapezoid rule). labels, scores: [N] -> a number in [0, 1],
/// NaN when labels hold one class only.
public func rocAUC(labels: [Int], scores: [Double]) -> Double {
    // BEGIN SOLUTION: rocAUC (section 4)
    let (fpr, tpr, _) = rocCurve(labels: labels, scores: scores)
    var area = 0.0
    for i in 1..<fpr.count {
        area += (fpr[i] - fpr[i - 1]) * (tpr[i] + tpr[i - 1]) / 2
    }
    return area
    // END SOLUTION
}
