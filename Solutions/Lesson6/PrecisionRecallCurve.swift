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
    // BEGIN SOLUTION: precisionRecallCurve (section 5)
    let order = scores.indices.sorted { scores[$0] > scores[$1] }
    var tp = 0.0, fp = 0.0
    var tps: [Double] = [], fps: [Double] = [], thresholds: [Double] = []
    for (k, i) in order.enumerated() {
        if labels[i] == 1 { tp += 1 } else { fp += 1 }
        if k == order.count - 1 || scores[order[k + 1]] != scores[i] {
            tps.append(tp)
            fps.append(fp)
            thresholds.append(scores[i])
        }
    }
    // Every threshold calls at least one review positive, so TP + FP > 0.
    let precision = zip(tps, fps).map { $0 / ($0 + $1) }
    let recall = tps.map { $0 / tp }
    return (precision.reversed() + [1], recall.reversed() + [0], thresholds.reversed())
    // END SOLUTION
}

/// Average precision (step-wise, no interpolation). labels, scores: [N] -> a number in [0, 1].
public func averagePrecision(labels: [Int], scores: [Double]) -> Double {
    // BEGIN SOLUTION: averagePrecision (section 5)
    let (precision, recall, _) = precisionRecallCurve(labels: labels, scores: scores)
    var ap = 0.0
    for k in 0..<(recall.count - 1) {
        ap += (recall[k] - recall[k + 1]) * precision[k]
    }
    return ap
    // END SOLUTION
}
