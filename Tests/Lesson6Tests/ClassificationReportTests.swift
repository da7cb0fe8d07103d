// Section 3: accuracy, per-class precision / recall / F1 / support and the macro and weighted
// averages, against sklearn.metrics.precision_recall_fscore_support (zero_division=0).

import CourseTesting
import Lesson6
import TensorCore
import XCTest

final class ClassificationReportTests: XCTestCase {
    static let cases = ["report_3class", "report_binary", "report_never_predicted"]

    func testAccuracy() throws {
        for name in Self.cases {
            let f = try loadFixture("lesson6/\(name)")
            assertClose(accuracy(confusion: try f.intMatrix("confusion")), try f.scalar("accuracy"),
                        tolerance: metricTolerance, "\(name): accuracy")
        }
    }

    func testPerClassScores() throws {
        for name in Self.cases {
            let f = try loadFixture("lesson6/\(name)")
            let scores = perClassScores(confusion: try f.intMatrix("confusion"))
            assertArraysClose(scores.map(\.precision), try f.doubles("precision"), tolerance: metricTolerance, "\(name): precision per class")
            assertArraysClose(scores.map(\.recall), try f.doubles("recall"), tolerance: metricTolerance, "\(name): recall per class")
            assertArraysClose(scores.map(\.f1), try f.doubles("f1"), tolerance: metricTolerance, "\(name): F1 per class")
            XCTAssertEqual(scores.map(\.support), try f.ints("support"), "\(name): support per class")
        }
    }

    func testPerClassScores_zeroDivisionIsZero() throws {
        // Class 2 is never predicted (precision 0/0) and class 3 never occurs (recall 0/0).
        let f = try loadFixture("lesson6/report_never_predicted")
        let scores = perClassScores(confusion: try f.intMatrix("confusion"))
        XCTAssertEqual(scores.count, 4, "one entry per class, including the absent class 3")
        for (k, s) in scores.enumerated() {
            XCTAssertFalse(s.precision.isNaN || s.recall.isNaN || s.f1.isNaN,
                           "class \(k): a 0/0 ratio should be 0 as in scikit-learn, got \(s)")
        }
    }

    private func averages(_ name: String) throws -> (fixture: Fixture, scores: [ClassScores]) {
        let f = try loadFixture("lesson6/\(name)")
        let p = try f.doubles("precision"), r = try f.doubles("recall"), f1 = try f.doubles("f1"), s = try f.ints("support")
        return (f, p.indices.map { ClassScores(precision: p[$0], recall: r[$0], f1: f1[$0], support: s[$0]) })
    }

    func testMacroAverage() throws {
        for name in Self.cases {
            let (f, scores) = try averages(name)
            let got = macroAverage(scores)
            assertClose(got.precision, try f.scalar("macro_precision"), tolerance: metricTolerance, "\(name): macro precision")
            assertClose(got.recall, try f.scalar("macro_recall"), tolerance: metricTolerance, "\(name): macro recall")
            assertClose(got.f1, try f.scalar("macro_f1"), tolerance: metricTolerance, "\(name): macro F1 (the mean of per-class F1)")
            XCTAssertEqual(got.support, scores.reduce(0) { $0 + $1.support }, "\(name): macro support is the total")
        }
    }

    func testWeightedAverage() throws {
        for name in Self.cases {
            let (f, scores) = try averages(name)
            let got = weightedAverage(scores)
            assertClose(got.precision, try f.scalar("weighted_precision"), tolerance: metricTolerance, "\(name): weighted precision")
            assertClose(got.recall, try f.scalar("weighted_recall"), tolerance: metricTolerance, "\(name): weighted recall")
            assertClose(got.f1, try f.scalar("weighted_f1"), tolerance: metricTolerance, "\(name): weighted F1")
            XCTAssertEqual(got.support, scores.reduce(0) { $0 + $1.support }, "\(name): weighted support is the total")
        }
    }

    func testPerClassReport_endToEnd() throws {
        let f = try loadFixture("lesson6/report_3class")
        let report = PerClassReport(labels: try f.ints("labels"), predictions: try f.ints("predictions"), classCount: 3)
        assertClose(report.accuracy, try f.scalar("accuracy"), tolerance: metricTolerance, "report accuracy")
        assertClose(report.macroAverage.f1, try f.scalar("macro_f1"), tolerance: metricTolerance, "report macro F1")
        assertClose(report.weightedAverage.f1, try f.scalar("weighted_f1"), tolerance: metricTolerance, "report weighted F1")
        XCTAssertTrue(report.description.contains("macro avg"), "the printed report has a macro avg row:\n\(report)")
    }
}
