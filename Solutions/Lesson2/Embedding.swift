// Lesson 2, section 5: the embedding layer, nn.Embedding.
//
//     forward    y[n, :] = W[ids[n], :]                 ids: shape (any, e.g. [T, B]), W: [V, E]
//                                                       -> y: shape + [E]
//     backward   dW[v, :] = Σ_{n : ids[n] = v} dy[n, :]   (scatter-add)   dy: shape + [E] -> dW: [V, E]
//                dW[paddingIndex, :] = 0
//
// V is the vocabulary size, E the embedding size, n runs over every position of `ids`.
// The lookup is the same as multiplying a one-hot row by W, so its gradient is the one-hot
// rows transposed times dy: each position adds its upstream gradient into the row it read.
// A word used three times in a batch receives three contributions; a word not used receives
// nothing. That is why the backward pass must accumulate (+=), never assign.
//
// The padding row is a convention, not calculus: PyTorch's `padding_idx` keeps its gradient
// at zero so <pad> stays the vector it started as (zeros), however many pads a batch holds.
//
// Frozen (`trainable = false`) the layer is a fixed table, as when using pretrained GloVe
// vectors unchanged: `trainableGradient` returns nil, so an optimiser has nothing to update
// and the scatter-add is not even computed.

import TensorCore

public struct Embedding<T: TensorScalar>: Sendable {
    /// [V, E]: row v is the vector of word id v.
    public var weight: Tensor<T>
    /// The id whose row gets no gradient (nn.Embedding's padding_idx); nil for none.
    public var paddingIndex: Int?
    /// false freezes the table: no gradient, nothing for an optimiser to update.
    public var trainable: Bool

    /// V
    public var vocabularySize: Int { weight.shape[0] }
    /// E
    public var embeddingSize: Int { weight.shape[1] }

    /// What backward needs from forward: the ids and their shape.
    public struct Cache: Sendable {
        public let ids: [Int32]
        public let shape: [Int]
        public init(ids: [Int32], shape: [Int]) {
            self.ids = ids
            self.shape = shape
        }
    }

    /// A layer with the given table (e.g. pretrained vectors), used as it is: like
    /// nn.Embedding.from_pretrained, the padding row is not zeroed here.
    public init(weight: Tensor<T>, paddingIndex: Int? = Vocabulary.pad, trainable: Bool = true) {
        precondition(weight.rank == 2, "Embedding: weight must be [V, E], got \(weight.shape)")
        if let p = paddingIndex {
            precondition(p >= 0 && p < weight.shape[0], "Embedding: paddingIndex \(p) is outside 0..<\(weight.shape[0])")
        }
        self.weight = weight
        self.paddingIndex = paddingIndex
        self.trainable = trainable
    }

    /// A freshly initialised layer as nn.Embedding makes it: every entry N(0, 1), then the
    /// padding row set to zero (section 5.1).
    public init(vocabularySize: Int, embeddingSize: Int, paddingIndex: Int? = Vocabulary.pad,
                trainable: Bool = true, rng: inout SeededRNG) {
        // BEGIN SOLUTION: Embedding.init(vocabularySize:embeddingSize:rng:) (section 5.1)
        var weight = Tensor<T>.normal([vocabularySize, embeddingSize], mean: 0, std: 1, rng: &rng)
        if let p = paddingIndex, p >= 0, p < vocabularySize {
            weight.setRows(p..<(p + 1), to: Tensor.zeros([1, embeddingSize]))
        }
        self.init(weight: weight, paddingIndex: paddingIndex, trainable: trainable)
        // END SOLUTION
    }

    /// Looks up the row of every id (section 5.1).
    ///   ids: `shape.reduce(1, *)` ids in row-major order, e.g. time-major [T, B]
    ///   -> y: shape + [E], y[..., :] = weight[id, :]
    public func forward(_ ids: [Int32], shape: [Int]) -> (y: Tensor<T>, cache: Cache) {
        precondition(shape.reduce(1, *) == ids.count, "Embedding.forward: \(ids.count) ids do not fill shape \(shape)")
        // BEGIN SOLUTION: Embedding.forward (section 5.1)
        // A gather: row n of [N, E] is row ids[n] of W (an id outside 0..<V stops it, with the id named).
        let y = weight.rows(ids.map { Int($0) }).reshaped(shape + [embeddingSize])   // [N, E] -> shape + [E]
        return (y, Cache(ids: ids, shape: shape))
        // END SOLUTION
    }

    public func callAsFunction(_ ids: [Int32], shape: [Int]) -> Tensor<T> {
        forward(ids, shape: shape).y
    }

    /// Scatter-adds the upstream gradient into the rows that were read (section 5.2).
    ///   dy: cache.shape + [E] -> dWeight: [V, E], zero in rows not used and in the padding row
    public func backward(_ dy: Tensor<T>, cache: Cache) -> Tensor<T> {
        precondition(dy.shape == cache.shape + [embeddingSize],
                     "Embedding.backward: dy has shape \(dy.shape), expected \(cache.shape + [embeddingSize])")
        // BEGIN SOLUTION: Embedding.backward (section 5.2)
        let e = embeddingSize
        var dWeight = Tensor<T>.zeros(weight.shape)
        // addToRows, not setRows: a word used at several positions collects every contribution.
        dWeight.addToRows(cache.ids.map { Int($0) }, dy.reshaped([cache.ids.count, e]))
        if let p = paddingIndex {
            dWeight.setRows(p..<(p + 1), to: Tensor.zeros([1, e]))
        }
        return dWeight
        // END SOLUTION
    }

    /// The gradient an optimiser should apply: `backward`'s when the layer is trainable, nil
    /// when it is frozen (section 5.4).
    public func trainableGradient(_ dy: Tensor<T>, cache: Cache) -> Tensor<T>? {
        // BEGIN SOLUTION: Embedding.trainableGradient (section 5.4)
        trainable ? backward(dy, cache: cache) : nil
        // END SOLUTION
    }
}
