import TensorCore
import XCTest
@testable import Training

final class TrainingScheduleTests: XCTestCase {
    func testClipGlobalNormScalesAllTensorsTogether() {
        // Norm of (3, 4) and (12) is 13; clipping to 6.5 halves everything (up to torch's 1e-6).
        var grads = [Tensor<Float>([3, 4]), Tensor<Float>([12])]
        let norm = GradientClipping.clip(&grads, maxNorm: 6.5)
        XCTAssertEqual(norm, 13, accuracy: 1e-5)
        let scale = Float(6.5 / (13 + 1e-6))
        XCTAssertEqual(grads[0].scalars, [3 * scale, 4 * scale])
        XCTAssertEqual(grads[1].scalars, [12 * scale])
        XCTAssertEqual(GradientClipping.globalNorm(grads), 6.5, accuracy: 1e-5)
    }

    /// Only a non-finite gradient makes the norm non-finite: 1e20 squares to infinity in Float,
    /// not in Double, and a training step that saw an infinite norm would look for a NaN or Inf
    /// entry to name and find none.
    func testGlobalNormOfHugeFiniteFloatGradientsIsFinite() {
        let huge = [Tensor<Float>([1e20, -1e20]), Tensor<Float>([3e38])]
        let norm = GradientClipping.globalNorm(huge)
        XCTAssertTrue(norm.isFinite, "norm of finite Float gradients: \(norm)")
        XCTAssertEqual(norm, 3e38, accuracy: 1e32)
        XCTAssertEqual(GradientClipping.globalNorm([Tensor<Float>([1, .infinity])]), .infinity)
        XCTAssertTrue(GradientClipping.globalNorm([Tensor<Float>([1, .nan])]).isNaN)
    }

    func testClipLeavesSmallGradientsAlone() {
        var grads = [Tensor<Double>([0.3, 0.4])]
        let norm = GradientClipping.clip(&grads, maxNorm: 1)
        XCTAssertEqual(norm, 0.5, accuracy: 1e-12)
        XCTAssertEqual(grads[0].scalars, [0.3, 0.4])
    }

    func testReduceLROnPlateauFollowsTorch() {
        // torch: ReduceLROnPlateau(mode='min', factor=0.5, patience=1, threshold=1e-4)
        // with losses 1.0, 0.9, 0.95, 0.95, 0.95, 0.8 gives lr 1, 1, 1, 0.5, 0.5, 0.5 after each step.
        var s = ReduceLROnPlateau(mode: .min, factor: 0.5, patience: 1)
        var lr = 1.0
        var seen: [Double] = []
        for loss in [1.0, 0.9, 0.95, 0.95, 0.95, 0.8] {
            lr = s.step(loss, learningRate: lr)
            seen.append(lr)
        }
        XCTAssertEqual(seen, [1, 1, 1, 0.5, 0.5, 0.5])
    }

    func testEarlyStoppingCountsEpochsWithoutImprovement() {
        var e = EarlyStopping(mode: .max, patience: 2)
        XCTAssertTrue(e.update(0.80, epoch: 1))
        XCTAssertTrue(e.update(0.85, epoch: 2))
        XCTAssertFalse(e.update(0.84, epoch: 3))
        XCTAssertFalse(e.shouldStop)
        XCTAssertFalse(e.update(0.85, epoch: 4), "equal is not better")
        XCTAssertTrue(e.shouldStop)
        XCTAssertEqual(e.bestEpoch, 2)
    }

    func testStepStreamsDependOnlyOnSeedEpochAndStep() {
        var a = RandomStreams.stepRNG(7, epoch: 2, step: 5)
        var b = RandomStreams.stepRNG(7, epoch: 2, step: 5)
        var c = RandomStreams.stepRNG(7, epoch: 2, step: 6)
        var d = RandomStreams.stepRNG(7, epoch: 3, step: 5)
        let x = a.next()
        XCTAssertEqual(x, b.next())
        XCTAssertNotEqual(x, c.next())
        XCTAssertNotEqual(x, d.next())
    }

    func testNonFiniteReportNamesTensorAndIndex() {
        let t = Tensor<Float>(shape: [2, 2], scalars: [1, 2, .nan, 4])
        let r = NonFiniteReport.first(in: [("ok", Tensor<Float>([1])), ("gradient w", t)])
        XCTAssertEqual(r?.tensor, "gradient w")
        XCTAssertEqual(r?.index, [1, 0])
        XCTAssertEqual(r?.description, "gradient w [1, 0] is nan")
        XCTAssertNil(NonFiniteReport.first(in: [("ok", Tensor<Float>([1]))]))
    }

    func testEpochTableRowAndGrouping() {
        XCTAssertEqual(EpochTable.grouped(61204), "61,204")
        XCTAssertEqual(EpochTable.grouped(999), "999")
        let r = EpochRecord(epoch: 1, trainLoss: 0.5123, trainAccuracy: 0.741, validationLoss: 0.3901,
                            validationAccuracy: 0.8324, learningRate: 1e-3, seconds: 88.14, tokens: 5_000_000,
                            tokensPerSecond: 61204, isBest: true)
        XCTAssertEqual(EpochTable.row(r), "    1 | 0.5123 | 74.10% |   0.3901 |  83.24% | 1.0e-03 |    88.1 |   61,204  *")
        XCTAssertEqual(EpochTable.row(r).count - 3, EpochTable.header.count)
    }

    func testProgressBarLine() {
        let bar = ProgressBar(total: 10, label: "epoch 1")
        XCTAssertTrue(bar.line(done: 5, info: "loss 0.5").hasPrefix("epoch 1  [############............]  5/10  loss 0.5  eta "))
        XCTAssertEqual(ProgressBar.clock(83), "1:23")
        XCTAssertEqual(ProgressBar.clock(3700), "1:01:40")
    }
}
