// PyTorch's default initialisers, so a freshly made layer has the same distribution as its
// torch counterpart (the values differ: torch's generator is not ours).

extension Tensor {
    /// Uniform in [low, high).
    public static func uniform(_ shape: [Int], low: Scalar, high: Scalar, rng: inout SeededRNG) -> Tensor {
        let n = shape.reduce(1, *)
        var s = [Scalar](); s.reserveCapacity(n)
        for _ in 0..<n { s.append(Scalar(rng.uniform(Double(low), Double(high)))) }
        return Tensor(shape: shape, scalars: s)
    }

    /// Normal with the given mean and standard deviation.
    public static func normal(_ shape: [Int], mean: Scalar = 0, std: Scalar = 1, rng: inout SeededRNG) -> Tensor {
        let n = shape.reduce(1, *)
        var s = [Scalar](); s.reserveCapacity(n)
        for _ in 0..<n { s.append(Scalar(rng.normal(mean: Double(mean), std: Double(std)))) }
        return Tensor(shape: shape, scalars: s)
    }

    /// nn.LSTM / nn.GRU / nn.RNN: every weight and bias uniform in ±1/sqrt(hidden).
    public static func recurrentInit(_ shape: [Int], hidden: Int, rng: inout SeededRNG) -> Tensor {
        let k = 1 / Scalar(hidden).squareRoot()
        return uniform(shape, low: -k, high: k, rng: &rng)
    }

    /// nn.Linear: weight [out, in] and bias [out] uniform in ±1/sqrt(in).
    public static func linearInit(_ shape: [Int], fanIn: Int, rng: inout SeededRNG) -> Tensor {
        let k = 1 / Scalar(Swift.max(fanIn, 1)).squareRoot()
        return uniform(shape, low: -k, high: k, rng: &rng)
    }

    /// Xavier (Glorot) uniform for a weight [out, in]: ±sqrt(6 / (in + out)).
    public static func xavierUniform(_ shape: [Int], rng: inout SeededRNG) -> Tensor {
        precondition(shape.count == 2, "xavierUniform: expects [out, in], got \(shape)")
        let a = (6 / Scalar(shape[0] + shape[1])).squareRoot()
        return uniform(shape, low: -a, high: a, rng: &rng)
    }
}
