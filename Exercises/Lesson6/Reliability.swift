// Your copy of Solutions/Lesson6/Reliability.swift (made by `make exercises`): replace each unimplemented(...) line with your code.
// Lesson 6, section 6: reliability diagrams and the expected calibration error (ECE).
//
// A classifier is calibrated when, among all reviews it gives probability p, a share p are
// positive. To look, cut [0, 1] into B equal bins, put each review in the bin of its
// probability of the positive class, and compare in each bin
//
//     meanProbability  = the mean predicted probability (what the model claims)
//     fractionPositive = the share of positive labels (what happened)
//
// A reliability diagram plots one against the other; a calibrated model lies on the diagonal.
// The bins are those of sklearn.calibration.calibration_curve(strategy="uniform"): bin b holds
// (b/B, (b+1)/B], except that the first one also holds 0. Empty bins are kept here (count 0,
// both means 0), so bin b is always at index b; calibration_curve leaves them out.
//
//     ECE = Σ_b (n_b / N) |fractionPositive_b - meanProbability_b|
//
// the gap, averaged over reviews (so a bin with many reviews counts for more). This is the
// positive-class ECE; Guo et al. bin the confidence of the PREDICTED class instead, which for
// two classes folds [0, 0.5] onto [0.5, 1]. Both read 0 for a perfectly calibrated model.

import TensorCore

/// One bin of a reliability diagram.
public struct ReliabilityBin: Equatable, Sendable {
    public var lower: Double
    public var upper: Double
    public var count: Int
    /// Mean predicted probability in the bin (0 when empty).
    public var meanProbability: Double
    /// Share of positive labels in the bin (0 when empty).
    public var fractionPositive: Double

    public init(lower: Double, upper: Double, count: Int, meanProbability: Double, fractionPositive: Double) {
        self.lower = lower
        self.upper = upper
        self.count = count
        self.meanProbability = meanProbability
        self.fractionPositive = fractionPositive
    }
}

/// probabilities: [N] in [0, 1] (of the positive class), labels: [N] (0 or 1) -> [binCount]
/// bins, bin b covering (b/binCount, (b+1)/binCount], the first one including 0.
public func reliabilityBins(probabilities: [Double], labels: [Int], binCount: Int) -> [ReliabilityBin] {
    precondition(probabilities.count == labels.count,
                 "reliabilityBins: \(probabilities.count) probabilities but \(labels.count) labels")
    precondition(binCount > 0, "reliabilityBins: binCount must be positive, got \(binCount)")
    if let i = probabilities.firstIndex(where: { !($0 >= 0 && $0 <= 1) }) {
        preconditionFailure("reliabilityBins: probabilities[\(i)] is \(probabilities[i]), outside [0, 1]")
    }
    unimplemented("reliabilityBins", lesson: 6, see: "section 6")
}

/// ECE of a set of bins: Σ_b (n_b / N) |fractionPositive_b - meanProbability_b| (0 when empty).
public func expectedCalibrationError(_ bins: [ReliabilityBin]) -> Double {
    unimplemented("expectedCalibrationError", lesson: 6, see: "section 6")
}
