// Section 4: the ROC curve and ROC AUC against sklearn.metrics.roc_curve(drop_intermediate=False)
// and roc_auc_score, with and without tied scores.

import CourseTesting
import Lesson6
import TensorCore
import XCTest

final class ROCCurveTests: XCTestCase {
    private func check(_ name: String) throws {
        let f = try loadFixture("lesson6/\(name)")
        let (fpr, tpr, thresholds) = rocCurve(labels: try f.ints("labels"), scores: try f.doubles("scores"))
        assertArraysClose(fpr, try f.doubles("roc_fpr"), tolerance: metricTolerance, "\(name): false-positive rate")
        assertArraysClose(tpr, try f.doubles("roc_tpr"), tolerance: metricTolerance, "\(name): true-positive rate")
        XCTAssertEqual(thresholds.first, .infinity, "\(name): the first threshold is +infinity (the point (0, 0))")
        assertArraysClose(Array(thresholds.dropFirst()), try f.doubles("roc_thresholds"), tolerance: metricTolerance,
                          "\(name): thresholds after +infinity (one per distinct score)")
    }

    func testROCCurve_distinctScores() throws { try check("curves_distinct") }

    func testROCCurve_tiedScores() throws { try check("curves_ties") }

    func testROCAUC_distinctScores() throws {
        let f = try loadFixture("lesson6/curves_distinct")
        assertClose(rocAUC(labels: try f.ints("labels"), scores: try f.doubles("scores")), try f.scalar("roc_auc"),
                    tolerance: metricTolerance, "ROC AUC, distinct scores")
    }

    func testROCAUC_tiedScores() throws {
        let f = try loadFixture("lesson6/curves_ties")
        assertClose(rocAUC(labels: try f.ints("labels"), scores: try f.doubles("scores")), try f.scalar("roc_auc"),
                    tolerance: metricTolerance, "ROC AUC with ties (a tied positive-negative pair counts one half)")
    }

    func testROCAUC_allTiedIsOneHalf() {
        let auc = rocAUC(labels: [1, 0, 1, 0, 0], scores: [0.7, 0.7, 0.7, 0.7, 0.7])
        assertClose(auc, 0.5, tolerance: metricTolerance, "ROC AUC when every score is tied")
    }

    func testROCAUC_oneClassIsNaN() {
        let auc = rocAUC(labels: [1, 1, 1], scores: [0.2, 0.9, 0.4])
        XCTAssertTrue(auc.isNaN, "with no negative review the false-positive rate is 0/0; scikit-learn returns NaN, got \(auc)")
    }
}
