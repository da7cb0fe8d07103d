// The charts every lesson draws the same way: curves per epoch (loss, accuracy), the ROC curve and
// the precision-recall curve. Built here once, from plain arrays, so a walkthrough can draw the
// student's own curves (Lesson 6) with the same look as the library's.

import Foundation
import Gnuplot

extension Chart {
    /// One line per series against the epoch number: train and validation loss, accuracy, ...
    /// epochs [E], each series' values [E].
    public static func perEpoch(title: String, yLabel: String, epochs: [Double],
                                series: [(title: String, values: [Double])]) -> Chart {
        var chart = Chart(title: title, xLabel: "epoch", yLabel: yLabel)
        for s in series { chart.add(.line(x: epochs, y: s.values, title: s.title)) }
        return chart
    }

    /// The ROC curve of `model` (falsePositiveRate, truePositiveRate [K], from threshold +∞ down)
    /// with the diagonal of a random ranking; the title gives the area (nil: undefined, one class only).
    public static func roc(falsePositiveRate: [Double], truePositiveRate: [Double], auc: Double?, model: String) -> Chart {
        var chart = Chart(title: "ROC curve, test split (AUC \(fourDigits(auc)))", xLabel: "false-positive rate",
                          yLabel: "true-positive rate")
        chart.add(.line(x: falsePositiveRate, y: truePositiveRate, title: model))
        chart.add(.line(x: [0, 1], y: [0, 1], title: "random ranking"))
        chart.xRange = (0, 1)
        chart.yRange = (0, 1)
        chart.legend = "bottom right"
        return chart
    }

    /// The precision-recall curve of `model` (recall, precision [K]); the title gives the average
    /// precision. With `positiveShare` (the share of positives, what a random ranking scores at
    /// every recall) a flat line shows that baseline.
    public static func precisionRecall(recall: [Double], precision: [Double], averagePrecision: Double?, model: String,
                                       positiveShare: Double? = nil) -> Chart {
        var chart = Chart(title: "Precision-recall curve, test split (AP \(fourDigits(averagePrecision)))", xLabel: "recall",
                          yLabel: "precision")
        chart.add(.line(x: recall, y: precision, title: model))
        if let positiveShare { chart.add(.line(x: [0, 1], y: [positiveShare, positiveShare], title: "random ranking")) }
        chart.xRange = (0, 1)
        chart.yRange = (0, 1.02)
        chart.legend = "bottom left"
        return chart
    }
}

private func fourDigits(_ x: Double?) -> String { x.map { String(format: "%.4f", $0) } ?? "undefined" }
