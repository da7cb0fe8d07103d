// The model this walkthrough judges until Lesson 5's LSTM is plugged in: a logistic regression
// on word presence, logit = b + Σ_{w in review} weight[w], trained by minibatch SGD in Double.
//
// It is deliberately left unregularised and trained past its best validation loss, so it ends
// over-confident: the raw logits of a model like this are what temperature scaling (section 7)
// is for. Its tokens come from Lesson 2's Tokenizer and Vocabulary, as the LSTM's do.

import Foundation
import Lesson2
import TensorCore

struct BagOfWordsScorer {
    let vocabulary: Vocabulary
    /// [V]: the weight of each vocabulary word; <pad> and <unk> stay 0.
    private(set) var weights: [Double]
    private(set) var bias = 0.0

    /// documents: tokenised training reviews, labels: [N] (0 or 1).
    init(documents: [[String]], labels: [Int], maxVocabulary: Int = 20_000, minFrequency: Int = 2,
         epochs: Int = 60, batchSize: Int = 32, learningRate: Double = 0.5, seed: UInt64) {
        vocabulary = Vocabulary(counting: documents, maxSize: maxVocabulary, minFrequency: minFrequency)
        weights = Array(repeating: 0, count: vocabulary.count)
        let features = documents.map(featureIDs)
        var rng = SeededRNG(seed: seed)
        for _ in 0..<epochs {
            let order = rng.permutation(features.count)
            for start in stride(from: 0, to: order.count, by: batchSize) {
                let batch = order[start..<min(start + batchSize, order.count)]
                // d(mean BCE)/d logit = (σ(z) - y) / B, spread over the review's words.
                var biasGradient = 0.0
                var gradient: [Int: Double] = [:]
                for i in batch {
                    let g = (1 / (1 + exp(-logit(featureIDs: features[i]))) - Double(labels[i])) / Double(batch.count)
                    biasGradient += g
                    for id in features[i] { gradient[id, default: 0] += g }
                }
                bias -= learningRate * biasGradient
                for (id, g) in gradient { weights[id] -= learningRate * g }
            }
        }
    }

    /// The distinct known words of a review (presence, not counts: a word said five times is
    /// not five times the evidence).
    func featureIDs(_ tokens: [String]) -> [Int] {
        Array(Set(tokens.map { vocabulary.id($0) }.filter { $0 != Vocabulary.unk && $0 != Vocabulary.pad })).sorted()
    }

    func logit(featureIDs ids: [Int]) -> Double {
        ids.reduce(bias) { $0 + weights[$1] }
    }

    /// The logit of a tokenised review.
    func logit(_ tokens: [String]) -> Double { logit(featureIDs: featureIDs(tokens)) }
}
