import CourseTesting
import Lesson5
import TensorCore
import XCTest

/// Ten steps of each optimiser against torch.optim with the same gradients (llm.c's test_gpt2
/// checks its AdamW the same way): the parameters must match after every step.
final class OptimizerTests: XCTestCase {
    private func runSteps<O: Optimizer>(_ optimizer: inout O, fixture name: String) throws where O.Scalar == Double {
        let f = try loadFixture("lesson5/\(name)")
        var params = [try f.tensor("p0"), try f.tensor("p1")]
        for k in 0..<10 {
            optimizer.step(&params, gradients: [try f.tensor("grad0_step\(k)"), try f.tensor("grad1_step\(k)")])
            assertClose(params[0], try f.tensor("p0_after\(k)"), tolerance: 1e-12, "\(name): p0 after step \(k + 1)")
            assertClose(params[1], try f.tensor("p1_after\(k)"), tolerance: 1e-12, "\(name): p1 after step \(k + 1)")
        }
    }

    func testMomentumSGD_matchesTorchFor10Steps() throws {
        var sgd = MomentumSGD<Double>(learningRate: 0.1, momentum: 0.9)
        try runSteps(&sgd, fixture: "sgd_momentum")
    }

    func testMomentumSGD_weightDecayAndNesterovMatchTorch() throws {
        var sgd = MomentumSGD<Double>(learningRate: 0.05, momentum: 0.8, weightDecay: 0.01, nesterov: true)
        try runSteps(&sgd, fixture: "sgd_momentum_decay_nesterov")
    }

    func testAdamOptimizer_matchesTorchFor10Steps() throws {
        var adam = AdamOptimizer<Double>(learningRate: 0.01)
        try runSteps(&adam, fixture: "adam")
    }

    func testAdamOptimizer_weightDecayMatchesTorch() throws {
        var adam = AdamOptimizer<Double>(learningRate: 0.01, weightDecay: 0.1)
        try runSteps(&adam, fixture: "adam_decay")
    }

    /// Saving the optimiser's memory mid-run and loading it into a fresh one continues identically.
    func testOptimizerState_roundTripContinuesIdentically() throws {
        let f = try loadFixture("lesson5/adam_decay")
        var params = [try f.tensor("p0"), try f.tensor("p1")]
        var adam = AdamOptimizer<Double>(learningRate: 0.01, weightDecay: 0.1)
        var sgd = MomentumSGD<Double>(learningRate: 0.05, momentum: 0.8)
        var sgdParams = params
        for k in 0..<5 {
            let g = [try f.tensor("grad0_step\(k)"), try f.tensor("grad1_step\(k)")]
            adam.step(&params, gradients: g)
            sgd.step(&sgdParams, gradients: g)
        }
        let saved = Dictionary(uniqueKeysWithValues: adam.stateTensors().map { ($0.name, $0.tensor) })
        var restored = AdamOptimizer<Double>(learningRate: 0.01, weightDecay: 0.1)
        try restored.loadState({ try XCTUnwrap(saved[$0], "missing \($0)") }, parameterCount: 2)
        let savedSGD = Dictionary(uniqueKeysWithValues: sgd.stateTensors().map { ($0.name, $0.tensor) })
        var restoredSGD = MomentumSGD<Double>(learningRate: 0.05, momentum: 0.8)
        try restoredSGD.loadState({ try XCTUnwrap(savedSGD[$0], "missing \($0)") }, parameterCount: 2)
        var a = params, b = params, c = sgdParams, d = sgdParams
        for k in 5..<10 {
            let g = [try f.tensor("grad0_step\(k)"), try f.tensor("grad1_step\(k)")]
            adam.step(&a, gradients: g)
            restored.step(&b, gradients: g)
            sgd.step(&c, gradients: g)
            restoredSGD.step(&d, gradients: g)
        }
        XCTAssertEqual(a, b, "Adam restored from its state tensors diverged from the original")
        XCTAssertEqual(c, d, "MomentumSGD restored from its state tensors diverged from the original")
        assertClose(a[0], try f.tensor("p0_after9"), tolerance: 1e-12, "adam_decay p0 after step 10")
    }
}
