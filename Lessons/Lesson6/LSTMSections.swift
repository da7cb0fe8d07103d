// The walkthrough's LSTM half: the runs cached by Tools/ablations.sh, judged with the same
// tools as the bag-of-words baseline, plus the measurements that need no cached run (the
// long-range probe and the time per token). One function per README section (9 to 12, called
// in that order by main.swift under its heading): each prints its figures, draws its charts and
// fills its part of the record for metrics.json; a part whose run is missing says which command
// makes it.

import CourseData
import Foundation
import Gnuplot
import Lesson5
import TensorCore
import Training
import WalkthroughSupport

struct AblationRecord: Codable {
    var name: String
    var change: String
    var command: String
    var testAccuracy: Double
    var f1: Double
    var rocAUC: Double?
    var trainingMinutes: Double
    var epochs: Int
    var bestEpoch: Int
    var parameters: Int
}

struct SweepRecord: Codable {
    var learningRate: Double
    var batchSize: Int
    var bestValidationAccuracy: Double
    var bestValidationLoss: Double
    var testAccuracy: Double
    var trainingMinutes: Double
    var command: String
}

struct LSTMDomainRecord: Codable {
    var trainedOn: String
    var evaluatedOn: String
    var reviews: Int
    var report: ClassificationReport
    var how: String
}

struct LSTMFigures: Codable {
    var deployment: DeploymentRecord?
    var timePerToken: [TimingRecord] = []
    var accuracyByReviewLength: [LengthAccuracyRecord] = []
    var longRangeProbe: [ProbeRecord] = []
    var domains: [LSTMDomainRecord] = []
    var ablations: [AblationRecord] = []
    var ablationsNotRun: [String] = []
    /// The base row with seeds 1, 2, 3 (each seed also draws its own subset and split).
    var baseSeeds: [AblationRecord] = []
    var baseSeedAccuracyStd: Double?
    /// The GRU row with seeds 1, 2, 3: is LSTM vs GRU a finding or noise?
    var gruSeeds: [AblationRecord] = []
    var gruSeedAccuracyStd: Double?
    var sweep: [SweepRecord] = []
    var sweepChoice: SweepRecord?
    var attention: [AttentionRecord] = []
    var missing: [String] = []
}

let ablationRows: [(name: String, change: String)] = [
    ("base", "base: BiLSTM, 1 layer, max pooling, GloVe fine-tuned"),
    ("unidirectional", "unidirectional"),
    ("layers2", "2 layers"),
    ("pooling-last", "last pooling"),
    ("pooling-mean", "mean pooling"),
    ("pooling-attention", "attention pooling"),
    ("embedding-random", "random embedding"),
    ("embedding-frozen", "GloVe frozen"),
    ("cell-gru", "GRU instead of LSTM (BiGRU)"),
    ("cell-rnn", "vanilla tanh RNN instead of LSTM (BiRNN)"),
]

/// The base run of Tools/ablations.sh re-read: its test reviews, its saved model and that model's
/// probabilities on them (empty or nil when the run is missing or cannot be read). Sections 10, 11
/// and 12 all judge it.
struct BaseRun {
    var run: CachedRun?
    var reviews: [Review] = []
    var probabilities: [Float] = []
    var model: SavedSentimentModel?

    static func load() -> BaseRun {
        var b = BaseRun(run: CachedRun.load("base"))
        guard let base = b.run else { return b }
        do {
            b.reviews = try base.testReviews()
            let saved = try SavedSentimentModel(checkpointPath: base.bestCheckpoint)
            b.probabilities = saved.predict(b.reviews.map(\.text))
            b.model = saved
            let accuracy = Double(zip(b.probabilities, b.reviews).filter { ($0 > 0.5) == ($1.label == 1) }.count) / Double(max(1, b.reviews.count))
            let agrees = abs(accuracy - base.metrics.testAccuracy) < 1e-9 && b.reviews.count == base.metrics.testReviews
            print(String(format: "base run re-read: %d test reviews, accuracy %@ (metrics.json: %@)%@", b.reviews.count,
                         percent(accuracy) as NSString, percent(base.metrics.testAccuracy) as NSString,
                         agrees ? "" : "  MISMATCH: the test split is not the one the run used"))
        } catch {
            print("the base run's model or data could not be read: \(error)")
        }
        return b
    }
}

// 9. Ablations, attention and the sweep ------------------------------------------------------------

func ablationSection(_ f: inout LSTMFigures) {
    for row in ablationRows {
        guard let run = CachedRun.load(row.name) else { f.ablationsNotRun.append(row.name); continue }
        let m = run.metrics
        f.ablations.append(AblationRecord(name: row.name, change: row.change, command: run.command, testAccuracy: m.testAccuracy,
                                          f1: m.f1, rocAUC: m.rocAUC, trainingMinutes: m.trainingMinutes, epochs: m.epochs,
                                          bestEpoch: m.bestEpoch, parameters: m.parameterCount))
    }
    if !f.ablations.isEmpty {
        print(tableRow("change", 52, ["accuracy", "F1", "ROC AUC", "minutes", "params"]))
        for a in f.ablations {
            print(tableRow(a.change, 52, [percent(a.testAccuracy), String(format: "%.4f", a.f1), fmt(a.rocAUC),
                                          String(format: "%.2f", a.trainingMinutes), String(a.parameters)]))
        }
        let base = seedSpread(row: "base", label: "base")
        (f.baseSeeds, f.baseSeedAccuracyStd) = (base.records, base.std)
        let gru = seedSpread(row: "cell-gru", label: "GRU")
        (f.gruSeeds, f.gruSeedAccuracyStd) = (gru.records, gru.std)
        if base.records.count > 1 && gru.records.count > 1 {
            let difference = mean(gru.records.map(\.testAccuracy)) - mean(base.records.map(\.testAccuracy))
            print(String(format: "GRU minus LSTM over the same three seeds: %+.2f points of accuracy.", 100 * difference))
        }
        if base.records.count > 1 {
            print("a row that differs from base by less than about twice the base's spread is not a finding.")
        }
        print("LSTM vs GRU vs vanilla RNN: rows cell-gru and cell-rnn (Lesson 5's encoder over your Lesson 3 cells);")
        print("the long-range probe (section 11) compares RNN, LSTM and BiLSTM on generated data of controlled length.")
        print("commands:")
        for a in f.ablations { print("  [\(a.name)] \(a.command)") }
        var chart = Chart(title: "Ablations on one IMDB subset (one seed each)", xLabel: "", yLabel: "test score (%)")
        chart.add(.bars(labels: f.ablations.map(\.name), series: [
            ("accuracy", f.ablations.map { 100 * $0.testAccuracy }),
            ("F1", f.ablations.map { 100 * $0.f1 }),
            ("ROC AUC", f.ablations.map { 100 * ($0.rocAUC ?? 0) }),
        ]))
        chart.yRange = (50, 100)
        output.save(chart, "ablations.png")
    }
    if !f.ablationsNotRun.isEmpty { f.missing.append("ablation rows not run: " + f.ablationsNotRun.joined(separator: ", ")) }

    print("\nattention (run pooling-attention):")
    if let run = CachedRun.load("pooling-attention") {
        do {
            let saved = try SavedSentimentModel(checkpointPath: run.bestCheckpoint)
            let reviews = try run.testReviews()
            f.attention = attentionExamples(saved, reviews: reviews, probabilities: saved.predict(reviews.map(\.text)),
                                            lengths: walkthrough.sized(30...64, smoke: 5...64))
            for r in f.attention {
                printAttention(r)
                output.save(attentionChart(r), "attention_\(r.kind).png")
            }
        } catch {
            print("attention maps failed: \(error)")
            f.missing.append("attention heatmaps (\(error))")
        }
    } else {
        f.missing.append("attention heatmaps: run pooling-attention is missing")
    }

    print("\nLearning rate x batch size (smaller subset and model; chosen on validation accuracy):")
    for lr in sweepRates {
        for bs in sweepBatches {
            let name = sweepRunName(learningRate: lr, batchSize: bs)
            guard let run = CachedRun.load(name) else { continue }
            guard let best = run.history.min(by: { $0.validationLoss < $1.validationLoss }) else { continue }
            f.sweep.append(SweepRecord(learningRate: lr, batchSize: bs,
                                       bestValidationAccuracy: run.history.map(\.validationAccuracy).max() ?? best.validationAccuracy,
                                       bestValidationLoss: best.validationLoss, testAccuracy: run.metrics.testAccuracy,
                                       trainingMinutes: run.metrics.trainingMinutes, command: run.command))
        }
    }
    if f.sweep.isEmpty {
        f.missing.append("learning-rate x batch-size sweep: no sweep run cached (Tools/ablations.sh sweep)")
    } else {
        print(tableRow("lr", 8, ["batch", "val acc", "val loss", "test acc", "minutes"]))
        for s in f.sweep {
            print(tableRow(String(s.learningRate), 8, [String(s.batchSize), percent(s.bestValidationAccuracy),
                                                       String(format: "%.4f", s.bestValidationLoss), percent(s.testAccuracy),
                                                       String(format: "%.2f", s.trainingMinutes)]))
        }
        f.sweepChoice = f.sweep.max { $0.bestValidationAccuracy < $1.bestValidationAccuracy }
        if let c = f.sweepChoice {
            print("chosen on validation accuracy: lr \(c.learningRate), batch \(c.batchSize) (test accuracy \(percent(c.testAccuracy)), read once)")
            print("command: \(c.command)")
        }
        var chart = Chart(title: "Learning rate x batch size: best validation accuracy", xLabel: "log10(learning rate)",
                          yLabel: "validation accuracy (%)")
        for bs in sweepBatches {
            let rows = f.sweep.filter { $0.batchSize == bs }
            if !rows.isEmpty { chart.add(.line(x: rows.map { log10($0.learningRate) }, y: rows.map { 100 * $0.bestValidationAccuracy }, title: "batch \(bs)")) }
        }
        chart.legend = "bottom right"
        output.save(chart, "lr_batch_sweep.png")
        let matrix = sweepBatches.map { bs in sweepRates.map { lr in
            100 * (f.sweep.first { $0.batchSize == bs && $0.learningRate == lr }?.bestValidationAccuracy ?? .nan)
        } }
        var grid = Chart(title: "Best validation accuracy (%) by learning rate and batch size", xLabel: "learning rate", yLabel: "batch size")
        grid.add(.heatmap(matrix: matrix, xLabels: sweepRates.map { String($0) }, yLabels: sweepBatches.map { String($0) }))
        grid.legend = "off"
        output.save(grid, "lr_batch_sweep_grid.png")
    }
}

/// The grid of Tools/ablations.sh's sweep and the name of each run in it.
let sweepRates = [0.0003, 0.001, 0.003, 0.01, 0.03, 0.1], sweepBatches = [16, 32, 64]
func sweepRunName(learningRate: Double, batchSize: Int) -> String { "sweep-lr\(learningRate)-bs\(batchSize)" }

// 10. The LSTM in and across domains ----------------------------------------------------------------

func lstmDomainSection(_ f: inout LSTMFigures, base b: BaseRun) {
    print("\nThe LSTM on Amazon, and across domains:")
    let amazon = CachedRun.load("amazon")
    guard let base = b.run, let amazon, let baseModel = b.model else {
        f.missing.append("LSTM in-domain / cross-domain figures: runs base and amazon are needed (Tools/ablations.sh ablations amazon)")
        return
    }
    do {
        let amazonReviews = try amazon.testReviews()
        let amazonModel = try SavedSentimentModel(checkpointPath: amazon.bestCheckpoint)
        let amazonOwn = amazonModel.predict(amazonReviews.map(\.text))
        let imdbOnAmazon = baseModel.predict(amazonReviews.map(\.text))
        let amazonOnIMDB = amazonModel.predict(b.reviews.map(\.text))
        func report(_ r: [Review], _ p: [Float]) -> ClassificationReport { ClassificationReport(labels: r.map(\.label), scores: p, threshold: Float(0.5)) }
        let imdbName = "IMDB subset (base run)", amazonName = "Amazon sample (amazon run)"
        f.domains = [
            LSTMDomainRecord(trainedOn: amazonName, evaluatedOn: "Amazon test split", reviews: amazonReviews.count,
                             report: report(amazonReviews, amazonOwn), how: amazon.command),
            LSTMDomainRecord(trainedOn: imdbName, evaluatedOn: "IMDB test subset", reviews: b.reviews.count,
                             report: report(b.reviews, b.probabilities), how: base.command),
            LSTMDomainRecord(trainedOn: imdbName, evaluatedOn: "Amazon test split", reviews: amazonReviews.count,
                             report: report(amazonReviews, imdbOnAmazon), how: "base run's best.ckpt on the amazon run's test reviews"),
            LSTMDomainRecord(trainedOn: amazonName, evaluatedOn: "IMDB test subset", reviews: b.reviews.count,
                             report: report(b.reviews, amazonOnIMDB), how: "amazon run's best.ckpt on the base run's test reviews"),
        ]
        if abs(f.domains[0].report.accuracy - amazon.metrics.testAccuracy) > 1e-9 {
            print("  note: the Amazon test split re-read here gives \(percent(f.domains[0].report.accuracy)), metrics.json \(percent(amazon.metrics.testAccuracy))")
        }
        print(tableRow("trained on", 28, [], width: 0) + pad("evaluated on", 20) + pad("reviews", 8, right: true)
              + pad("accuracy", 10, right: true) + pad("F1", 8, right: true) + pad("ROC AUC", 9, right: true))
        for d in f.domains {
            print(tableRow(d.trainedOn, 28, [], width: 0) + pad(d.evaluatedOn, 20) + pad(String(d.reviews), 8, right: true)
                  + pad(percent(d.report.accuracy), 10, right: true) + pad(String(format: "%.4f", d.report.f1), 8, right: true)
                  + pad(fmt(d.report.rocAUC), 9, right: true))
        }
        print("commands: \(amazon.command)\n          \(base.command)")
        var chart = Chart(title: "The LSTM in and across domains", xLabel: "", yLabel: "test accuracy (%)")
        chart.add(.bars(labels: ["Amazon test", "IMDB test"], series: [
            ("trained on Amazon", [100 * f.domains[0].report.accuracy, 100 * f.domains[3].report.accuracy]),
            ("trained on IMDB", [100 * f.domains[2].report.accuracy, 100 * f.domains[1].report.accuracy]),
        ]))
        chart.yRange = (50, 100)
        output.save(chart, "lstm_domains.png")
    } catch {
        print("cross-domain figures failed: \(error)")
        f.missing.append("LSTM domain figures (\(error))")
    }
}

// 11. Limitations -------------------------------------------------------------------------------------

func limitationsSection(_ f: inout LSTMFigures, base b: BaseRun) {
    let timingConfig = SentimentLSTMConfig(vocabularySize: 5_000, embeddingSize: 50, hiddenSize: 64, layers: 1, bidirectional: true,
                                           pooling: .max, dropout: 0.3)
    let repeats = walkthrough.sized(5, smoke: 1)
    f.timePerToken = measureTimePerToken(config: timingConfig, lengths: walkthrough.sized([25, 50, 100, 200, 400, 800], smoke: [25, 50]),
                                         repeats: repeats)
    print("one training step (forward + backward), BiLSTM E50 H64, random ids; median of \(repeats):")
    print(tableRow("setting", 26, ["T", "B", "ms/batch", "µs/token"]))
    for r in f.timePerToken {
        print(tableRow(r.setting, 26, [String(r.steps), String(r.batch), String(format: "%.1f", r.millisecondsPerBatch),
                                       String(format: "%.2f", r.microsecondsPerToken)]))
    }
    var timing = Chart(title: "Training time per token against sequence length (BiLSTM E50 H64)", xLabel: "sequence length T (tokens)",
                       yLabel: "microseconds per token")
    for setting in ["fixed batch B = 32", "fixed tokens B·T = 6,400"] {
        let rows = f.timePerToken.filter { $0.setting == setting }
        timing.add(.line(x: rows.map { Double($0.steps) }, y: rows.map(\.microsecondsPerToken), title: setting))
    }
    timing.legend = "bottom right"
    // From zero: a cut axis would make a 20% change look like a tripling.
    timing.yRange = (0, 1.25 * (f.timePerToken.map(\.microsecondsPerToken).max() ?? 1))
    output.save(timing, "time_per_token.png")

    if !b.reviews.isEmpty {
        f.accuracyByReviewLength = accuracyByLength(b.reviews, probabilities: b.probabilities)
        print("\nbase model's test accuracy by review length (tokens before truncation; the model reads \(b.run?.metrics.options.tokensRead ?? "all")):")
        print(tableRow("length", 12, ["reviews", "accuracy"]))
        for r in f.accuracyByReviewLength { print(tableRow(r.bucket, 12, [String(r.count), percent(r.accuracy)])) }
        var chart = Chart(title: "Test accuracy by review length (base BiLSTM, reads \(b.run?.metrics.options.tokensRead ?? "all") tokens)",
                          xLabel: "review length (tokens)", yLabel: "accuracy (%)")
        chart.add(.bars(labels: f.accuracyByReviewLength.map(\.bucket), series: [("base BiLSTM", f.accuracyByReviewLength.map { 100 * $0.accuracy })]))
        chart.yRange = (50, 100)
        output.save(chart, "accuracy_by_length.png")
    }

    let probe = walkthrough.sized(LongRangeProbe.Budget.full, smoke: LongRangeProbe.Budget.smoke)
    print("\nlong-range probe: label = a signal word k tokens before the end of 60 noise tokens; last-state pooling;")
    print("\(probe.steps) Adam steps of \(LongRangeProbe.batchSize) sequences, E\(LongRangeProbe.embeddingSize) H\(LongRangeProbe.hiddenSize), test on \(probe.testSize) (chance 50%):")
    let ks = walkthrough.sized([1, 5, 10, 15, 20, 30, 40, 55], smoke: [1, 10])
    for kind in LongRangeProbe.Kind.allCases {
        for k in ks { f.longRangeProbe.append(LongRangeProbe.run(kind, k: k, seed: 6, budget: probe)) }
    }
    print(tableRow("model", 8, ks.map { "k=\($0)" }, width: 9) + "   seconds")
    var probeChart = Chart(title: "Long-range probe: accuracy when the label is k tokens before the end", xLabel: "k (tokens before the end)",
                           yLabel: "test accuracy (%)")
    for kind in LongRangeProbe.Kind.allCases {
        let rows = f.longRangeProbe.filter { $0.model == kind.rawValue }
        print(tableRow(kind.rawValue, 8, rows.map { percent($0.testAccuracy) }, width: 9)
              + String(format: "   %.1f", rows.reduce(0) { $0 + $1.seconds }))
        probeChart.add(.line(x: rows.map { Double($0.k) }, y: rows.map { 100 * $0.testAccuracy }, title: kind.rawValue))
    }
    probeChart.yRange = (40, 102)
    probeChart.legend = "bottom left"
    output.save(probeChart, "long_range_probe.png")
}

// 12. Deployment ------------------------------------------------------------------------------------

func deploymentSection(_ f: inout LSTMFigures, base b: BaseRun) {
    guard let base = b.run, !b.reviews.isEmpty else {
        f.missing.append("deployment figures: the base run is missing (Tools/ablations.sh ablations)")
        return
    }
    do {
        let d = try measureDeployment(base, reviews: b.reviews)
        printDeployment(d)
        f.deployment = d
    } catch {
        print("deployment figures failed: \(error)")
        f.missing.append("deployment figures (\(error))")
    }
}

func mean(_ values: [Double]) -> Double { values.reduce(0, +) / Double(max(values.count, 1)) }

/// A row of the ablation table with seeds 1, 2 and 3 (runs NAME, NAME-seed2, NAME-seed3; a seed
/// also draws its own subset and split), printed with its mean and standard deviation.
func seedSpread(row: String, label: String) -> (records: [AblationRecord], std: Double?) {
    var records: [AblationRecord] = []
    for name in [row, "\(row)-seed2", "\(row)-seed3"] {
        guard let run = CachedRun.load(name) else { continue }
        let m = run.metrics
        records.append(AblationRecord(name: name, change: "\(label), seed \(m.options.seed)", command: run.command, testAccuracy: m.testAccuracy,
                                      f1: m.f1, rocAUC: m.rocAUC, trainingMinutes: m.trainingMinutes, epochs: m.epochs,
                                      bestEpoch: m.bestEpoch, parameters: m.parameterCount))
    }
    guard records.count > 1 else {
        print("(seed spread of the \(label) row: run Tools/ablations.sh seeds for seeds 2 and 3)")
        return (records, nil)
    }
    let a = records.map(\.testAccuracy)
    let m = mean(a)
    let std = (a.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(a.count - 1)).squareRoot()
    print(String(format: "seed spread of the %@ row: accuracy %@ over seeds 1-%d (mean %.2f%%, standard deviation %.2f points)",
                 label as NSString, a.map { percent($0) }.joined(separator: ", ") as NSString, a.count, 100 * m, 100 * std))
    return (records, std)
}
