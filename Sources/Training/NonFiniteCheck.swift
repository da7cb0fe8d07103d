// Finding the first NaN or Inf among named tensors, so a diverged run can say where it went
// wrong ("gradient lstm.weight_hh_l0 [12, 3] is nan at step 812") instead of just "loss is nan".

import TensorCore

/// Where a non-finite value was found.
public struct NonFiniteReport: Codable, Equatable, Sendable, CustomStringConvertible {
    public let tensor: String
    public let index: [Int]
    public let value: String

    public init(tensor: String, index: [Int], value: String) {
        self.tensor = tensor
        self.index = index
        self.value = value
    }

    public var description: String {
        index.isEmpty ? "\(tensor) is \(value)" : "\(tensor) \(index) is \(value)"
    }

    /// The first non-finite element among `tensors`, in order; nil when all are finite.
    public static func first<T: TensorScalar>(in tensors: [(name: String, tensor: Tensor<T>)]) -> NonFiniteReport? {
        for (name, t) in tensors {
            let i: Int? = t.withUnsafeBufferPointer { p in p.firstIndex { !$0.isFinite } }
            if let i { return NonFiniteReport(tensor: name, index: unflatten(i, shape: t.shape), value: "\(t.scalars[i])") }
        }
        return nil
    }
}
