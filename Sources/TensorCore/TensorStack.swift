// Vectors as the rows of a matrix, torch.stack(vectors): what a loop that computes one vector
// per sequence of a batch returns,
//
//     let pooled = stack((0..<B).map { b in meanOfSequence(b) })   // B x [F] -> [B, F]

/// The vectors as rows, in order. vectors: k >= 1 vectors [n] -> [k, n]
public func stack<T>(_ vectors: [Tensor<T>]) -> Tensor<T> {
    guard let first = vectors.first else { preconditionFailure("stack: no vectors to stack") }
    if let bad = vectors.first(where: { $0.rank != 1 || $0.count != first.count }) {
        preconditionFailure("stack: vectors of shapes \(first.shape) and \(bad.shape) (each must be [n], all the same n)")
    }
    var scalars = [T]()
    scalars.reserveCapacity(vectors.count * first.count)
    for v in vectors { scalars.append(contentsOf: v.scalars) }
    return Tensor(shape: [vectors.count, first.count], scalars: scalars)
}
