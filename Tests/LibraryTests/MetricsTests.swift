// The library's binary metrics (Sources/Training/Metrics*.swift) against scikit-learn 1.9,
// fixtures from Tools/fixtures/lesson6.py (Tests/Fixtures/metrics/).

import CourseTesting
import TensorCore
import Training
import XCTest

final class MetricsTests: XCTestCase {
    static let cases = ["binary_ties", "binary_float32", "binary_logits", "all_positive", "all_negative",
                        "constant_scores", "perfect_ranking"]

    private func load(_ name: String) throws -> (fixture: Fixture, labels: [Int], scores: [Double]) {
        let f = try loadFixture("metrics/\(name)")
        return (f, try f.tensor("labels").scalars.map { Int($0) }, try f.tensor("scores").scalars)
    }

    func testConfusionMatrixAndThresholdMetrics() throws {
        for name in Self.cases {
            let (f, labels, scores) = try load(name)
            let cm = BinaryConfusionMatrix(labels: labels, scores: scores, threshold: try f.scalar("threshold"))
            XCTAssertEqual(cm.truePositives, Int(try f.scalar("tp")), "\(name): TP")
            XCTAssertEqual(cm.falsePositives, Int(try f.scalar("fp")), "\(name): FP")
            XCTAssertEqual(cm.trueNegatives, Int(try f.scalar("tn")), "\(name): TN")
            XCTAssertEqual(cm.falseNegatives, Int(try f.scalar("fn")), "\(name): FN")
            for (key, got) in [("accuracy", cm.accuracy), ("precision", cm.precision), ("recall", cm.recall), ("f1", cm.f1)] {
                assertClose(got, try f.scalar(key), tolerance: 1e-12, "\(name): \(key)")
            }
        }
    }

    func testConfusionMatrixLayoutIsSklearns() {
        let cm = BinaryConfusionMatrix(labels: [0, 0, 0, 1, 1], predictions: [0, 1, 1, 0, 1])
        XCTAssertEqual(cm.matrix, [[1, 2], [1, 1]], "rows are true class, columns predicted: [[TN, FP], [FN, TP]]")
        XCTAssertEqual(cm.count, 5)
    }

    func testROCCurveMatchesSklearn() throws {
        for name in Self.cases {
            let (f, labels, scores) = try load(name)
            guard try f.bool("both_classes") else {
                XCTAssertNil(ROCCurve(labels: labels, scores: scores), "\(name): one class only, the ROC curve is undefined")
                XCTAssertNil(ROCCurve.auc(labels: labels, scores: scores), "\(name): one class only, ROC AUC is undefined")
                continue
            }
            for (drop, suffix) in [(true, ""), (false, "_all")] {
                let roc = try XCTUnwrap(ROCCurve(labels: labels, scores: scores, dropIntermediate: drop))
                assertClose(Tensor(roc.falsePositiveRate), try f.tensor("roc_fpr" + suffix), tolerance: 1e-12, "\(name): roc fpr\(suffix)")
                assertClose(Tensor(roc.truePositiveRate), try f.tensor("roc_tpr" + suffix), tolerance: 1e-12, "\(name): roc tpr\(suffix)")
                XCTAssertEqual(roc.thresholds.first, .infinity, "\(name): first threshold is +infinity, as in sklearn")
                assertClose(Tensor(Array(roc.thresholds.dropFirst())), try f.tensor("roc_thresholds" + suffix),
                            tolerance: 1e-12, "\(name): roc thresholds\(suffix)")
                assertClose(roc.auc, try f.scalar("roc_auc"), tolerance: 1e-12, "\(name): AUC of the curve (drop \(drop))")
            }
            assertClose(try XCTUnwrap(ROCCurve.auc(labels: labels, scores: scores)), try f.scalar("roc_auc"),
                        tolerance: 1e-12, "\(name): roc_auc_score")
        }
    }

    func testPrecisionRecallCurveAndAveragePrecisionMatchSklearn() throws {
        for name in Self.cases {
            let (f, labels, scores) = try load(name)
            guard try f.bool("has_positive") else {
                XCTAssertNil(PrecisionRecallCurve(labels: labels, scores: scores), "\(name): no positives, recall is undefined")
                XCTAssertNil(PrecisionRecallCurve.averagePrecision(labels: labels, scores: scores), "\(name): AP undefined")
                XCTAssertEqual(try f.scalar("sklearn_average_precision"), 0, "\(name): sklearn's stand-in value is 0")
                continue
            }
            let pr = try XCTUnwrap(PrecisionRecallCurve(labels: labels, scores: scores))
            assertClose(Tensor(pr.precision), try f.tensor("pr_precision"), tolerance: 1e-12, "\(name): precision")
            assertClose(Tensor(pr.recall), try f.tensor("pr_recall"), tolerance: 1e-12, "\(name): recall")
            assertClose(Tensor(pr.thresholds), try f.tensor("pr_thresholds"), tolerance: 1e-12, "\(name): thresholds")
            assertClose(pr.averagePrecision, try f.scalar("average_precision"), tolerance: 1e-12, "\(name): average precision")
        }
    }

    func testFloatScoresGiveTheSameCurvesAsDouble() throws {
        // The fixture's scores are float32 values, so converting them to Float loses nothing.
        let (f, labels, scores) = try load("binary_float32")
        let floats = scores.map { Float($0) }
        assertClose(try XCTUnwrap(ROCCurve.auc(labels: labels, scores: floats)), try f.scalar("roc_auc"), tolerance: 1e-12, "AUC from Float")
        assertClose(try XCTUnwrap(PrecisionRecallCurve.averagePrecision(labels: labels, scores: floats)),
                    try f.scalar("average_precision"), tolerance: 1e-12, "AP from Float")
    }

    func testReportBundlesEveryMetricAndRoundTripsThroughJSON() throws {
        let (f, labels, scores) = try load("binary_logits")
        let report = ClassificationReport(labels: labels, scores: scores, threshold: 0.0)
        XCTAssertEqual(report.count, labels.count)
        XCTAssertEqual(report.positives, labels.filter { $0 == 1 }.count)
        assertClose(report.f1, try f.scalar("f1"), tolerance: 1e-12, "report F1")
        assertClose(try XCTUnwrap(report.rocAUC), try f.scalar("roc_auc"), tolerance: 1e-12, "report ROC AUC")
        assertClose(try XCTUnwrap(report.averagePrecision), try f.scalar("average_precision"), tolerance: 1e-12, "report AP")
        let decoded = try JSONDecoder().decode(ClassificationReport.self, from: try JSONEncoder().encode(report))
        XCTAssertEqual(decoded, report)

        // One class only: the undefined metrics are nil and left out of the JSON (JSON has no NaN).
        let (_, negLabels, negScores) = try load("all_negative")
        let oneClass = ClassificationReport(labels: negLabels, scores: negScores, threshold: 0.5)
        XCTAssertNil(oneClass.rocAUC)
        XCTAssertNil(oneClass.averagePrecision)
        let json = String(decoding: try JSONEncoder().encode(oneClass), as: UTF8.self)
        XCTAssertFalse(json.contains("rocAUC"), "undefined ROC AUC should be absent from \(json)")
    }
}
