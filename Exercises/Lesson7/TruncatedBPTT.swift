// Your copy of Solutions/Lesson7/TruncatedBPTT.swift (made by `make exercises`): replace each unimplemented(...) line with your code.
// Lesson 7, part 2, section 15: truncated backpropagation through time over a long stream.
//
// A language model reads the reviews as one stream of tokens (each review followed by <eos>).
// The stream is cut into B parallel streams side by side (PyTorch's word_language_model
// `batchify`): stream b is the b-th of B equal consecutive pieces, the leftover tokens dropped.
//
//     tokens  a b c d e f g h i j k           B = 2, L = 5:   step t:  0 1 2 3 4
//     stream 0: a b c d e                                              a b c d e
//     stream 1: f g h i j      (k dropped)                             f g h i j
//
// stored step-major [L][B], so that T consecutive steps are a chunk [T][B] ready for the LSTM.
// A chunk's targets are its inputs one step later. The LSTM's state after one chunk is where the
// next chunk starts (the text goes on), but backpropagation stops at the chunk's first step:
// the carried state is a constant for the next chunk (PyTorch: `hidden.detach()`), so the cost of
// a step does not grow with the length of the stream.
//
// The backward language model runs the same code on the stream reversed.

import Lesson2
import Lesson3
import Lesson4
import TensorCore

/// The stream cut into `streams` parallel streams of L = stream.count / streams tokens (the
/// remainder dropped), step-major: result[t][b] = stream[b · L + t].
///   stream [L·B + r] -> [L][B]
public func batchify(_ stream: [Int32], streams: Int) -> [[Int32]] {
    precondition(streams >= 1 && stream.count >= 2 * streams,
                 "batchify: needs at least 2 tokens per stream, got \(stream.count) tokens for \(streams) streams")
    unimplemented("batchify", lesson: 7, see: "section 15.1")
}

/// The chunk of at most `steps` steps starting at step `start`, and its targets one step later;
/// the last chunk is shorter (the final step has no next token, so it is never an input).
///   streams [L][B] -> inputs [S][B], targets [S][B], S = min(steps, L − 1 − start)
public func chunk(_ streams: [[Int32]], start: Int, steps: Int) -> (inputs: [[Int32]], targets: [[Int32]]) {
    precondition(steps >= 1 && start >= 0 && start < streams.count - 1,
                 "chunk: start \(start) must be before the last of \(streams.count) steps, steps \(steps) at least 1")
    unimplemented("chunk", lesson: 7, see: "section 15.1")
}

extension LanguageModel {
    /// Token ids [S][B] -> their embeddings [S, B, E] and the cache for `embedding.backward`.
    public func embed(_ ids: [[Int32]]) -> (x: Tensor<T>, cache: Embedding<T>.Cache) {
        let (y, cache) = embedding.forward(ids.flatMap { $0 }, shape: [ids.count, ids[0].count])
        return (y, cache)
    }

    /// One chunk of truncated BPTT (section 15.2): the LSTM starts from `carried` (nil: zeros, the
    /// stream's start), the head scores every position's next word against the shared `samples`,
    /// and backward stops at the chunk's first step. Returns the loss, the gradients, and the
    /// state the next chunk starts from.
    ///   inputs, targets [S][B]; samples [K] drawn from `noise` [V]; carried (h, c) [1, B, H] each
    public func chunkGradients(inputs: [[Int32]], targets: [[Int32]], samples: [Int], noise: [Double],
                               carried: LSTM<T>.StackedState?) -> ChunkGradients<T> {
        precondition(!inputs.isEmpty && inputs.count == targets.count && zip(inputs, targets).allSatisfy { $0.count == $1.count },
                     "chunkGradients: inputs and targets must both be [S][B]")
        var rng = SeededRNG(seed: 0)   // no dropout: nothing is drawn
        unimplemented("chunkGradients", lesson: 7, see: "section 15.2")
    }
}
