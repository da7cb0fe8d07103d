// Lesson 6 walkthrough: judging a sentiment model honestly.
//
//   make lesson6 TRACK=solutions     (release build; charts and metrics.json in out/lesson6/)
//
// Sections 1-8 judge a bag-of-words logistic regression trained in a few seconds on the Amazon
// sample (BagOfWordsScorer.swift), so that every metric and the calibration are shown on a model
// that needs no cached run. Every metric printed comes from the student's Lesson 6 functions,
// checked against the library's (Sources/Training/Metrics*.swift). The LSTM half
// (LSTMSections.swift) reads Lesson 5 models trained by Tools/ablations.sh into
// out/lesson6/runs/: deployment figures and int8 quantisation, the LSTM's limits (time per
// token, accuracy by length, a long-range probe that trains small RNN/LSTM/BiLSTM models here),
// Amazon in and across domains, the ablation table, attention maps and the lr x batch sweep.
// The sections are numbered as the README's, and run in its order.
//
// --smoke (make test): 300 reviews, a few epochs, and tiny runs trained on the spot instead of
// the cached ones (SmokeRuns.swift), outputs in a temporary folder; --out DIR: another folder.

import CourseData
import Foundation
import Gnuplot
import Lesson2
import Lesson6
import TensorCore
import Training
import WalkthroughSupport

let seed: UInt64 = 6
let walkthrough = WalkthroughOptions.fromCommandLine(lesson: 6)
let output = OutputFolder(walkthrough.outputDirectory)
let outDirectory = output.path
let tokenizer = Tokenizer()

func sigmoid(_ z: Double) -> Double { 1 / (1 + exp(-z)) }

func percent(_ x: Double) -> String { String(format: "%.2f%%", 100 * x) }

func fmt(_ x: Double?) -> String { x.map { String(format: "%.4f", $0) } ?? "undefined" }

/// The first `count` characters of a review on one line.
func excerpt(_ text: String, _ count: Int = 150) -> String {
    let flat = text.replacingOccurrences(of: "<br />", with: " ").split(whereSeparator: \.isNewline).joined(separator: " ")
    return flat.count <= count ? flat : String(flat.prefix(count)) + "..."
}

// MARK: Data

/// Splits reviews into train / validation / test with the same share of positives in each
/// (per class: shuffle with `seed`, cut at the fractions), then shuffles each split.
func stratifiedSplit(_ reviews: [Review], train: Double, validation: Double, seed: UInt64)
    -> (train: [Review], validation: [Review], test: [Review]) {
    var rng = SeededRNG(seed: seed)
    var parts: ([Review], [Review], [Review]) = ([], [], [])
    for label in [0, 1] {
        var members = reviews.filter { $0.label == label }
        rng.shuffle(&members)
        let a = Int((Double(members.count) * train).rounded())
        let b = a + Int((Double(members.count) * validation).rounded())
        parts.0 += members[..<a]
        parts.1 += members[a..<b]
        parts.2 += members[b...]
    }
    rng.shuffle(&parts.0)
    rng.shuffle(&parts.1)
    rng.shuffle(&parts.2)
    return parts
}

/// The Amazon sample when present, otherwise generated reviews and a message saying where
/// Amazon is downloaded; at most `limit` reviews (a smoke run).
func loadAmazonOrGenerated(limit: Int?) -> (reviews: [Review], name: String, isReal: Bool) {
    do {
        var reviews = try Amazon.loadFastText(Amazon.sharedSamplePath)
        if let limit { reviews = Array(reviews.prefix(limit)) }
        return (reviews, "Amazon polarity sample (\(reviews.count) reviews, \(Amazon.sharedSamplePath))", true)
    } catch {
        let count = limit ?? 5_000
        print("The Amazon sample could not be read (\(error)).\n\(Amazon.officialDownload)")
        print("Using \(count) generated reviews instead.")
        return (GeneratedReviews.make(count: count, seed: seed), "generated reviews (\(count))", false)
    }
}

// MARK: JSON records (the lesson's types are not Codable; metrics.json gets plain mirrors)

struct ScoresRecord: Codable { var precision, recall, f1: Double; var support: Int }
extension ScoresRecord {
    init(_ s: ClassScores) { self.init(precision: s.precision, recall: s.recall, f1: s.f1, support: s.support) }
}
struct BinRecord: Codable { var lower, upper: Double; var count: Int; var meanProbability, fractionPositive: Double }
extension BinRecord {
    init(_ b: ReliabilityBin) {
        self.init(lower: b.lower, upper: b.upper, count: b.count, meanProbability: b.meanProbability, fractionPositive: b.fractionPositive)
    }
}
struct CalibrationRecord: Codable {
    var temperature: Double
    var fittedOn: String
    var bins: Int
    var nllBefore, nllAfter, eceBefore, eceAfter: Double
    var reliabilityBefore, reliabilityAfter: [BinRecord]
}
struct BucketRecord: Codable { var bucket: String; var count: Int; var errorRate: Double }
struct ErrorRecord: Codable { var kind: String; var probability: Double; var excerpt: String; var source: String }
struct DomainRecord: Codable { var trainedOn: String; var evaluatedOn: String; var report: ClassificationReport }
struct Lesson6Metrics: Codable {
    var dataset: String
    var isRealData: Bool
    var seed: UInt64
    var split: [String: Int]
    var model: String
    var trainingSeconds: Double
    var test: ClassificationReport
    var perClass: [String: ScoresRecord]
    var macroAverage: ScoresRecord
    var weightedAverage: ScoresRecord
    var lessonMetricsMatchLibrary: Bool
    var calibration: CalibrationRecord
    var errorByLength: [BucketRecord]
    var mostConfidentErrors: [ErrorRecord]
    var domains: [DomainRecord]
    var errorByIMDBRating: [BucketRecord]
    var lstm: LSTMFigures
    var notYetMeasured: [String]
}

/// Error rate per bucket of `key` (a bucket name per review, nil to leave it out).
func errorRates(_ reviews: [Review], _ wrong: [Bool], order: [String], key: (Review) -> String?) -> [BucketRecord] {
    var count: [String: Int] = [:], errors: [String: Int] = [:]
    for (r, w) in zip(reviews, wrong) {
        guard let k = key(r) else { continue }
        count[k, default: 0] += 1
        if w { errors[k, default: 0] += 1 }
    }
    return order.compactMap { k in
        guard let n = count[k], n > 0 else { return nil }
        return BucketRecord(bucket: k, count: n, errorRate: Double(errors[k, default: 0]) / Double(n))
    }
}

func printBuckets(_ buckets: [BucketRecord], _ what: String) {
    print("  " + pad(what, 14) + pad("reviews", 9, right: true) + pad("error rate", 12, right: true))
    for b in buckets { print("  " + pad(b.bucket, 14) + pad(String(b.count), 9, right: true) + pad(percent(b.errorRate), 12, right: true)) }
}

// ============================================================================================

print("""
Lesson 6: judging the model honestly
The model judged is a bag-of-words logistic regression (Lessons/Lesson6/BagOfWordsScorer.swift);
every figure below comes from YOUR Lesson 6 functions and is checked against the library's.
""")

heading("1. Data: a stratified split")
let data = loadAmazonOrGenerated(limit: walkthrough.sized(nil, smoke: 300))
let split = stratifiedSplit(data.reviews, train: 0.6, validation: 0.2, seed: seed)
func positives(_ r: [Review]) -> String { percent(Double(r.filter { $0.label == 1 }.count) / Double(max(1, r.count))) }
print("\(data.name)")
print("train \(split.train.count) (\(positives(split.train)) positive), validation \(split.validation.count) (\(positives(split.validation))), test \(split.test.count) (\(positives(split.test))); seed \(seed)")
let tokensTrain = split.train.map { tokenizer.tokenize($0.text) }
let tokensValidation = split.validation.map { tokenizer.tokenize($0.text) }
let tokensTest = split.test.map { tokenizer.tokenize($0.text) }
let meanLength = Double(tokensTrain.reduce(0) { $0 + $1.count }) / Double(max(1, tokensTrain.count))
print(String(format: "mean review length %.0f tokens", meanLength))
if !data.isReal {
    print("""
    Note: the generated reviews decide their label by word order (negation, contrast), which a bag
    of words cannot see, so expect the baseline below to be no better than chance: that is the
    point of the course's LSTM, not a bug in the metrics.
    """)
}

heading("2. The model")
let trainStart = Date()
let bagOfWordsEpochs = walkthrough.sized(60, smoke: 5)
let model = BagOfWordsScorer(documents: tokensTrain, labels: split.train.map(\.label), epochs: bagOfWordsEpochs, seed: seed)
let trainingSeconds = Date().timeIntervalSince(trainStart)
print(String(format: "bag-of-words logistic regression, %d words, %d epochs of SGD in %.1f s", model.vocabulary.count, bagOfWordsEpochs,
             trainingSeconds))
let validationLabels = split.validation.map(\.label)
let validationLogits = tokensValidation.map(model.logit)
let testLabels = split.test.map(\.label)
let testLogits = tokensTest.map(model.logit)
let testProbabilities = testLogits.map(sigmoid)
let testPredictions = testProbabilities.map { $0 >= 0.5 ? 1 : 0 }

heading("3. Confusion matrix and classification report (test split, threshold 0.5)")
let report = PerClassReport(labels: testLabels, predictions: testPredictions, classCount: 2, classNames: ["negative", "positive"])
print("               predicted neg  predicted pos")
print(String(format: "  true neg     %13d  %13d", report.confusion[0][0], report.confusion[0][1]))
print(String(format: "  true pos     %13d  %13d", report.confusion[1][0], report.confusion[1][1]))
print()
print(report)

heading("4-5. Threshold-free: ROC AUC and average precision")
let roc = rocCurve(labels: testLabels, scores: testProbabilities)
let auc = rocAUC(labels: testLabels, scores: testProbabilities)
let pr = precisionRecallCurve(labels: testLabels, scores: testProbabilities)
let ap = averagePrecision(labels: testLabels, scores: testProbabilities)
let library = ClassificationReport(labels: testLabels, scores: testProbabilities, threshold: 0.5)
print("ROC AUC \(fmt(auc))   average precision \(fmt(ap))   (\(roc.thresholds.count - 1) distinct scores)")
print("A random ranking would score AUC 0.5 and AP \(fmt(Double(testLabels.reduce(0, +)) / Double(testLabels.count))) (the share of positives).")
let agreements = [
    ("accuracy", report.accuracy, library.accuracy), ("F1 (positive)", report.classes[1].f1, library.f1),
    ("ROC AUC", auc, library.rocAUC ?? .nan), ("average precision", ap, library.averagePrecision ?? .nan),
]
let matchesLibrary = agreements.allSatisfy { abs($0.1 - $0.2) <= 1e-12 }
for (name, mine, theirs) in agreements where abs(mine - theirs) > 1e-12 {
    print("  ✗ \(name): your \(mine), the library's \(theirs)")
}
print(matchesLibrary ? "✓ your metrics agree with the library's (Sources/Training/Metrics*.swift) to 1e-12"
                     : "✗ your metrics differ from the library's; the Lesson 6 tests say where")

let rocChart = Chart.roc(falsePositiveRate: roc.falsePositiveRate, truePositiveRate: roc.truePositiveRate, auc: auc, model: "bag of words")
if output.save(rocChart, "roc.png"), let text = try? rocChart.renderText(width: 72, height: 20) { print(text) }
let baseRate = Double(testLabels.reduce(0, +)) / Double(max(1, testLabels.count))
output.save(Chart.precisionRecall(recall: pr.recall, precision: pr.precision, averagePrecision: ap, model: "bag of words",
                                  positiveShare: baseRate), "pr.png")

var confusionChart = Chart(title: "Confusion matrix, test split", xLabel: "predicted", yLabel: "true")
confusionChart.add(.heatmap(matrix: report.confusion.map { $0.map(Double.init) }, xLabels: ["negative", "positive"], yLabels: ["negative", "positive"]))
output.save(confusionChart, "confusion.png")

heading("6-7. Calibration: temperature scaling fitted on the validation split")
let temperature = fitTemperature(logits: validationLogits, labels: validationLabels)
let binCount = 10
let testAfter = scaledProbabilities(logits: testLogits, temperature: temperature)
let binsBefore = reliabilityBins(probabilities: testProbabilities, labels: testLabels, binCount: binCount)
let binsAfter = reliabilityBins(probabilities: testAfter, labels: testLabels, binCount: binCount)
let calibration = CalibrationRecord(
    temperature: temperature, fittedOn: "validation", bins: binCount,
    nllBefore: temperatureNLL(logits: testLogits, labels: testLabels, temperature: 1),
    nllAfter: temperatureNLL(logits: testLogits, labels: testLabels, temperature: temperature),
    eceBefore: expectedCalibrationError(binsBefore), eceAfter: expectedCalibrationError(binsAfter),
    reliabilityBefore: binsBefore.map(BinRecord.init), reliabilityAfter: binsAfter.map(BinRecord.init))
print(String(format: "fitted T = %.4f on %d validation reviews ", temperature, validationLogits.count)
      + (temperature > 1 ? "(T > 1: the raw model is over-confident)" : "(T < 1: the raw model is under-confident)"))
print(String(format: "test NLL %.4f -> %.4f    test ECE (10 bins) %.4f -> %.4f", calibration.nllBefore, calibration.nllAfter,
             calibration.eceBefore, calibration.eceAfter))
print("accuracy, ROC AUC and AP are unchanged: dividing by T > 0 keeps the order of the scores.")
print("  bin            reviews  mean p before  positive  |  reviews  mean p after  positive")
for (b, a) in zip(binsBefore, binsAfter) {
    print(String(format: "  (%.1f, %.1f]  %8d  %13.3f  %8.3f  |  %7d  %12.3f  %8.3f", b.lower, b.upper, b.count,
                 b.meanProbability, b.fractionPositive, a.count, a.meanProbability, a.fractionPositive))
}
var reliabilityChart = Chart(title: String(format: "Reliability diagram, test split (ECE %.3f -> %.3f, T = %.2f)",
                                           calibration.eceBefore, calibration.eceAfter, temperature),
                             xLabel: "mean predicted probability (bin)", yLabel: "fraction positive")
let nonEmptyBefore = binsBefore.filter { $0.count > 0 }, nonEmptyAfter = binsAfter.filter { $0.count > 0 }
reliabilityChart.add(.line(x: [0, 1], y: [0, 1], title: "perfectly calibrated"))
reliabilityChart.add(.line(x: nonEmptyBefore.map(\.meanProbability), y: nonEmptyBefore.map(\.fractionPositive), title: "raw logits"))
reliabilityChart.add(.line(x: nonEmptyAfter.map(\.meanProbability), y: nonEmptyAfter.map(\.fractionPositive), title: "after temperature scaling"))
reliabilityChart.xRange = (0, 1); reliabilityChart.yRange = (0, 1); reliabilityChart.legend = "top left"
output.save(reliabilityChart, "reliability.png")

heading("8. Error analysis")
let wrong = zip(testPredictions, testLabels).map { $0 != $1 }
let byConfidence = testProbabilities.indices.filter { wrong[$0] }
let falsePositives = byConfidence.filter { testLabels[$0] == 0 }.sorted { testProbabilities[$0] > testProbabilities[$1] }.prefix(3)
let falseNegatives = byConfidence.filter { testLabels[$0] == 1 }.sorted { testProbabilities[$0] < testProbabilities[$1] }.prefix(3)
var confidentErrors: [ErrorRecord] = []
for (kind, indices) in [("false positive", falsePositives), ("false negative", falseNegatives)] {
    print("most confident \(kind)s:")
    for i in indices {
        let record = ErrorRecord(kind: kind, probability: testProbabilities[i], excerpt: excerpt(split.test[i].text), source: split.test[i].source)
        confidentErrors.append(record)
        print(String(format: "  p(positive) = %.3f  ", record.probability) + record.excerpt)
    }
}
let lengthEdges = [0, 40, 70, 100, 140, Int.max]
func lengthBucket(_ n: Int) -> String {
    let k = lengthEdges.lastIndex { $0 <= n } ?? 0
    return lengthEdges[k + 1] == Int.max ? "\(lengthEdges[k])+ tokens" : "\(lengthEdges[k])-\(lengthEdges[k + 1] - 1) tokens"
}
let lengthOrder = (0..<(lengthEdges.count - 1)).map { lengthBucket(lengthEdges[$0]) }
var lengthOf: [String: Int] = [:]
for (r, t) in zip(split.test, tokensTest) { lengthOf[r.source] = t.count }
let errorByLength = errorRates(split.test, wrong, order: lengthOrder) { lengthOf[$0.source].map(lengthBucket) }
print("\nerror rate by review length (test split):")
printBuckets(errorByLength, "length")
var lengthChart = Chart(title: "Error rate by review length, test split", xLabel: "review length", yLabel: "error rate (%)")
lengthChart.add(.bars(labels: errorByLength.map(\.bucket), series: [("bag of words", errorByLength.map { 100 * $0.errorRate })]))
lengthChart.yRange = (0, 100 * (errorByLength.map(\.errorRate).max() ?? 0.5) * 1.2)
output.save(lengthChart, "error_by_length.png")

print("""

The LSTM: Lesson 5's SentimentLSTM, trained by `sentiment train` runs that Tools/ablations.sh
caches in out/lesson6/runs/ (each with the command that made it).
""")
if walkthrough.smoke {
    do {
        try SmokeRuns.train(into: runsDirectory)
    } catch {
        print("the smoke runs could not be trained: \(error)")
    }
}
let baseRun = BaseRun.load()
var lstm = LSTMFigures()

heading("9. Honest comparisons: ablations, attention, and a sweep")
print("Ablations (IMDB subset, fixed seeds; each row's command below the table):")
ablationSection(&lstm)

heading("10. Domains: Amazon in-domain, IMDB in-domain, and across")
var domains = [DomainRecord(trainedOn: data.isReal ? "Amazon sample" : "generated", evaluatedOn: data.isReal ? "Amazon sample" : "generated", report: library)]
var errorByRating: [BucketRecord] = []
let imdb = data.isReal ? CourseDatasets.imdbOrGenerated(limitPerSplit: walkthrough.sized(nil, smoke: 300)) : (train: [], test: [], isReal: false, message: "skipped: the Amazon sample is missing")
if imdb.isReal {
    let imdbStart = Date()
    let imdbTrainTokens = imdb.train.map { tokenizer.tokenize($0.text) }
    let imdbTestTokens = imdb.test.map { tokenizer.tokenize($0.text) }
    let imdbModel = BagOfWordsScorer(documents: imdbTrainTokens, labels: imdb.train.map(\.label), epochs: bagOfWordsEpochs, seed: seed)
    let imdbLabels = imdb.test.map(\.label)
    let imdbProbabilities = imdbTestTokens.map { sigmoid(imdbModel.logit($0)) }
    let imdbOnAmazon = tokensTest.map { sigmoid(imdbModel.logit($0)) }
    let amazonOnIMDB = imdbTestTokens.map { sigmoid(model.logit($0)) }
    let imdbTrain = "IMDB train (\(EpochTable.grouped(imdb.train.count)))", imdbTest = "IMDB test (\(EpochTable.grouped(imdb.test.count)))"
    domains.append(DomainRecord(trainedOn: imdbTrain, evaluatedOn: imdbTest,
                                report: ClassificationReport(labels: imdbLabels, scores: imdbProbabilities, threshold: 0.5)))
    domains.append(DomainRecord(trainedOn: imdbTrain, evaluatedOn: "Amazon sample test split",
                                report: ClassificationReport(labels: testLabels, scores: imdbOnAmazon, threshold: 0.5)))
    domains.append(DomainRecord(trainedOn: "Amazon sample train split", evaluatedOn: imdbTest,
                                report: ClassificationReport(labels: imdbLabels, scores: amazonOnIMDB, threshold: 0.5)))
    let imdbMeanLength = Double(imdbTrainTokens.reduce(0) { $0 + $1.count }) / Double(max(1, imdbTrainTokens.count))
    print(String(format: "IMDB: %d + %d reviews (mean length %.0f tokens against Amazon's %.0f), tokenised and trained in %.0f s",
                 imdb.train.count, imdb.test.count, imdbMeanLength, meanLength, Date().timeIntervalSince(imdbStart)))
    let imdbWrong = zip(imdbProbabilities, imdbLabels).map { ($0 >= 0.5 ? 1 : 0) != $1 }
    let ratings = [1, 2, 3, 4, 7, 8, 9, 10]
    errorByRating = errorRates(imdb.test, imdbWrong, order: ratings.map { "\($0)/10" }) { $0.rating.map { "\($0)/10" } }
    print("\nerror rate of the IMDB model by star rating (IMDB test):")
    printBuckets(errorByRating, "rating")
    var ratingChart = Chart(title: "Error rate by IMDB star rating (bag of words, IMDB test)", xLabel: "rating", yLabel: "error rate (%)")
    ratingChart.add(.bars(labels: errorByRating.map(\.bucket), series: [("bag of words", errorByRating.map { 100 * $0.errorRate })]))
    ratingChart.yRange = (0, 100 * (errorByRating.map(\.errorRate).max() ?? 0.5) * 1.2)
    output.save(ratingChart, "error_by_rating.png")
} else {
    print(imdb.message)
    print("The cross-domain figures need both data sets; skipped.")
}
print("\n  " + pad("trained on", 29) + pad("evaluated on", 29) + pad("accuracy", 8, right: true) + pad("F1", 8, right: true) + pad("ROC AUC", 10, right: true))
for d in domains {
    print("  " + pad(d.trainedOn, 29) + pad(d.evaluatedOn, 29) + pad(percent(d.report.accuracy), 8, right: true)
          + pad(String(format: "%.4f", d.report.f1), 8, right: true) + pad(fmt(d.report.rocAUC), 10, right: true))
}
lstmDomainSection(&lstm, base: baseRun)

heading("11. What an LSTM cannot do well, measured")
limitationsSection(&lstm, base: baseRun)

heading("12. Deployment figures (base run, release build)")
deploymentSection(&lstm, base: baseRun)

let pending = lstm.missing
if !pending.isEmpty {
    heading("Not measured in this run")
    for p in pending { print("  - " + p) }
}

let metrics = Lesson6Metrics(
    dataset: data.name, isRealData: data.isReal, seed: seed,
    split: ["train": split.train.count, "validation": split.validation.count, "test": split.test.count],
    model: "bag-of-words logistic regression, \(model.vocabulary.count) words, SGD \(bagOfWordsEpochs) epochs, lr 0.5, batch 32, no regularisation",
    trainingSeconds: trainingSeconds, test: library,
    perClass: ["negative": ScoresRecord(report.classes[0]), "positive": ScoresRecord(report.classes[1])],
    macroAverage: ScoresRecord(report.macroAverage), weightedAverage: ScoresRecord(report.weightedAverage),
    lessonMetricsMatchLibrary: matchesLibrary, calibration: calibration, errorByLength: errorByLength,
    mostConfidentErrors: confidentErrors, domains: domains, errorByIMDBRating: errorByRating, lstm: lstm, notYetMeasured: pending)
do {
    try output.writeJSON(metrics, to: "metrics.json")
    print("\nwrote \(outDirectory)/metrics.json")
} catch {
    print("\ncould not write metrics.json: \(error)")
}
if Gnuplot.isAvailable {
    print("charts in \(outDirectory): " + output.chartsWritten.joined(separator: ", "))
} else {
    print("gnuplot is not installed, so no charts were drawn (\(GnuplotError.notInstalled))")
}
