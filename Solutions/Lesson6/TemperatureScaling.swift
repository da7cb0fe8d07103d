// Lesson 6, section 7: temperature scaling (Guo, Pleiss, Sun, Weinberger 2017, "On
// Calibration of Modern Neural Networks"), for a binary classifier with one logit z.
//
// A network trained to low loss is often over-confident: among reviews it calls 95% positive,
// fewer than 95% are. Temperature scaling divides every logit by one number T > 0,
//
//     p = σ(z / T),
//
// fitted on the VALIDATION split (never the test split, which would then no longer measure
// anything) to minimise the negative log-likelihood, the mean binary cross-entropy:
//
//     NLL(T) = (1/N) Σ  softplus(z/T) - y z/T,    softplus(a) = max(a, 0) + log(1 + e^{-|a|})
//
// T > 1 softens over-confident probabilities, T < 1 sharpens timid ones. Dividing by a positive
// number keeps the order of the scores, so accuracy, ROC AUC and AP do not move at all: only
// the probabilities become honest.
//
// Fitting: NLL is not convex in T, but it is convex in β = 1/T (it is a logistic regression
// with one weight and the logit as its only feature). So Newton's method on β, with
//
//     g(β) = dNLL/dβ   = (1/N) Σ (σ(β z) - y) z
//     h(β) = d²NLL/dβ² = (1/N) Σ σ(β z)(1 - σ(β z)) z²  >= 0,
//
// and a halving step when a full Newton step would raise the loss, converges in a handful of
// steps to machine precision. All in Double. (Golden-section search on log T works too.)

import TensorCore

/// The mean binary cross-entropy of σ(logits / temperature) against labels.
/// logits: [N], labels: [N] (0 or 1), temperature > 0 -> NLL >= 0.
public func temperatureNLL(logits: [Double], labels: [Int], temperature: Double) -> Double {
    precondition(logits.count == labels.count, "temperatureNLL: \(logits.count) logits but \(labels.count) labels")
    // BEGIN SOLUTION: temperatureNLL (section 7)
    guard !logits.isEmpty else { return 0 }
    var total = 0.0
    for (z, y) in zip(logits, labels) {
        let a = z / temperature
        total += max(a, 0) - a * Double(y) + Double.log1p(Double.exp(-abs(a)))
    }
    return total / Double(logits.count)
    // END SOLUTION
}

/// The temperature T that minimises temperatureNLL on (logits, labels), the validation split.
/// logits: [N], labels: [N] -> T (1 when the logits carry no information: all zero).
public func fitTemperature(logits: [Double], labels: [Int]) -> Double {
    precondition(logits.count == labels.count, "fitTemperature: \(logits.count) logits but \(labels.count) labels")
    // BEGIN SOLUTION: fitTemperature (section 7)
    let n = Double(logits.count)
    guard n > 0 else { return 1 }
    func loss(_ beta: Double) -> Double { temperatureNLL(logits: logits, labels: labels, temperature: 1 / beta) }
    var beta = 1.0
    var current = loss(beta)
    for _ in 0..<100 {
        var g = 0.0, h = 0.0
        for (z, y) in zip(logits, labels) {
            let p = 1 / (1 + Double.exp(-beta * z))
            g += (p - Double(y)) * z
            h += p * (1 - p) * z * z
        }
        guard h > 0 else { break }
        let step = g / h
        // Backtrack: far from the minimum a full Newton step can overshoot.
        var t = 1.0
        var next = loss(beta - step)
        while next > current && t > 1e-10 {
            t /= 2
            next = loss(beta - t * step)
        }
        beta -= t * step
        current = next
        if abs(t * step) <= 1e-13 * max(1, abs(beta)) { break }
    }
    return 1 / beta
    // END SOLUTION
}

/// σ(logits / temperature): the calibrated probabilities. logits: [N] -> [N]
public func scaledProbabilities(logits: [Double], temperature: Double) -> [Double] {
    logits.map { 1 / (1 + Double.exp(-$0 / temperature)) }
}
