// Section 5: the precision-recall curve and average precision against
// sklearn.metrics.precision_recall_curve and average_precision_score.

import CourseTesting
import Lesson6
import TensorCore
import XCTest

final class PrecisionRecallCurveTests: XCTestCase {
    private func check(_ name: String) throws {
        let f = try loadFixture("lesson6/\(name)")
        let (precision, recall, thresholds) = precisionRecallCurve(labels: try f.ints("labels"), scores: try f.doubles("scores"))
        assertArraysClose(precision, try f.doubles("pr_precision"), tolerance: metricTolerance, "\(name): precision (ends with 1)")
        assertArraysClose(recall, try f.doubles("pr_recall"), tolerance: metricTolerance, "\(name): recall (decreasing, ends with 0)")
        assertArraysClose(thresholds, try f.doubles("pr_thresholds"), tolerance: metricTolerance, "\(name): thresholds (increasing)")
    }

    func testPrecisionRecallCurve_distinctScores() throws { try check("curves_distinct") }

    func testPrecisionRecallCurve_tiedScores() throws { try check("curves_ties") }

    func testAveragePrecision_distinctScores() throws {
        let f = try loadFixture("lesson6/curves_distinct")
        assertClose(averagePrecision(labels: try f.ints("labels"), scores: try f.doubles("scores")),
                    try f.scalar("average_precision"), tolerance: metricTolerance, "average precision, distinct scores")
    }

    func testAveragePrecision_tiedScores() throws {
        let f = try loadFixture("lesson6/curves_ties")
        assertClose(averagePrecision(labels: try f.ints("labels"), scores: try f.doubles("scores")),
                    try f.scalar("average_precision"), tolerance: metricTolerance,
                    "average precision with ties (step-wise sum, not the trapezoid)")
    }
}
