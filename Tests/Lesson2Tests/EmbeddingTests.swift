// Lesson 2, section 5: the embedding layer against PyTorch's nn.Embedding
// (Tests/Fixtures/lesson2/embedding_*.json: V = 7, E = 4, ids [T = 5, B = 3] with id 2 four
// times, id 3 three times, padding id 0 twice and id 6 never) and against centred differences.

import CourseTesting
import Lesson2
import TensorCore
import XCTest

final class EmbeddingTests: XCTestCase {
    struct Case {
        let weight: Tensor<Double>
        let ids: [Int32]
        let shape: [Int]
        let y: Tensor<Double>
        let dy: Tensor<Double>
        let dWeight: Tensor<Double>
    }

    func load(_ name: String) throws -> Case {
        let f = try loadFixture("lesson2/\(name)")
        let ids = try f.tensor("ids")
        return Case(weight: try f.tensor("weight"), ids: ids.scalars.map { Int32($0) }, shape: ids.shape,
                    y: try f.tensor("y"), dy: try f.tensor("dy"), dWeight: try f.tensor("dweight"))
    }

    func testEmbeddingForward_matchesTorch() throws {
        let c = try load("embedding_padding")
        let embedding = Embedding(weight: c.weight, paddingIndex: 0)
        let (y, _) = embedding.forward(c.ids, shape: c.shape)
        assertClose(y, c.y, tolerance: 1e-15, "y [T, B, E]")
    }

    func testEmbeddingForward_floatMatchesTorch() throws {
        let c = try load("embedding_padding")
        let embedding = Embedding(weight: Tensor<Float>(c.weight), paddingIndex: 0)
        assertClose(embedding(c.ids, shape: c.shape), c.y, tolerance: 1e-6, "y [T, B, E] in Float")
    }

    func testEmbeddingBackward_dWeight_matchesTorchWithPadding() throws {
        let c = try load("embedding_padding")
        let embedding = Embedding(weight: c.weight, paddingIndex: 0)
        let (_, cache) = embedding.forward(c.ids, shape: c.shape)
        let dWeight = embedding.backward(c.dy, cache: cache)
        assertClose(dWeight, c.dWeight, tolerance: 1e-12, "dWeight [V, E] (padding_idx = 0)")
    }

    func testEmbeddingBackward_dWeight_matchesTorchWithoutPadding() throws {
        let c = try load("embedding_no_padding")
        let embedding = Embedding(weight: c.weight, paddingIndex: nil)
        let (_, cache) = embedding.forward(c.ids, shape: c.shape)
        let dWeight = embedding.backward(c.dy, cache: cache)
        assertClose(dWeight, c.dWeight, tolerance: 1e-12, "dWeight [V, E] (padding_idx = None: row 0 gets its gradient)")
    }

    func testEmbeddingBackward_repeatedIdsAccumulate() {
        // ids [4] = [1 2 1 1]: word 1 three times, word 2 once; dy rows 1, 10, 100, 1000 (E = 1).
        let embedding = Embedding(weight: Tensor<Double>(shape: [4, 1], scalars: [0.5, 1, 2, 3]), paddingIndex: 0)
        let (_, cache) = embedding.forward([1, 2, 1, 1], shape: [4])
        let dWeight = embedding.backward(Tensor(shape: [4, 1], scalars: [1, 10, 100, 1000]), cache: cache)
        XCTAssertEqual(dWeight.scalars, [0, 1101, 10, 0],
                       "dWeight: row 1 = 1 + 100 + 1000 (three uses add up), row 2 = 10, unused rows 0 and 3 are 0")
    }

    func testEmbeddingBackward_dWeight_centredDifferences() throws {
        // Without a padding index the analytic gradient is the true derivative of
        // L(W) = Σ y(W) ⊙ dy, so centred differences must agree with it everywhere. L is linear
        // in W: a centred difference has no truncation error, and a large step ε = 1e-3 keeps
        // round-off (about 1e-16 · |L| / ε) far below the tolerance.
        let c = try load("embedding_no_padding")
        let embedding = Embedding(weight: c.weight, paddingIndex: nil)
        let (_, cache) = embedding.forward(c.ids, shape: c.shape)
        let analytic = embedding.backward(c.dy, cache: cache)
        let result = GradientCheck(epsilon: 1e-3).check("dWeight", analytic: analytic, at: c.weight) { w in
            let y = Embedding(weight: w, paddingIndex: nil).forward(c.ids, shape: c.shape).y
            return (y * c.dy).sum()
        }
        assertGradientsPass([result], tolerance: 1e-8)
    }

    func testEmbeddingBackward_paddingRowGetsNoGradient() throws {
        // With padding_idx = 0 the other rows still match centred differences, row 0 is zero
        // although the forward pass read it: the padding row is a convention, not calculus.
        let c = try load("embedding_padding")
        let embedding = Embedding(weight: c.weight, paddingIndex: 0)
        let (_, cache) = embedding.forward(c.ids, shape: c.shape)
        let analytic = embedding.backward(c.dy, cache: cache)
        XCTAssertEqual(Array(analytic.scalars.prefix(4)), [0, 0, 0, 0], "dWeight[0, :] (the <pad> row) must be zero")
        let numeric = GradientCheck(epsilon: 1e-3).numericGradient(of: { w in
            (Embedding(weight: w, paddingIndex: 0).forward(c.ids, shape: c.shape).y * c.dy).sum()
        }, at: c.weight)
        for v in 1..<7 {
            for j in 0..<4 {
                let a = analytic[v, j], n = numeric[v, j]
                XCTAssertLessThan(relativeError(a, n), 1e-8, "dWeight[\(v), \(j)]: analytic \(a), numeric \(n)")
            }
        }
    }

    func testEmbeddingInit_paddingRowIsZeroAndTheRestStandardNormal() {
        var rng = SeededRNG(seed: 3)
        let embedding = Embedding<Double>(vocabularySize: 500, embeddingSize: 40, rng: &rng)
        XCTAssertEqual(embedding.weight.shape, [500, 40], "weight shape [V, E]")
        XCTAssertEqual(embedding.paddingIndex, 0, "paddingIndex defaults to 0 (<pad>)")
        XCTAssertTrue(embedding.trainable, "a new layer is trainable")
        XCTAssertEqual(embedding.weight.row(0).maxAbs(), 0, "row 0 (<pad>) must start at zero, as nn.Embedding(padding_idx=0) does")
        let rest = Array(embedding.weight.scalars.dropFirst(40))
        let mean = rest.reduce(0, +) / Double(rest.count)
        let std = (rest.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(rest.count)).squareRoot()
        XCTAssertEqual(mean, 0, accuracy: 0.02, "mean of the other 19,960 entries (N(0, 1))")
        XCTAssertEqual(std, 1, accuracy: 0.02, "standard deviation of the other entries (N(0, 1))")
    }

    func testEmbeddingFrozen_givesNoGradientAndTrainableGivesBackwards() throws {
        let c = try load("embedding_padding")
        var embedding = Embedding(weight: c.weight, paddingIndex: 0, trainable: false)
        let (y, cache) = embedding.forward(c.ids, shape: c.shape)
        assertClose(y, c.y, tolerance: 1e-15, "a frozen layer still looks up: y")
        XCTAssertNil(embedding.trainableGradient(c.dy, cache: cache), "a frozen embedding must return no gradient")
        embedding.trainable = true
        let dWeight = try XCTUnwrap(embedding.trainableGradient(c.dy, cache: cache), "a trainable embedding must return its gradient")
        assertClose(dWeight, c.dWeight, tolerance: 1e-12, "trainableGradient when trainable")
    }
}
