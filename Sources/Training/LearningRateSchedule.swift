// How the learning rate moves during a run. Two schedules, as PyTorch names them:
//
//   reduceOnPlateau: constant until the monitored validation figure stops improving, then
//                    multiplied by a factor (torch.optim.lr_scheduler.ReduceLROnPlateau).
//   cosine:          a linear warm-up from 0 over `warmupSteps`, then half a cosine from the
//                    base rate down to 0 at the last step of the last epoch
//                    (torch.optim.lr_scheduler.CosineAnnealingLR with a warm-up in front).
//
// The cosine rate is a function of the global step alone, so a resumed run follows the same
// curve as one that was never stopped. Its small steps at the end settle the weights in a
// minimum instead of bouncing around it, which is what the last epochs of a fixed budget need.

import Foundation

public enum LearningRateSchedule: Equatable, Sendable {
    case constant
    case reduceOnPlateau(ReduceLROnPlateau)
    case cosine(warmupSteps: Int)
}

public enum CosineDecay {
    /// The learning rate for 0-based `step` of `totalSteps`.
    public static func learningRate(base: Double, step: Int, totalSteps: Int, warmupSteps: Int) -> Double {
        if step < warmupSteps { return base * Double(step + 1) / Double(warmupSteps + 1) }
        let span = max(totalSteps - warmupSteps, 1)
        let progress = min(Double(step - warmupSteps) / Double(span), 1)
        return base * 0.5 * (1 + cos(Double.pi * progress))
    }
}
