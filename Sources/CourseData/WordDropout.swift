// Word dropout: in training, each token of a batch is replaced by <unk> with a small
// probability, so the model cannot lean on any one word (a film's title, an actor's name) being
// there. The test reviews are about other films: the words that identify a training film are
// worth nothing there, and a model that has to do without them now and then learns from the
// rest of the review (Iyyer et al. 2015; Dai & Le 2015 drop words the same way).

import TensorCore

public enum WordDropout {
    /// ids: a [T, B] batch (0 = padding, never replaced) -> the same with each other id replaced
    /// by `unknown` with probability `probability`.
    public static func apply(_ ids: inout [Int32], probability: Double, unknown: Int32, rng: inout SeededRNG) {
        guard probability > 0 else { return }
        for i in ids.indices where ids[i] != 0 && rng.nextUnit() < probability {
            ids[i] = unknown
        }
    }
}
