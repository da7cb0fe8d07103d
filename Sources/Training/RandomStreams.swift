// Where every random number of a training run comes from. Each epoch and each step gets its own
// generator, seeded from (run seed, epoch, step) through SplitMix64's mixing function, so a run
// resumed at step s of epoch e draws exactly what the uninterrupted run drew there, without
// having to save a generator's state.

import TensorCore

public enum RandomStreams {
    /// SplitMix64's finaliser: nearby inputs give unrelated outputs.
    public static func mix(_ x: UInt64) -> UInt64 {
        var z = x &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// The seed of epoch `epoch` (1-based): shuffling and batching.
    public static func epochSeed(_ seed: UInt64, epoch: Int) -> UInt64 {
        mix(mix(seed) ^ UInt64(truncatingIfNeeded: epoch))
    }

    /// The generator of one training step (dropout masks).
    public static func stepRNG(_ seed: UInt64, epoch: Int, step: Int) -> SeededRNG {
        SeededRNG(seed: mix(epochSeed(seed, epoch: epoch) ^ mix(UInt64(truncatingIfNeeded: step) &+ 0x5151)))
    }
}
