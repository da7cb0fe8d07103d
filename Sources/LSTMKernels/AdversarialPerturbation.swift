// The perturbation of adversarial training on embedded words (Lesson 7, section 17.2; Miyato et
// al. 2017): to first order, the change of a batch's LSTM input that raises the loss most among
// those of length ε per review.

import TensorCore

public enum AdversarialPerturbation {
    /// dx: [T, B, E] time-major (∂L/∂x), lengths: [B] -> r: [T, B, E], ε·dx/‖dx‖ per review over
    /// its first lengths[b] steps and all E numbers, 0 at padding (a review whose gradient is 0
    /// there gets no perturbation). ‖·‖ is summed in Double.
    public static func along<T: TensorScalar>(_ dx: Tensor<T>, lengths: [Int], epsilon: Double) -> Tensor<T> {
        precondition(dx.rank == 3 && dx.shape[1] == lengths.count, "AdversarialPerturbation: dx \(dx.shape) for \(lengths.count) reviews")
        let (steps, B, E) = (dx.shape[0], dx.shape[1], dx.shape[2])
        var r = Tensor<T>(shape: dx.shape)
        for b in 0..<B {
            let rows = (0..<min(lengths[b], steps)).map { t in (t * B + b) * E ..< (t * B + b + 1) * E }
            let sum = rows.reduce(0.0) { s, row in dx.scalars[row].reduce(s) { $0 + Double($1) * Double($1) } }
            guard sum > 0, sum.isFinite else { continue }
            let scale = epsilon / sum.squareRoot()
            for row in rows {
                for i in row { r.scalars[i] = T(Double(dx.scalars[i]) * scale) }
            }
        }
        return r
    }
}
