// Lesson 5 walkthrough: your code's speed against the provided fast kernels', on the same
// training batches of the model just trained: the LSTM (Lesson 4), and around it the
// embedding, dropout, pooling, clipping and Adam. The two compute the same numbers; only the
// time differs.

import CourseData
import Foundation
import Lesson4
import Lesson5
import TensorCore
import Training

/// Seconds per training step (the whole model's forward and backward with dropout on, the
/// gradient norm and clipping, an Adam step) with the model on `kernel`, averaged over `batches`.
func secondsPerStep(_ model: SentimentLSTM<Float>, kernel: LSTMKernelChoice, batches: [TokenBatch]) -> Double {
    var timed = model
    timed.kernel = kernel
    var optimizer = AdamOptimizer<Float>(learningRate: 1e-3)
    optimizer.kernel = kernel
    var rng = SeededRNG(seed: 0)
    let start = Date()
    for batch in batches {
        let (logits, cache) = timed.forward(ids: batch.ids, lengths: batch.lengths, training: true, rng: &rng)
        var grads = timed.backward(dLogits: logits / Float(batch.batchSize), cache: cache).list
        GradientClipping.clip(&grads, maxNorm: 5)
        timed.update(with: &optimizer, gradients: grads)
    }
    return Date().timeIntervalSince(start) / Double(max(batches.count, 1))
}

/// Both kernels' time per epoch: the one the run used as measured, the other one estimated from
/// the difference per step on the same batches (the data and the bookkeeping cost the same).
func describeKernelTimes(model: SentimentLSTM<Float>, used: LSTMKernelChoice, secondsPerEpoch: Double,
                         stepsPerEpoch: Int, batches: [TokenBatch]) -> String {
    let other: LSTMKernelChoice = used == .readable ? .fast : .readable
    _ = secondsPerStep(model, kernel: other, batches: Array(batches.prefix(1)))   // warm up
    let usedStep = secondsPerStep(model, kernel: used, batches: batches)
    let otherStep = secondsPerStep(model, kernel: other, batches: batches)
    let otherEpoch = max(0, secondsPerEpoch + Double(stepsPerEpoch) * (otherStep - usedStep))
    let readable = used == .readable ? (secondsPerEpoch, usedStep) : (otherEpoch, otherStep)
    let fast = used == .fast ? (secondsPerEpoch, usedStep) : (otherEpoch, otherStep)
    return String(format: """
        Time per epoch (%d steps), the training step on
          your readable code (Lessons 1-5)  %7.1f s%@   %6.1f ms per step
          the provided fast kernels         %7.1f s%@   %6.1f ms per step
        Your code takes %.2f× the fast kernels' time per epoch (steps timed on the same %d training batches).
        """, stepsPerEpoch,
        readable.0, (used == .readable ? " (this run)" : " (estimated)") as NSString, 1000 * readable.1,
        fast.0, (used == .fast ? " (this run)" : " (estimated)") as NSString, 1000 * fast.1,
        readable.0 / max(fast.0, 1e-9), batches.count)
}
