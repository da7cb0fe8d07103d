import CourseTesting
import Lesson3
import Lesson4
import Lesson5
import TensorCore
import XCTest

/// The GRU and vanilla-RNN stacks (section 5.1) against nn.GRU / nn.RNN on packed batches of
/// uneven lengths: outputs, h_n, every weight gradient and dx, one and two bidirectional layers.
/// They run the student's Lesson 3 cells, so a wrong cell shows up here too.
final class RecurrentEncoderTests: XCTestCase {
    static let gruCases = ["gru_bi", "gru_2layer", "gru_2layer_uni"]
    static let rnnCases = ["rnn_bi", "rnn_2layer"]
    /// Double code against a float64 fixture, up to 7 steps and 2 layers.
    static let tolerance = 1e-10

    /// The whole nn.GRU / nn.RNN of a fixture, tensors named weight_ih_l0, weight_hh_l0_reverse, ...
    private func stack<Cell: StackableCell>(_ f: Fixture, as: Cell.Type) throws -> CellStack<Cell> where Cell.Scalar == Double {
        let directions = try f.bool("bidirectional") ? 2 : 1
        let layers = try (0..<f.int("num_layers")).map { l in
            try (0..<directions).map { d in
                let s = "_l\(l)" + (d == 1 ? "_reverse" : "")
                let p = Cell.Parameters(weightIH: try f.tensor("weight_ih" + s), weightHH: try f.tensor("weight_hh" + s),
                                        biasIH: try f.tensor("bias_ih" + s), biasHH: try f.tensor("bias_hh" + s))
                return CellLayer(cell: Cell(parameters: p), reverse: d == 1)
            }
        }
        return CellStack(layers: layers)
    }

    private func checkForward<Cell: StackableCell>(_ name: String, _ cell: Cell.Type,
                                                   file: StaticString = #filePath, line: UInt = #line) throws where Cell.Scalar == Double {
        let f = try loadFixture("lesson5/\(name)")
        var rng = SeededRNG(seed: 0)
        let r = try stack(f, as: cell).forward(try f.tensor("x"), lengths: try f.ints("lengths"), training: false, rng: &rng)
        assertClose(r.output, try f.tensor("output"), tolerance: Self.tolerance, "\(name) output [T, B, D·H]", file: file, line: line)
        assertClose(r.finalH, try f.tensor("h_n"), tolerance: Self.tolerance, "\(name) h_n [L·D, B, H]", file: file, line: line)
    }

    private func checkBackward<Cell: StackableCell>(_ name: String, _ cell: Cell.Type, dx checkDx: Bool,
                                                    file: StaticString = #filePath, line: UInt = #line) throws where Cell.Scalar == Double {
        let f = try loadFixture("lesson5/\(name)")
        let model = try stack(f, as: cell)
        var rng = SeededRNG(seed: 0)
        let r = model.forward(try f.tensor("x"), lengths: try f.ints("lengths"), training: false, rng: &rng)
        let back = model.backward(dOutput: try f.tensor("grad_output"), dFinalH: try f.tensor("grad_h_n"), cache: r.cache)
        if checkDx {
            assertClose(back.dx, try f.tensor("dx"), tolerance: Self.tolerance, "\(name) dx [T, B, E]", file: file, line: line)
            return
        }
        for l in 0..<model.numLayers {
            for d in 0..<model.directions {
                let s = "_l\(l)" + (d == 1 ? "_reverse" : "")
                let g = back.grads[l][d]
                for (tensorName, got) in [("weight_ih", g.weightIH), ("weight_hh", g.weightHH), ("bias_ih", g.biasIH), ("bias_hh", g.biasHH)] {
                    assertClose(got, try f.tensor("grad_" + tensorName + s), tolerance: Self.tolerance,
                                "\(name) gradient of \(tensorName + s)", file: file, line: line)
                }
            }
        }
    }

    func testGRUStack_forwardOutputsAndFinalH() throws {
        for name in Self.gruCases { try checkForward(name, GRUCell<Double>.self) }
    }

    func testGRUStack_backwardWeightGradients() throws {
        for name in Self.gruCases { try checkBackward(name, GRUCell<Double>.self, dx: false) }
    }

    func testGRUStack_backward_dx() throws {
        for name in Self.gruCases { try checkBackward(name, GRUCell<Double>.self, dx: true) }
    }

    func testRNNStack_forwardOutputsAndFinalH() throws {
        for name in Self.rnnCases { try checkForward(name, RNNCell<Double>.self) }
    }

    func testRNNStack_backwardWeightGradients() throws {
        for name in Self.rnnCases { try checkBackward(name, RNNCell<Double>.self, dx: false) }
    }

    func testRNNStack_backward_dx() throws {
        for name in Self.rnnCases { try checkBackward(name, RNNCell<Double>.self, dx: true) }
    }

    /// In Float (what training runs) the GRU stack still matches torch closely.
    func testGRUStack_floatMatchesTorch() throws {
        let f = try loadFixture("lesson5/gru_2layer")
        let model = CellStack<GRUCell<Float>>(layers: try stack(f, as: GRUCell<Double>.self).layers.map { layer in
            layer.map { CellLayer(cell: GRUCell<Float>(parameters: GRUParameters($0.cell.parameters)), reverse: $0.reverse) }
        })
        var rng = SeededRNG(seed: 0)
        let r = model.forward(Tensor<Float>(try f.tensor("x")), lengths: try f.ints("lengths"), training: false, rng: &rng)
        assertClose(r.output, try f.tensor("output"), tolerance: 1e-5, "gru_2layer output in Float")
        let back = model.backward(dOutput: Tensor<Float>(try f.tensor("grad_output")), dFinalH: Tensor<Float>(try f.tensor("grad_h_n")),
                                  cache: r.cache)
        assertClose(back.grads[0][1].weightHH, try f.tensor("grad_weight_hh_l0_reverse"), tolerance: 1e-4,
                    "gru_2layer gradient of weight_hh_l0_reverse in Float")
    }

    /// Dropout between the layers of a GRU stack: seeded, only in training, and backward uses the
    /// same mask (dx changes when the mask does).
    func testGRUStack_dropoutBetweenLayersIsSeededAndOnlyInTraining() throws {
        let f = try loadFixture("lesson5/gru_2layer")
        var model = try stack(f, as: GRUCell<Double>.self)
        model.dropout = Dropout(probability: 0.5)
        let x = try f.tensor("x"), lengths = try f.ints("lengths")
        var r1 = SeededRNG(seed: 4), r2 = SeededRNG(seed: 4), r3 = SeededRNG(seed: 4)
        let a = model.forward(x, lengths: lengths, training: true, rng: &r1)
        let b = model.forward(x, lengths: lengths, training: true, rng: &r2)
        let e = model.forward(x, lengths: lengths, training: false, rng: &r3)
        XCTAssertEqual(a.output, b.output, "same seed, same dropout masks, same output")
        XCTAssertNotEqual(a.output, e.output, "training with dropout 0.5 should differ from evaluation")
        assertClose(e.output, try f.tensor("output"), tolerance: Self.tolerance, "evaluation ignores dropout")
        XCTAssertNotNil(a.cache.masks[0], "layer 0's output is dropped in training")
        XCTAssertNil(a.cache.masks[1], "the last layer's output is not dropped")
    }

    /// PyTorch's initialisation: shapes [G·H, E] / [G·H, D·H], entries within ±1/sqrt(H).
    func testCellStackInit_shapesAndRange() {
        var rng = SeededRNG(seed: 3)
        let gru = CellStack<GRUCell<Double>>(inputSize: 5, hiddenSize: 4, numLayers: 2, bidirectional: true, rng: &rng)
        XCTAssertEqual(gru.layers.map(\.count), [2, 2], "two directions per layer")
        XCTAssertEqual(gru.layers[0][0].cell.parameters.weightIH.shape, [12, 5], "GRU layer 0 weight_ih: [3H, E]")
        XCTAssertEqual(gru.layers[1][1].cell.parameters.weightIH.shape, [12, 8], "GRU layer 1 weight_ih: [3H, 2H]")
        XCTAssertEqual(gru.layers.map { $0.map(\.reverse) }, [[false, true], [false, true]], "direction 1 is the reverse one")
        XCTAssertLessThanOrEqual(gru.layers[1][1].cell.parameters.weightHH.maxAbs(), 0.5, "weights uniform in ±1/sqrt(4)")
        let rnn = CellStack<RNNCell<Double>>(inputSize: 5, hiddenSize: 4, numLayers: 1, bidirectional: false, rng: &rng)
        XCTAssertEqual(rnn.layers[0][0].cell.parameters.weightHH.shape, [4, 4], "RNN weight_hh: [H, H]")
        // It runs the student's cells: one forward step must give an output of the right shape.
        var r = SeededRNG(seed: 0)
        let out = rnn.forward(Tensor(shape: [3, 2, 5], repeating: 0.1), lengths: [3, 1], training: false, rng: &r)
        XCTAssertEqual(out.output.shape, [3, 2, 4], "RNN output [T, B, H]")
        XCTAssertEqual(out.output[1, 1, 0], 0, "padding stays zero")
    }
}
