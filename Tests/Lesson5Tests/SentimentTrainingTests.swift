import CourseData
import CourseTesting
import Foundation
import Lesson5
import TensorCore
import Training
import XCTest

/// The whole experiment on a small generated data set: it learns, and a run killed during
/// epoch 2 and resumed ends with exactly the metrics of an uninterrupted run.
final class SentimentTrainingTests: XCTestCase {
    private var dir = ""

    override func setUp() {
        dir = NSTemporaryDirectory() + "lesson5-training-\(getpid())-\(UUID().uuidString)"
    }

    override func tearDown() {
        try? FileManager.default.removeItem(atPath: dir)
    }

    private func options(_ sub: String) -> SentimentRunOptions {
        var o = SentimentRunOptions(out: dir + "/" + sub)
        o.dataset = .generated
        o.embedding = .random
        o.embeddingSize = 16
        o.hidden = 16
        o.limit = 400
        o.maxLength = 40
        o.epochs = 3
        o.batchSize = 32
        o.learningRate = 5e-3
        o.checkpointEverySteps = 4
        o.seed = 3
        return o
    }

    func testSentimentTraining_resumeAfterKillInEpoch2MatchesUninterrupted() throws {
        let quiet: (String) -> Void = { _ in }
        let straight = try XCTUnwrap(try SentimentRun.run(options("straight"), resume: false, log: quiet))
        // 360 training reviews / 32 = 12 steps an epoch: step 18 is inside epoch 2, and the last
        // checkpoint before it is from step 16.
        let halted = try SentimentRun.run(options("resumed"), resume: false, haltAfterStep: 18, log: quiet)
        XCTAssertNil(halted, "a halted run has no final metrics")
        let resumed = try XCTUnwrap(try SentimentRun.run(options("resumed"), resume: true, log: quiet))
        XCTAssertEqual(resumed.state.history.map(\.trainLoss), straight.state.history.map(\.trainLoss), "training loss per epoch")
        XCTAssertEqual(resumed.state.history.map(\.validationLoss), straight.state.history.map(\.validationLoss), "validation loss per epoch")
        XCTAssertEqual(resumed.state.gradientNorms, straight.state.gradientNorms, "gradient norms per step")
        XCTAssertEqual(resumed.metrics.testAccuracy, straight.metrics.testAccuracy, "test accuracy")
        XCTAssertEqual(resumed.probabilities, straight.probabilities, "test probabilities")
    }

    func testSentimentTraining_learnsGeneratedReviewsAndWritesMetrics() throws {
        var o = options("learn")
        o.limit = 1000
        o.hidden = 32
        o.learningRate = 1e-2
        o.epochs = 8
        o.patience = 0
        o.checkpointEverySteps = 0
        let r = try XCTUnwrap(try SentimentRun.run(o, resume: false, log: { _ in }))
        let losses = r.state.history.map(\.trainLoss)
        XCTAssertLessThan(losses.last ?? 1, losses.first ?? 0, "training loss should fall: \(losses)")
        XCTAssertGreaterThan(r.metrics.testAccuracy, 0.8, "test accuracy \(r.metrics.testAccuracy) on generated reviews")
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: o.out + "/metrics.json"))) as? [String: Any]
        for key in ["test_accuracy", "precision", "recall", "f1", "roc_auc", "pr_auc", "confusion_matrix", "epochs",
                    "seconds_per_epoch", "tokens_per_second", "parameter_count"] {
            XCTAssertNotNil(json?[key], "metrics.json has no \(key)")
        }
        // The saved model predicts what the trained one does.
        let saved = try SavedSentimentModel(checkpointPath: o.out + "/best.ckpt")
        let texts = GeneratedReviews.make(count: 5, seed: 99).map(\.text)
        let p = saved.predict(texts)
        XCTAssertEqual(p.count, 5)
        XCTAssertTrue(p.allSatisfy { $0 > 0 && $0 < 1 }, "probabilities \(p)")
    }

    func testSentimentTraining_nanStopsWithDiagnostic() throws {
        var o = options("nan")
        o.learningRate = 1e30   // the first update blows the weights up; the next loss is not finite
        o.clipNorm = 0
        o.optimizer = .sgd
        XCTAssertThrowsError(try SentimentRun.run(o, resume: false, log: { _ in })) { error in
            guard let e = error as? NonFiniteLossError else { return XCTFail("expected NonFiniteLossError, got \(error)") }
            XCTAssertEqual(e.epoch, 1)
            XCTAssertTrue(e.description.contains("epoch 1, step"), e.description)
            XCTAssertFalse(e.report.tensor.isEmpty)
        }
    }
}
