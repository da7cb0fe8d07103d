// Lesson 5, section 8: one whole experiment, as `sentiment train` and `make lesson5` run it:
//
//   data (section 6) -> model (section 5) -> TrainingLoop (section 7) -> the best checkpoint
//   -> the test split, once -> metrics.json and the charts in the output folder.

import CourseData
import Foundation
import Gnuplot
import Lesson2
import Lesson4
import TensorCore
import Training

public struct SentimentRunOptions: Codable, Sendable {
    public var dataset: SentimentDataset = .imdb
    public var embedding: EmbeddingChoice = .gloveFinetune
    /// The pretrained vectors the glove-* embeddings start from: a GloVe or word2vec text file
    /// (Lesson 7 writes one); nil: the shared GloVe 6B 50d.
    public var vectors: String?
    /// A pretrained encoder (Lesson 7's language models) the embedding and the LSTM start from;
    /// nil: none.
    public var encoder: String?
    public var bidirectional = true
    /// The recurrent cell; nil in runs from before the option existed: the LSTM.
    public var cell: RecurrentCellKind?
    public var layers = 1
    public var hidden = 128
    /// Embedding width for random embeddings (GloVe fixes it to the file's, 50).
    public var embeddingSize = 50
    /// attention: a learned weighting of the steps. Against max-mean (the strongest and the
    /// average signal of each feature) on the held-out films, seeds 1-3: validation loss 0.3015,
    /// 0.2830 and 0.3022 against 0.3116, 0.2896 and 0.3111 after 6 epochs (README, section 1).
    public var pooling: Pooling = .attention
    public var dropout = 0.5
    /// The probability of replacing a training token by <unk> (`WordDropout`; nil in runs from
    /// before the option existed: none). 0.1, the rate of Iyyer et al. and Dai & Le, changed the
    /// validation figures of held-out films by less than their noise (README, section 7), so
    /// the default leaves it out.
    public var wordDropout: Double? = 0
    /// The learning rate of the embedding and the LSTM as a fraction of the rest's, for a
    /// pretrained encoder (`EncoderStepScale`); nil in runs from before the option existed: 1.
    public var encoderRate: Double? = 1
    /// The length ε of the adversarial perturbation of each review's embedded words, per
    /// step (`adversarialLossAndGradients`); nil in runs from before the option existed: 0, none.
    public var adversarial: Double? = 0
    /// IMDB's validation split holds out whole films, as its test split is other films
    /// (CourseData's `validationSplit`); nil in runs from before the option existed: by review.
    public var validationByFilm: Bool? = true
    /// Training reads at most this many tokens of a review: the cost of a step grows with it.
    public var maxLength = 400
    /// Validation and test reviews are read up to this many tokens: judging is a forward pass
    /// only, so the model reads whole reviews (13% of IMDB's are longer than 400 tokens, almost
    /// none longer than 2,000; whole test reviews scored 0.2-0.3 points above their last 400).
    /// nil in runs from before the option existed: maxLength.
    public var evalMaxLength: Int? = 2_000
    /// The end: where IMDB reviewers sum up (with the 50,000-word vocabulary: validation 90.8% against 90.6%).
    public var truncation: Truncation = .end
    public var vocabularySize = 50_000
    public var optimizer: OptimizerChoice = .adam
    /// The peak of the cosine schedule: twice the constant rate that worked (1e-3), since the
    /// rate is near the peak only at the start.
    public var learningRate = 2e-3
    /// nil in runs from before the option existed: plateau. A cosine over 6 epochs reached the
    /// validation accuracy of 10 plateau epochs: a fixed budget annealed to 0 instead of an open end.
    public var schedule: ScheduleChoice? = .cosine
    public var weightDecay = 0.0
    public var clipNorm = 5.0
    /// Five: the validation loss was lowest at epochs 3, 5 and 3 of a 6-epoch cosine (seeds 1-3),
    /// and a sixth epoch takes `make lesson5` past 10 minutes on the slower processors of 2 cores.
    public var epochs = 5
    public var batchSize = 64
    public var seed: UInt64 = 1
    /// 0: never stop early (a cosine run is planned to its last epoch, and best.ckpt is that
    /// epoch's model; with a patience, the epoch with the lowest validation loss).
    public var patience = 0
    /// At most this many reviews per split (QUICK runs); nil for all.
    public var limit: Int?
    /// amazon-full: the folder of Zhang's train.csv and test.csv (nil: $AMAZON_POLARITY_DIR, else
    /// ../shared/data/amazon/amazon_review_polarity_csv).
    public var amazonDirectory: String?
    /// amazon-full: training reviews sampled from train.csv (nil: 200,000).
    public var sample: Int?
    /// Also checkpoint every this many steps inside an epoch.
    public var checkpointEverySteps = 100
    /// The training step's implementation: your code (the Lesson 4 LSTM, this lesson's model and
    /// Adam) or the provided fast kernels (the same numbers, so not in the fingerprint); nil:
    /// `LSTMKernelChoice.trackDefault`.
    public var kernel: LSTMKernelChoice?
    public var out: String

    public init(out: String) { self.out = out }

    /// The length validation and test reviews are cut at.
    public var judgedLength: Int { evalMaxLength ?? maxLength }

    /// QUICK=1 and `--quick`: a run of a few minutes that still shows learning. At most 5,000
    /// reviews a split (unless a limit is set), 4 epochs, reviews cut at 200 tokens; on real
    /// reviews few steps need a larger learning rate and less dropout.
    public mutating func shortenForQuickRun() {
        limit = limit ?? 5_000
        epochs = min(epochs, 4)
        maxLength = min(maxLength, 200)
        evalMaxLength = min(judgedLength, 200)
        if dataset != .generated {
            learningRate = 2e-3
            dropout = 0.3
        }
    }

    /// Everything that changes the result (not the folder, not the number of epochs), for --resume.
    public var fingerprint: String {
        "\(dataset.rawValue) \(embedding.rawValue) \(bidirectional ? "bi" : "uni") L\(layers) H\(hidden) E\(embeddingSize) "
            + "\(pooling.rawValue) dropout \(dropout) max-length \(maxLength)\(truncation == .end ? " (end)" : "") vocab \(vocabularySize) \(optimizer.rawValue) "
            + "lr \(learningRate) wd \(weightDecay) clip \(clipNorm) batch \(batchSize) seed \(seed) limit \(limit.map(String.init) ?? "all")"
            // Only another schedule adds to it, so a run from before the option still resumes.
            + ((schedule ?? .plateau) == .plateau ? "" : " schedule \(schedule?.rawValue ?? "")")
            + (judgedLength == maxLength ? "" : " eval-max-length \(judgedLength)")
            + (vectors.map { " vectors \($0)" } ?? "")
            + (encoder.map { " encoder \($0)" } ?? "")
            + ((wordDropout ?? 0) == 0 ? "" : " word-dropout \(wordDropout ?? 0)")
            + ((encoderRate ?? 1) == 1 ? "" : " encoder-rate \(encoderRate ?? 1)")
            + ((adversarial ?? 0) == 0 ? "" : " adversarial \(adversarial ?? 0)")
            + (validationByFilm == true && dataset == .imdb ? " validation-by-film" : "")
            + (dataset == .amazonFull ? " amazon \(amazonDirectory ?? Amazon.defaultFullSetDirectory) sample \(sample ?? SentimentCorpus.amazonFullTrainSample)" : "")
            // Only other cells add to it, so an LSTM run from before the option still resumes.
            + ((cell ?? .lstm) == .lstm ? "" : " cell \(cell?.rawValue ?? "")")
    }
}

public struct SentimentMetrics: Codable, Sendable {
    public var dataset: String
    public var realData: Bool
    public var testAccuracy: Double
    public var precision: Double
    public var recall: Double
    public var f1: Double
    public var rocAUC: Double?
    public var prAUC: Double?
    /// [[TN, FP], [FN, TP]]: rows are the true class (negative, positive).
    public var confusionMatrix: [[Int]]
    public var testReviews: Int
    public var epochs: Int
    public var bestEpoch: Int
    public var secondsPerEpoch: [Double]
    public var tokensPerSecond: Double
    public var trainingMinutes: Double
    public var parameterCount: Int
    public var options: SentimentRunOptions

    enum CodingKeys: String, CodingKey {
        case dataset, realData = "real_data", testAccuracy = "test_accuracy", precision, recall, f1
        case rocAUC = "roc_auc", prAUC = "pr_auc", confusionMatrix = "confusion_matrix", testReviews = "test_reviews"
        case epochs, bestEpoch = "best_epoch", secondsPerEpoch = "seconds_per_epoch", tokensPerSecond = "tokens_per_second"
        case trainingMinutes = "training_minutes", parameterCount = "parameter_count", options
    }
}

public struct SentimentRunResult {
    public var corpus: SentimentCorpus
    public var state: TrainingState
    public var metrics: SentimentMetrics
    public var probabilities: [Float]
    public var model: SentimentLSTM<Float>
}

public enum SentimentRun {
    /// Prepares the data and a fresh model (GloVe rows where asked), without training.
    public static func setUp(_ o: SentimentRunOptions, log: (String) -> Void) throws -> (corpus: SentimentCorpus, task: SentimentTrainingTask) {
        let corpus = try SentimentCorpus.prepare(dataset: o.dataset, maxLength: o.maxLength, evalMaxLength: o.judgedLength, truncation: o.truncation,
                                                 vocabularySize: o.vocabularySize, validationByFilm: o.validationByFilm ?? false,
                                                 limit: o.limit, seed: o.seed, amazonDirectory: o.amazonDirectory, amazonSample: o.sample, log: log)
        log(corpus.description)
        log("Splits: \(corpus.train.count) train, \(corpus.validation.count) validation (from train), \(corpus.test.count) test (used once, at the end).")
        try FileManager.default.createDirectory(atPath: o.out, withIntermediateDirectories: true)
        try corpus.vocabulary.save(to: "\(o.out)/vocabulary.json")

        var embeddingWeight: Tensor<Float>?
        var embeddingSize = o.embeddingSize
        if o.embedding != .random {
            let path = o.vectors ?? WordVectors.sharedGlovePath
            guard FileManager.default.fileExists(atPath: path) else {
                throw InputError(file: path, o.vectors != nil ? "no such vectors file"
                                 : "GloVe vectors not found; use --embedding random. \(WordVectors.officialDownload)")
            }
            // Words GloVe lacks start at GloVe's own scale (section 6.2); <pad> is zero.
            let (matrix, coverage) = try WordVectors.load(path: path, vocabulary: corpus.vocabulary.words, counts: nil,
                                                          seed: o.seed &+ 5, missingRows: .normalAtFileScale)
            let found = coverage.found
            embeddingWeight = matrix
            embeddingSize = matrix.shape[1]
            log((o.vectors ?? "GloVe") + String(format: ": %d of %d vocabulary words have a vector (%.1f%%); the rest start random.",
                       found, corpus.vocabulary.count, 100 * Double(found) / Double(corpus.vocabulary.count)))
        }
        let config = SentimentLSTMConfig(vocabularySize: corpus.vocabulary.count, embeddingSize: embeddingSize,
                                         hiddenSize: o.hidden, layers: o.layers, bidirectional: o.bidirectional,
                                         pooling: o.pooling, dropout: o.dropout, embeddingTrainable: o.embedding != .gloveFrozen,
                                         cell: o.cell ?? .lstm)
        var rng = SeededRNG(seed: o.seed)
        var model = SentimentLSTM<Float>(config: config, embeddingWeight: embeddingWeight, rng: &rng)
        if let encoder = o.encoder {
            let found = try PretrainedEncoder.load(encoder, into: &model, vocabulary: corpus.vocabulary)
            log("Pretrained encoder \(encoder): the LSTM's both directions, and " + String(format: "%d of %d vocabulary words' rows (%.1f%%).",
                       found, corpus.vocabulary.count, 100 * Double(found) / Double(corpus.vocabulary.count)))
        }
        model.kernel = o.kernel ?? .trackDefault
        var task = SentimentTrainingTask(
            model: model, optimizer: SentimentOptimizer(o.optimizer, learningRate: o.learningRate, weightDecay: o.weightDecay),
            train: corpus.train, validation: corpus.validation, batchSize: o.batchSize, seed: o.seed,
            clipNorm: o.clipNorm > 0 ? o.clipNorm : nil,
            description: SentimentModelDescription(config: config, maxLength: o.maxLength, evalMaxLength: o.judgedLength,
                                                   truncation: o.truncation, dataset: o.dataset.rawValue,
                                                   embedding: o.embedding.rawValue))
        task.wordDropout = o.wordDropout ?? 0
        task.encoderRate = o.encoderRate ?? 1
        task.adversarial = o.adversarial ?? 0
        return (corpus, task)
    }

    /// Trains (or resumes), then evaluates the best checkpoint on the test split and writes
    /// metrics.json and the charts into `o.out`.
    /// `prepared`: what `setUp(o)` returned, when the caller has already prepared the data.
    public static func run(_ o: SentimentRunOptions, resume: Bool, haltAfterStep: Int? = nil,
                           prepared: (corpus: SentimentCorpus, task: SentimentTrainingTask)? = nil,
                           log: @escaping (String) -> Void = { print($0) }) throws -> SentimentRunResult? {
        var (corpus, task) = try prepared ?? setUp(o, log: log)
        log("Model: \(task.model.parameterCount) trainable parameters (\(describe(task.model.config))).")
        var config = TrainingConfig(epochs: o.epochs, seed: o.seed, learningRate: o.learningRate, directory: o.out)
        config.checkpointEverySteps = o.checkpointEverySteps
        // A cosine run is planned to its last epoch, where the rate reaches 0: that model is the
        // one judged (README, section 7). Otherwise the epoch with the lowest validation loss.
        config.monitor = (o.schedule ?? .plateau) == .cosine && o.patience == 0 ? .lastEpoch : .validationLoss
        switch o.schedule ?? .plateau {
        case .plateau: config.schedule = .reduceOnPlateau(ReduceLROnPlateau(factor: 0.5, patience: 0))
        case .cosine: config.schedule = .cosine(warmupSteps: task.batchCount(epoch: 1) / 2)
        }
        config.earlyStoppingPatience = o.patience
        config.fingerprint = o.fingerprint
        config.haltAfterStep = haltAfterStep
        config.log = log
        let state = try TrainingLoop.run(&task, config: config, resume: resume)
        guard state.stopReason != nil else { return nil }   // halted on purpose (tests)

        // The best epoch's model, on the test split, once.
        let best = try Checkpoint.read(from: config.bestCheckpointPath)
        try task.model.load { try best.tensor($0) }
        let test = evaluate(task.model, corpus.test)
        let labels = corpus.test.labels
        let report = ClassificationReport(labels: labels, scores: test.probabilities, threshold: Float(0.5))
        let trainSeconds = state.history.reduce(0) { $0 + $1.seconds }
        let tokens = state.history.reduce(0) { $0 + $1.tokens }
        let trainOnly = state.history.reduce(0.0) { $0 + Double($1.tokens) / max($1.tokensPerSecond, 1e-9) }
        let metrics = SentimentMetrics(
            dataset: corpus.description, realData: corpus.isReal, testAccuracy: report.accuracy, precision: report.precision,
            recall: report.recall, f1: report.f1, rocAUC: report.rocAUC, prAUC: report.averagePrecision,
            confusionMatrix: report.confusion.matrix, testReviews: labels.count, epochs: state.history.count,
            bestEpoch: state.bestEpoch ?? 0, secondsPerEpoch: state.history.map(\.seconds),
            tokensPerSecond: Double(tokens) / max(trainOnly, 1e-9), trainingMinutes: trainSeconds / 60,
            parameterCount: task.model.parameterCount, options: o)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(try encoder.encode(metrics), to: "\(o.out)/metrics.json")
        let result = SentimentRunResult(corpus: corpus, state: state, metrics: metrics, probabilities: test.probabilities, model: task.model)
        do {
            try writeCharts(result, to: o.out)
        } catch {
            log("(charts not written: \(error))")
        }
        return result
    }

    public static func describe(_ c: SentimentLSTMConfig) -> String {
        "\(c.bidirectional ? "Bi" : "")\(c.cell.rawValue.uppercased()) \(c.layers) layer\(c.layers > 1 ? "s" : ""), E\(c.embeddingSize) H\(c.hiddenSize), "
            + "\(c.pooling.rawValue) pooling, dropout \(c.dropout), embedding \(c.embeddingTrainable ? "trained" : "frozen"), vocabulary \(c.vocabularySize)"
    }

    // MARK: Charts

    public static func charts(_ r: SentimentRunResult) -> [(file: String, chart: Chart)] {
        let epochs = r.state.history.map { Double($0.epoch) }
        var loss = Chart(title: "Loss per epoch", xLabel: "epoch", yLabel: "binary cross-entropy")
        loss.add(.line(x: epochs, y: r.state.history.map(\.trainLoss), title: "train"))
        loss.add(.line(x: epochs, y: r.state.history.map(\.validationLoss), title: "validation"))
        var accuracy = Chart(title: "Accuracy per epoch", xLabel: "epoch", yLabel: "accuracy")
        accuracy.add(.line(x: epochs, y: r.state.history.map(\.trainAccuracy), title: "train"))
        accuracy.add(.line(x: epochs, y: r.state.history.map(\.validationAccuracy), title: "validation"))
        accuracy.legend = "bottom right"
        var norms = Chart(title: "Gradient norm per step (before clipping at \(r.metrics.options.clipNorm))", xLabel: "step", yLabel: "global L2 norm")
        norms.add(.line(x: r.state.gradientNorms.indices.map(Double.init), y: r.state.gradientNorms, title: "‖g‖"))
        norms.logScaleY = true
        let m = r.metrics.confusionMatrix
        var confusion = Chart(title: "Confusion matrix, test split (rows: true class)", xLabel: "predicted", yLabel: "true")
        confusion.add(.heatmap(matrix: m.map { $0.map(Double.init) }, xLabels: ["negative", "positive"], yLabels: ["negative", "positive"]))
        confusion.legend = "off"
        var list: [(String, Chart)] = [("loss.png", loss), ("accuracy.png", accuracy), ("gradient_norm.png", norms), ("confusion.png", confusion)]
        let labels = r.corpus.test.labels
        if let roc = ROCCurve(labels: labels, scores: r.probabilities) {
            var c = Chart(title: String(format: "ROC curve, test split (AUC %.4f)", roc.auc), xLabel: "false positive rate", yLabel: "true positive rate")
            c.add(.line(x: roc.falsePositiveRate, y: roc.truePositiveRate, title: "SentimentLSTM"))
            c.add(.line(x: [0, 1], y: [0, 1], title: "chance"))
            c.xRange = (0, 1); c.yRange = (0, 1); c.legend = "bottom right"
            list.append(("roc.png", c))
        }
        if let pr = PrecisionRecallCurve(labels: labels, scores: r.probabilities) {
            var c = Chart(title: String(format: "Precision-recall curve, test split (AP %.4f)", pr.averagePrecision), xLabel: "recall", yLabel: "precision")
            c.add(.line(x: pr.recall, y: pr.precision, title: "SentimentLSTM"))
            c.xRange = (0, 1); c.yRange = (0, 1.02); c.legend = "bottom left"
            list.append(("pr.png", c))
        }
        return list
    }

    public static func writeCharts(_ r: SentimentRunResult, to folder: String) throws {
        for (file, chart) in charts(r) { try chart.writePNG(to: "\(folder)/\(file)") }
    }
}
