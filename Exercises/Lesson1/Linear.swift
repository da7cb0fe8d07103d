// Your copy of Solutions/Lesson1/Linear.swift (made by `make exercises`): replace each unimplemented(...) line with your code.
// Lesson 1, section 2 and 3: the fully connected layer, nn.Linear.
//
//     forward    y  = x Wᵀ + b                  x: [B, in], W: [out, in], b: [out] -> y: [B, out]
//     backward   dx = dy W                      dy: [B, out] -> dx: [B, in]
//                dW = dyᵀ x                     [out, in]
//                db = Σ_rows dy                 [out]
//
// B is the batch size. The weight is stored [out, in] as in PyTorch, so a fixture's
// `weight` maps one to one. Forward returns a cache (the input) that backward takes: the layer
// itself keeps no state between the two calls.

import TensorCore

public struct Linear<T: TensorScalar>: Sendable {
    /// [out, in]
    public var weight: Tensor<T>
    /// [out]
    public var bias: Tensor<T>

    public var inputSize: Int { weight.shape[1] }
    public var outputSize: Int { weight.shape[0] }

    /// What backward needs from forward: the input x [B, in].
    public struct Cache: Sendable {
        public let x: Tensor<T>
        public init(x: Tensor<T>) { self.x = x }
    }

    /// ∂L/∂W [out, in] and ∂L/∂b [out], shaped like the parameters they belong to.
    public struct Gradients: Sendable {
        public var weight: Tensor<T>
        public var bias: Tensor<T>
        public init(weight: Tensor<T>, bias: Tensor<T>) {
            self.weight = weight
            self.bias = bias
        }
    }

    /// A layer with the given parameters: weight [out, in], bias [out].
    public init(weight: Tensor<T>, bias: Tensor<T>) {
        precondition(weight.rank == 2, "Linear: weight must be [out, in], got \(weight.shape)")
        precondition(bias.shape == [weight.shape[0]], "Linear: bias must be [\(weight.shape[0])] for weight \(weight.shape), got \(bias.shape)")
        self.weight = weight
        self.bias = bias
    }

    /// A freshly initialised layer, as nn.Linear does it: weight and bias uniform in
    /// ±1/sqrt(inputSize) (section 2).
    public init(inputSize: Int, outputSize: Int, rng: inout SeededRNG) {
        unimplemented("Linear.init(inputSize:outputSize:rng:)", lesson: 1, see: "section 2")
    }

    /// y = x Wᵀ + b, and the cache backward needs (x).  x: [B, in] -> y: [B, out]
    public func forward(_ x: Tensor<T>) -> (y: Tensor<T>, cache: Cache) {
        precondition(x.rank == 2 && x.shape[1] == inputSize,
                     "Linear.forward: x must be [B, \(inputSize)], got \(x.shape)")
        unimplemented("Linear.forward", lesson: 1, see: "section 2")
    }

    /// The layer as a function: `linear(x)` is `linear.forward(x).y`.
    public func callAsFunction(_ x: Tensor<T>) -> Tensor<T> {
        forward(x).y
    }

    /// Given dy = ∂L/∂y [B, out], returns dx = ∂L/∂x [B, in] and the parameters' gradients.
    public func backward(_ dy: Tensor<T>, cache: Cache) -> (dx: Tensor<T>, grads: Gradients) {
        precondition(dy.shape == [cache.x.shape[0], outputSize],
                     "Linear.backward: dy must be [\(cache.x.shape[0]), \(outputSize)], got \(dy.shape)")
        unimplemented("Linear.backward", lesson: 1, see: "section 3")
    }
}
