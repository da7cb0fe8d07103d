// Nearest neighbours and analogies by cosine similarity, over one table of word vectors.
//
//   neighbours(w)        the k words whose vectors make the smallest angle with w's
//   analogy(a : b :: c : ?)   the word nearest to v_b − v_a + v_c (3CosAdd, Mikolov et al. 2013),
//                        a, b and c themselves excluded

import Foundation
import TensorCore

struct VectorSpace {
    let words: [String]
    /// [N, E], every row scaled to length 1 (a zero row stays zero).
    let unit: Tensor<Float>
    private let index: [String: Int]

    init(words: [String], vectors: Tensor<Float>) {
        precondition(vectors.shape[0] == words.count)
        let e = vectors.shape[1]
        var unit = vectors
        for i in 0..<words.count {
            var norm: Float = 0
            for j in 0..<e { norm += unit.scalars[i * e + j] * unit.scalars[i * e + j] }
            norm = norm.squareRoot()
            if norm > 0 { for j in 0..<e { unit.scalars[i * e + j] /= norm } }
        }
        self.words = words
        self.unit = unit
        var index: [String: Int] = [:]
        for (i, w) in words.enumerated() where index[w] == nil { index[w] = i }
        self.index = index
    }

    func contains(_ word: String) -> Bool { index[word] != nil }

    func vector(_ word: String) -> [Float]? {
        guard let i = index[word] else { return nil }
        let e = unit.shape[1]
        return Array(unit.scalars[(i * e)..<((i + 1) * e)])
    }

    /// The k words most similar to `query` (a direction, need not be unit), best first, without `excluding`.
    func nearest(to query: [Float], k: Int, excluding: Set<String> = []) -> [(word: String, cosine: Float)] {
        let e = unit.shape[1]
        let length = query.reduce(0) { $0 + $1 * $1 }.squareRoot()
        guard length > 0 else { return [] }
        let scores = matmul(unit, Tensor<Float>(shape: [e, 1], scalars: query.map { $0 / length }))
        var best: [(word: String, cosine: Float)] = []
        for (i, s) in scores.scalars.enumerated() where !excluding.contains(words[i]) {
            if best.count < k || s > best[best.count - 1].cosine {
                best.append((words[i], s))
                best.sort { $0.cosine > $1.cosine }
                if best.count > k { best.removeLast() }
            }
        }
        return best
    }

    func neighbours(of word: String, k: Int) -> [(word: String, cosine: Float)] {
        guard let v = vector(word) else { return [] }
        return nearest(to: v, k: k, excluding: [word])
    }

    /// a is to b as c is to ...? The k best answers; nil when a word is missing.
    func analogy(_ a: String, _ b: String, _ c: String, k: Int) -> [(word: String, cosine: Float)]? {
        guard let va = vector(a), let vb = vector(b), let vc = vector(c) else { return nil }
        let query = (0..<va.count).map { vb[$0] - va[$0] + vc[$0] }
        return nearest(to: query, k: k, excluding: [a, b, c])
    }
}
