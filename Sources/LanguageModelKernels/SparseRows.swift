// Gradients that touch a few rows of a large table (the embedding's and the output layer's
// [V, ·] tables: a step reads about 2,000 of 50,000 rows), and Adam on those rows only.
//
// A dense [V, H] gradient would be zeroed, filled and read whole at every step; here each word
// the step touched has one compact row, however often it occurred. Adam then updates only the
// rows that have a gradient ("lazy" Adam, as torch.optim.SparseAdam): a row's moments decay only
// when the row is used, and the bias corrections use the global step count.

import Foundation
import TensorCore

/// The rows a step touched and their summed gradients.
public struct SparseRows: Sendable {
    /// Row width (the table's second dimension; the bias tables have width 1).
    public let width: Int
    /// The touched rows, in order of first touch.
    public private(set) var rows: [Int32] = []
    /// [rows.count · width]
    public private(set) var values: [Float] = []
    /// slot[w]: the index of row w in `rows`, or −1.
    private var slot: [Int32]

    public init(vocabularySize: Int, width: Int) {
        self.width = width
        slot = [Int32](repeating: -1, count: vocabularySize)
    }

    /// Adds `block` [count, width] (row i into table row ids[i]).
    public mutating func add(ids: [Int32], block: UnsafeBufferPointer<Float>) {
        precondition(block.count == ids.count * width, "SparseRows.add: \(block.count) values for \(ids.count) rows of \(width)")
        for (i, id) in ids.enumerated() {
            var s = Int(slot[Int(id)])
            if s < 0 {
                s = rows.count
                slot[Int(id)] = Int32(s)
                rows.append(id)
                values.append(contentsOf: repeatElement(0, count: width))
            }
            for j in 0..<width { values[s * width + j] += block[i * width + j] }
        }
    }

    public mutating func add(ids: [Int32], _ block: Tensor<Float>) {
        block.withUnsafeBufferPointer { add(ids: ids, block: $0) }
    }

    public mutating func add(ids: [Int32], _ block: [Float]) {
        block.withUnsafeBufferPointer { add(ids: ids, block: $0) }
    }

    /// Σ of the squared values (for the global gradient norm).
    public var squaredNorm: Double { values.reduce(0) { $0 + Double($1) * Double($1) } }

    public mutating func scale(by factor: Float) {
        for i in values.indices { values[i] *= factor }
    }

    /// Forgets every row (the slot table is reset row by row, not reallocated).
    public mutating func clear() {
        for id in rows { slot[Int(id)] = -1 }
        rows.removeAll(keepingCapacity: true)
        values.removeAll(keepingCapacity: true)
    }
}

/// Adam's settings, torch.optim.Adam's defaults but the learning rate.
public struct AdamSettings: Codable, Sendable, Equatable {
    public var learningRate: Float
    public var beta1: Float = 0.9
    public var beta2: Float = 0.999
    public var epsilon: Float = 1e-8

    public init(learningRate: Float) { self.learningRate = learningRate }
}

public enum SparseAdam {
    /// One Adam step on the rows of `table` [V, width] that `gradient` touched; m and v are the
    /// table's moments [V, width]; t is the global step (1 for the first).
    public static func step(_ table: inout Tensor<Float>, m: inout Tensor<Float>, v: inout Tensor<Float>, gradient: SparseRows,
                            t: Int, settings a: AdamSettings, learningRate: Float) {
        let width = gradient.width
        precondition(table.count % max(width, 1) == 0 && m.shape == table.shape && v.shape == table.shape, "SparseAdam.step: shapes differ")
        let stepSize = Float(Double(learningRate) / (1 - Double.pow(Double(a.beta1), Double(t))))
        let rootCorrection2 = Float((1 - Double.pow(Double(a.beta2), Double(t))).squareRoot())
        table.withUnsafeMutableBufferPointer { p in
            m.withUnsafeMutableBufferPointer { m in
                v.withUnsafeMutableBufferPointer { v in
                    for (i, row) in gradient.rows.enumerated() {
                        for j in 0..<width {
                            let at = Int(row) * width + j, g = gradient.values[i * width + j]
                            m[at] = a.beta1 * m[at] + (1 - a.beta1) * g
                            v[at] = a.beta2 * v[at] + (1 - a.beta2) * g * g
                            p[at] -= stepSize * m[at] / (v[at].squareRoot() / rootCorrection2 + a.epsilon)
                        }
                    }
                }
            }
        }
    }
}
