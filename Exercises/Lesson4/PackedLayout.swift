// Your copy of Solutions/Lesson4/PackedLayout.swift (made by `make exercises`): replace each unimplemented(...) line with your code.
// Lesson 4, section 2: packing a batch of variable-length sequences, as PyTorch's
// pack_padded_sequence does.
//
// A padded batch x [T, B, F] holds B sequences of lengths L_b ≤ T; the steps t ≥ L_b are
// padding. Sort the sequences by length, longest first (a stable sort, so ties keep their
// order). Then at step k exactly the first
//
//     b_k = #{ b : L_b > k }                   ("batch sizes", PyTorch's batch_sizes)
//
// sorted sequences are still running, and they are a prefix: rows 0..<b_k. Stacking the rows
// of every step one after the other gives a packed matrix [N, F] with N = Σ L_b real tokens and
// no padding at all:
//
//     packed row offsets[k] + j  =  step k of sorted sequence j,   j < b_k
//     offsets[k] = b_0 + ... + b_{k-1}
//
// An LSTM then runs step k on rows offsets[k] ..< offsets[k] + b_k only, so its work is
// proportional to real tokens, and a padded step can never touch a state.
//
// The reverse direction of a bidirectional LSTM reads sequence j backwards from its own last
// real token: its step k is time position L_j - 1 - k. The batch sizes are the same; only the
// positions the packed rows come from differ.

import TensorCore

public struct PackedLayout: Sendable, Equatable {
    /// L_b for each sequence, in the batch's own order.
    public let lengths: [Int]
    /// T, the padded length of the tensors this layout reads and writes.
    public let timeSteps: Int
    /// Whether step k reads time position L - 1 - k (the reverse direction) instead of k.
    public let reverse: Bool
    /// order[j] = the batch index of the j-th longest sequence (stable: ties keep batch order).
    public let order: [Int]
    /// batchSizes[k] = b_k, the number of sequences still running at step k; max L entries.
    public let batchSizes: [Int]
    /// offsets[k] = first packed row of step k; offsets[steps] = N, the number of real tokens.
    public let offsets: [Int]

    /// Checks the lengths: each must be in 1...timeSteps (pack_padded_sequence also rejects 0).
    public init(lengths: [Int], timeSteps: Int, reverse: Bool = false) {
        precondition(!lengths.isEmpty, "PackedLayout: empty batch (no lengths)")
        for (b, length) in lengths.enumerated() {
            precondition(length >= 1 && length <= timeSteps,
                         "PackedLayout: lengths[\(b)] = \(length) must be in 1...\(timeSteps) (the padded length T)")
        }
        self.lengths = lengths
        self.timeSteps = timeSteps
        self.reverse = reverse
        unimplemented("PackedLayout.init", lesson: 4, see: "section 2")
    }

    /// The longest length: the number of steps the layer runs.
    public var steps: Int { batchSizes.count }
    /// B
    public var batchSize: Int { lengths.count }
    /// N = Σ L_b, the rows of a packed matrix.
    public var realTokens: Int { offsets[offsets.count - 1] }

    /// The length of sorted sequence j.
    public func sortedLength(_ j: Int) -> Int { lengths[order[j]] }

    /// The time position step k of sorted sequence j reads: k, or in reverse the step k counted
    /// back from the sequence's own last real token.
    public func position(step k: Int, sequence j: Int) -> Int {
        unimplemented("PackedLayout.position", lesson: 4, see: "section 2")
    }

    /// paddedRows[r] = the row that packed row r comes from when a padded [T, B, F] tensor is
    /// seen as a matrix [T·B, F] (row t·B + b holds time t of sequence b). Packed row
    /// offsets[k] + j is step k of sorted sequence j. Padded rows appear nowhere.
    public var paddedRows: [Int] {
        unimplemented("PackedLayout.paddedRows", lesson: 4, see: "section 2")
    }

    /// The packed row of the last real step of sorted sequence j.
    public func lastRow(sequence j: Int) -> Int {
        offsets[sortedLength(j) - 1] + j
    }

    /// lastRows[b] = the packed row where sequence b (batch order) has its final state: the row
    /// of its own last real step. Reading these rows of the packed h and c gives h_n and c_n.
    public var lastRows: [Int] {
        unimplemented("PackedLayout.lastRows", lesson: 4, see: "section 3")
    }

    /// x [T, B, F] -> packed [N, F]: row r is x seen as [T·B, F] at paddedRows[r]. Padding is
    /// never read.
    public func gather<T: TensorScalar>(_ x: Tensor<T>) -> Tensor<T> {
        precondition(x.rank == 3 && x.shape[0] == timeSteps && x.shape[1] == batchSize,
                     "PackedLayout.gather: expected [\(timeSteps), \(batchSize), F], got \(x.shape)")
        return x.reshaped([timeSteps * batchSize, x.shape[2]]).rows(paddedRows)
    }

    /// packed [N, F] -> [T, B, F], the inverse of `gather`; padded positions are zero (as
    /// pad_packed_sequence gives them).
    public func scatter<T: TensorScalar>(_ packed: Tensor<T>) -> Tensor<T> {
        precondition(packed.rank == 2 && packed.shape[0] == realTokens,
                     "PackedLayout.scatter: expected [\(realTokens), F], got \(packed.shape)")
        var x = Tensor<T>.zeros([timeSteps * batchSize, packed.shape[1]])
        x.setRows(paddedRows, to: packed)
        return x.reshaped([timeSteps, batchSize, packed.shape[1]])
    }

    /// [B, F] in batch order -> [B, F] in sorted order (row j is row order[j]).
    public func sortRows<T: TensorScalar>(_ m: Tensor<T>) -> Tensor<T> {
        precondition(m.rank == 2 && m.shape[0] == batchSize, "PackedLayout.sortRows: expected [\(batchSize), F], got \(m.shape)")
        return m.rows(order)
    }

    /// [B, F] in sorted order -> [B, F] in batch order, the inverse of `sortRows`.
    public func unsortRows<T: TensorScalar>(_ m: Tensor<T>) -> Tensor<T> {
        precondition(m.rank == 2 && m.shape[0] == batchSize, "PackedLayout.unsortRows: expected [\(batchSize), F], got \(m.shape)")
        var out = m
        out.setRows(order, to: m)
        return out
    }
}
