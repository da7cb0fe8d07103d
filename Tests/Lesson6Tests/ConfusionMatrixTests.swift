// Section 2: confusion matrices against sklearn.metrics.confusion_matrix.

import CourseTesting
import Lesson6
import TensorCore
import XCTest

final class ConfusionMatrixTests: XCTestCase {
    func testConfusionMatrix_binaryLayout() {
        // Rows are the true class, columns the prediction: [[TN, FP], [FN, TP]].
        let got = confusionMatrix(labels: [0, 0, 0, 1, 1], predictions: [0, 1, 1, 0, 1], classCount: 2)
        XCTAssertEqual(got, [[1, 2], [1, 1]], "confusion[true][predicted]: expected [[TN 1, FP 2], [FN 1, TP 1]]")
    }

    func testConfusionMatrix_threeClasses() throws {
        for name in ["report_3class", "report_binary", "report_never_predicted"] {
            let f = try loadFixture("lesson6/\(name)")
            let k = try f.int("classes")
            let got = confusionMatrix(labels: try f.ints("labels"), predictions: try f.ints("predictions"), classCount: k)
            let expected = try f.intMatrix("confusion")
            XCTAssertEqual(got.count, k, "\(name): the matrix should have \(k) rows")
            for (i, row) in expected.enumerated() where i < got.count {
                XCTAssertEqual(got[i], row, "\(name): row \(i) (true class \(i)) of the confusion matrix")
            }
        }
    }
}
