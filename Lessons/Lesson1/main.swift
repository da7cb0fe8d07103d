// Lesson 1 walkthrough: gradients by hand (`make lesson1`).
//
// 1. Why the loss is computed from logits: the naive and the stable BCE side by side.
// 2. A live gradient check of every backward pass in the lesson, with your numericalGradient.
// 3. How the error of a finite difference depends on ε.
// 4. A logistic-regression baseline on binary bag-of-words IMDB features, trained with your
//    Linear, BCE and Adam; test accuracy, a learning curve and metrics.json in out/lesson1/.
//
// --smoke: 300 reviews a split and one epoch (make test runs it); --out DIR: another folder.

import CourseData
import Foundation
import Gnuplot
import Lesson1
import TensorCore
import Training
import WalkthroughSupport

let started = Date()
let walkthrough = WalkthroughOptions.fromCommandLine(lesson: 1)
let output = OutputFolder(walkthrough.outputDirectory)
let vocabularyLimit = 30_000
let epochs = walkthrough.sized(5, smoke: 1)
let seed: UInt64 = 1

print("""
Lesson 1: gradients by hand
---------------------------
Every later lesson trains an LSTM with gradients you derive and code yourself. This one does it
for the smallest model that learns anything: logistic regression, logit = x Wᵀ + b, trained on
binary cross-entropy. The text is in Lessons/Lesson1/README.md.
""")

// MARK: 1. Stability

heading("1. Why logits: binary cross-entropy at large |z| (Float, target y = 0; README, section 5)")
print("""
The textbook formula -[y log σ(z) + (1 - y) log(1 - σ(z))] rounds σ(z) to exactly 1 once z is
above ~17 in Float, and log(1 - 1) = -inf. The form on logits, max(z, 0) - z·y + log(1 + e^{-|z|}),
never leaves the finite numbers (README, section 5).
""")
print("      z        naive BCE        bceWithLogits (yours)")
for z: Float in [2, 10, 20, 100, 1e4, -1e4] {
    let s: Float = 1 / (1 + Float.exp(-z))
    let naive = -Float.log(1 - s)
    let stable = bceWithLogits(Tensor<Float>([z]), targets: Tensor<Float>([0]))
    print(String(format: "  %8.0f     %12.6g     %12.6g", z, naive, stable))
}

// MARK: 2. Gradient check

heading("2. Gradient check: your backward passes against your centred differences (Double, ε = 1e-5; README, section 6)")
print("Relative error |a - n| / max(1e-8, |a| + |n|), worst entry; ≤ 1e-7 is correct.\n")
GradientTable.printTable(GradientTable.rows(), threshold: 1e-7)

heading("3. The step ε: truncation error against rounding error (README, section 6)")
print("""
A one-sided difference is off by O(ε), a centred one by O(ε²); both are ruined by rounding once
ε is tiny (the loss is only known to ~1e-16, divided by ε). Exact dL/dz of BCE at z = 0.8, y = 1:
""")
GradientTable.printEpsilonSweep()

// MARK: 4. Baseline

heading("4. Logistic regression on binary bag-of-words features (README, section 9)")
let loadStart = Date()
let data = CourseDatasets.imdbOrGenerated(limitPerSplit: walkthrough.sized(nil, smoke: 300), seed: seed)
print(data.message)
if !data.isReal {
    print("""
    Note: the generated reviews are built so that the same words occur equally often in positive
    and negative reviews; only their ORDER decides. A bag of words cannot beat about 50% on them,
    which is exactly why the later lessons use an LSTM.
    """)
}
let trainWords = data.train.map { BagOfWords.words($0.text) }
let testWords = data.test.map { BagOfWords.words($0.text) }
let vocabulary = BagOfWords.vocabulary(trainWords, maxSize: vocabularyLimit)
let trainFeatures = BagOfWords.features(trainWords, vocabulary: vocabulary)
let testFeatures = BagOfWords.features(testWords, vocabulary: vocabulary)
let trainLabels = data.train.map { Float($0.label) }
let testLabels = data.test.map { Float($0.label) }
let meanWords = Double(trainFeatures.reduce(0) { $0 + $1.count }) / Double(max(trainFeatures.count, 1))
print(String(format: "Vocabulary: the %d words found in the most training reviews; a review has %.0f of them on average.",
             vocabulary.count, meanWords))
print(String(format: "Loading and featurising took %.1f s.", Date().timeIntervalSince(loadStart)))

// 10% of the training reviews choose the epoch; the test split only measures.
var splitRNG = SeededRNG(seed: seed)
let shuffled = splitRNG.permutation(data.train.count)
let validationCount = data.train.count / 10
let validationRows = Array(shuffled.prefix(validationCount))
let trainRows = Array(shuffled.dropFirst(validationCount))
let baseline = Baseline(vocabularySize: vocabulary.count)
print("""
Model: logit = x Wᵀ + b with W [1, \(vocabulary.count)]; x is a review's 0/1 row, built per batch.
Training: \(trainRows.count) reviews (\(validationRows.count) held out for validation), batches of \
\(baseline.batchSize), Adam (lr \(baseline.learningRate)), \(epochs) epochs.

""")
print("  epoch   train loss   validation acc   test acc   seconds")
let trainingStart = Date()
let run = baseline.train(trainFeatures: trainFeatures, trainLabels: trainLabels, trainRows: trainRows,
                         validationRows: validationRows, testFeatures: testFeatures, testLabels: testLabels,
                         epochs: epochs, seed: seed) { r in
    print(String(format: "  %5d   %10.4f   %13.2f%%   %7.2f%%   %7.1f",
                 r.epoch, r.trainLoss, 100 * r.validationAccuracy, 100 * r.testAccuracy, r.seconds))
}
let trainingSeconds = Date().timeIntervalSince(trainingStart)
let trainingOnlySeconds = run.history.reduce(0) { $0 + $1.seconds }
let examplesPerSecond = Double(trainRows.count * epochs) / max(trainingOnlySeconds, 1e-9)
let bestResult = run.history[run.bestEpoch - 1]
let testAccuracy = bestResult.testAccuracy

print(String(format: """

Test accuracy %.2f%% on %d test reviews (the model of epoch %d, chosen by validation accuracy %.2f%%).
Training: %.1f s for %d epochs, %.0f examples/s (%.1f s with evaluation).
""", 100 * testAccuracy, data.test.count, run.bestEpoch, 100 * bestResult.validationAccuracy,
      trainingOnlySeconds, epochs, examplesPerSecond, trainingSeconds))
if data.isReal {
    print("For comparison (README, section 9): TF-IDF unigrams+bigrams with scikit-learn's logistic regression reach 90.8%.")
}

// What the model learned: the words with the largest and smallest weights.
let ranked = run.best.weight.scalars.indices.sorted { run.best.weight.scalars[$0] > run.best.weight.scalars[$1] }
print("Most positive words: " + ranked.prefix(12).map { vocabulary[$0] }.joined(separator: ", "))
print("Most negative words: " + ranked.suffix(12).reversed().map { vocabulary[$0] }.joined(separator: ", "))

// MARK: Outputs

var chart = Chart.perEpoch(title: "Lesson 1: logistic regression on bag-of-words " + (data.isReal ? "IMDB" : "generated reviews"),
                           yLabel: "loss / accuracy", epochs: run.history.map { Double($0.epoch) }, series: [
                               ("train loss (mean BCE)", run.history.map(\.trainLoss)),
                               ("validation accuracy", run.history.map(\.validationAccuracy)),
                               ("test accuracy", run.history.map(\.testAccuracy)),
                           ])
chart.yRange = (0, 1)
chart.legend = "center"
if output.save(chart, "learning_curve.png", width: 900, height: 560) {
    if let text = try? chart.renderText(width: 78, height: 22) { print("\n" + text) }
    print("Wrote \(output.file("learning_curve.png"))")
}

let metrics: [String: Any] = [
    "lesson": 1,
    "model": "logistic regression on binary bag-of-words (Linear(V, 1) + BCE with logits, Adam)",
    "test_accuracy": testAccuracy,
    "validation_accuracy": bestResult.validationAccuracy,
    "best_epoch": run.bestEpoch,
    "epochs": epochs,
    "batch_size": baseline.batchSize,
    "learning_rate": Double("\(baseline.learningRate)") ?? 0,  // 0.001, not the Float's exact binary value
    "training_seconds": trainingOnlySeconds,
    "seconds": Date().timeIntervalSince(started),
    "examples_per_second": examplesPerSecond,
    "vocabulary_size": vocabulary.count,
    "train_examples": trainRows.count,
    "validation_examples": validationRows.count,
    "test_examples": data.test.count,
    "data_source": data.isReal ? "IMDB official split (Maas et al. 2011)" : "generated reviews (IMDB not found)",
    "data_is_real": data.isReal,
    "history": run.history.map {
        ["epoch": $0.epoch, "train_loss": $0.trainLoss, "validation_accuracy": $0.validationAccuracy,
         "test_accuracy": $0.testAccuracy, "seconds": $0.seconds] as [String: Any]
    },
]
try output.writeJSON(metrics, to: "metrics.json")
print("Wrote \(output.file("metrics.json"))")
print(String(format: "Done in %.1f s.", Date().timeIntervalSince(started)))
