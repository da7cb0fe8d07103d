// The packed layout of a batch of variable-length sequences, as pack_padded_sequence makes it
// (Lesson 4, section 2), for the fast kernel.
//
// Sequences sorted by length, longest first (stable); step k runs on the b_k sequences still
// going, packed rows offsets[k] ..< offsets[k] + b_k; in reverse, step k of sequence j reads
// time position L_j - 1 - k.

import TensorCore

/// One group's sequences (columns `members` of axis 1, in the group's own order) of a batch of
/// `batch` sequences: what a thread of the fused stack's split batch runs on.
typealias BatchGroup = (members: [Int], batch: Int)

public struct PackedSequences: Sendable, Equatable {
    /// L_b for each sequence, in the batch's own order.
    public let lengths: [Int]
    /// T, the padded length.
    public let timeSteps: Int
    public let reverse: Bool
    /// order[j] = the batch index of the j-th longest sequence.
    public let order: [Int]
    /// batchSizes[k] = b_k.
    public let batchSizes: [Int]
    /// offsets[k] = first packed row of step k; offsets[steps] = N.
    public let offsets: [Int]
    /// Where gather and scatter find sorted sequence j: column columnOf[j] of axis 1 of a
    /// [T, addressedBatch, F] tensor. By default the batch's own tensors (columnOf = order);
    /// `within(_:)` points them at one group's columns of a larger batch.
    private(set) var columnOf: [Int]
    private(set) var addressedBatch: Int

    public init(lengths: [Int], timeSteps: Int, reverse: Bool = false) {
        precondition(!lengths.isEmpty, "PackedSequences: empty batch (no lengths)")
        for (b, length) in lengths.enumerated() {
            precondition(length >= 1 && length <= timeSteps,
                         "PackedSequences: lengths[\(b)] = \(length) must be in 1...\(timeSteps) (the padded length T)")
        }
        self.lengths = lengths
        self.timeSteps = timeSteps
        self.reverse = reverse
        order = lengths.indices.sorted { a, b in lengths[a] != lengths[b] ? lengths[a] > lengths[b] : a < b }
        var sizes = [Int](repeating: 0, count: lengths[order[0]])
        for length in lengths { for k in 0..<length { sizes[k] += 1 } }
        batchSizes = sizes
        var starts = [0]
        for size in sizes { starts.append(starts[starts.count - 1] + size) }
        offsets = starts
        columnOf = order
        addressedBatch = lengths.count
    }

    /// The same packing, reading and writing sequence i of this batch in column members[i] of
    /// [T, batch, F] tensors: a group of sequences of a larger batch, on its own thread, reads its
    /// input from and writes its output into the whole batch's tensors without copies of its own.
    func within(_ members: [Int], ofBatch batch: Int) -> PackedSequences {
        precondition(members.count == batchSize && members.allSatisfy { (0..<batch).contains($0) },
                     "PackedSequences.within: \(members.count) members in 0..<\(batch) for a batch of \(batchSize)")
        var packing = self
        packing.columnOf = order.map { members[$0] }
        packing.addressedBatch = batch
        return packing
    }

    /// within(group.members, ofBatch: group.batch), or `local` for nil.
    func addressing(_ group: BatchGroup?) -> PackedSequences {
        group.map { within($0.members, ofBatch: $0.batch) } ?? local
    }

    /// The same packing on the batch's own tensors.
    var local: PackedSequences {
        var packing = self
        packing.columnOf = order
        packing.addressedBatch = batchSize
        return packing
    }

    /// The number of steps (the longest length).
    public var steps: Int { batchSizes.count }
    /// B
    public var batchSize: Int { lengths.count }
    /// N = Σ L_b
    public var realTokens: Int { offsets[offsets.count - 1] }

    /// The packed row of the last real step of sorted sequence j.
    public func lastRow(sequence j: Int) -> Int { offsets[lengths[order[j]] - 1] + j }

    func position(step k: Int, sequence j: Int) -> Int { reverse ? lengths[order[j]] - 1 - k : k }

    /// x [T, B, F] -> packed [N, F].
    public func gather<T: TensorScalar>(_ x: Tensor<T>) -> Tensor<T> {
        gather(x, columns: 0..<(x.rank == 3 ? x.shape[2] : 0))
    }

    /// Columns `columns` of the last axis of x [T, B, F] -> packed [N, columns.count]: one
    /// direction's half of a bidirectional layer's [T, B, 2H], without copying the half out first.
    public func gather<T: TensorScalar>(_ x: Tensor<T>, columns: Range<Int>) -> Tensor<T> {
        precondition(x.rank == 3 && x.shape[0] == timeSteps && x.shape[1] == addressedBatch && columns.upperBound <= x.shape[2],
                     "PackedSequences.gather: expected [\(timeSteps), \(addressedBatch), F] with F >= \(columns.upperBound), got \(x.shape)")
        let (width, f) = (x.shape[2], columns.count)
        var packed = Tensor<T>.uninitialized([realTokens, f])
        x.withUnsafeBufferPointer { src in
            packed.withUnsafeMutableBufferPointer { dst in
                guard let start = src.baseAddress, let to = dst.baseAddress else { return }
                let from = start + columns.lowerBound
                for k in 0..<steps {
                    for j in 0..<batchSizes[k] {
                        (to + (offsets[k] + j) * f).update(from: from + (position(step: k, sequence: j) * addressedBatch + columnOf[j]) * width,
                                                           count: f)
                    }
                }
            }
        }
        return packed
    }

    /// packed [N, F] -> [T, B, F], zero at padded positions.
    public func scatter<T: TensorScalar>(_ packed: Tensor<T>) -> Tensor<T> {
        precondition(packed.rank == 2 && packed.shape[0] == realTokens,
                     "PackedSequences.scatter: expected [\(realTokens), F], got \(packed.shape)")
        precondition(addressedBatch == batchSize, "PackedSequences.scatter: a group's packing writes into the whole batch's tensor (scatter(_:into:width:column:))")
        let f = packed.shape[1]
        var x = Tensor<T>.uninitialized([timeSteps, batchSize, f])   // real positions below, padded ones after
        x.withUnsafeMutableBufferPointer { dst in
            scatter(packed, into: dst.baseAddress, width: f, column: 0)
            zeroPadding(dst.baseAddress, width: f)
        }
        return x
    }

    /// Writes packed [N, F] into columns column ..< column + F of the real positions of the
    /// [T, addressedBatch, width] tensor whose memory starts at `to` (nil: empty, nothing to write); padded
    /// positions are left alone. Two directions may write their halves of one tensor at once.
    func scatter<T: TensorScalar>(_ packed: Tensor<T>, into to: UnsafeMutablePointer<T>?, width: Int, column: Int) {
        let f = packed.shape[1]
        precondition(packed.rank == 2 && packed.shape[0] == realTokens && column + f <= width,
                     "PackedSequences.scatter: packed \(packed.shape) does not fit columns \(column)..<\(column + f) of \(width)")
        packed.withUnsafeBufferPointer { src in
            guard let from = src.baseAddress, let to else { return }
            for k in 0..<steps {
                for j in 0..<batchSizes[k] {
                    (to + (position(step: k, sequence: j) * addressedBatch + columnOf[j]) * width + column)
                        .update(from: from + (offsets[k] + j) * f, count: f)
                }
            }
        }
    }

    /// Zeroes the padded positions (t >= L_b) of this batch's sequences in the
    /// [T, addressedBatch, width] tensor at `to`.
    func zeroPadding<T: TensorScalar>(_ to: UnsafeMutablePointer<T>?, width: Int) {
        guard let to, width > 0 else { return }
        for t in 0..<timeSteps {
            for j in 0..<batchSize where t >= lengths[order[j]] {
                (to + (t * addressedBatch + columnOf[j]) * width).update(repeating: 0, count: width)
            }
        }
    }

    /// [B, F] in batch order -> [B, F] in sorted order.
    public func sortRows<T: TensorScalar>(_ m: Tensor<T>) -> Tensor<T> {
        precondition(m.rank == 2 && m.shape[0] == batchSize, "PackedSequences.sortRows: expected [\(batchSize), F], got \(m.shape)")
        let f = m.shape[1]
        var out = Tensor<T>(shape: m.shape)
        for j in 0..<batchSize { for i in 0..<f { out.scalars[j * f + i] = m.scalars[order[j] * f + i] } }
        return out
    }

    /// [B, F] in sorted order -> [B, F] in batch order.
    public func unsortRows<T: TensorScalar>(_ m: Tensor<T>) -> Tensor<T> {
        precondition(m.rank == 2 && m.shape[0] == batchSize, "PackedSequences.unsortRows: expected [\(batchSize), F], got \(m.shape)")
        let f = m.shape[1]
        var out = Tensor<T>(shape: m.shape)
        for j in 0..<batchSize { for i in 0..<f { out.scalars[order[j] * f + i] = m.scalars[j * f + i] } }
        return out
    }
}
