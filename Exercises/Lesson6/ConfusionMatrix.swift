// Your copy of Solutions/Lesson6/ConfusionMatrix.swift (made by `make exercises`): replace each unimplemented(...) line with your code.
// Lesson 6, section 2: the confusion matrix, sklearn.metrics.confusion_matrix.
//
// For K classes it is a K x K table of counts: row = the true class, column = the predicted
// class. The diagonal holds the right answers; everything off it is an error, and WHERE it
// sits says which error. For sentiment (K = 2, class 1 positive):
//
//                   predicted 0   predicted 1
//     true 0 (neg)      TN            FP
//     true 1 (pos)      FN            TP
//
// Every metric in this lesson that uses a threshold is read off this table.

import TensorCore

/// labels, predictions: [N], each in 0..<classCount -> counts [classCount][classCount],
/// `counts[trueClass][predictedClass]`.
public func confusionMatrix(labels: [Int], predictions: [Int], classCount: Int) -> [[Int]] {
    precondition(labels.count == predictions.count,
                 "confusionMatrix: \(labels.count) labels but \(predictions.count) predictions")
    precondition(classCount > 0, "confusionMatrix: classCount must be positive, got \(classCount)")
    for (name, values) in [("labels", labels), ("predictions", predictions)] {
        if let i = values.firstIndex(where: { $0 < 0 || $0 >= classCount }) {
            preconditionFailure("confusionMatrix: \(name)[\(i)] is \(values[i]), outside 0..<\(classCount)")
        }
    }
    unimplemented("confusionMatrix", lesson: 6, see: "section 2")
}
