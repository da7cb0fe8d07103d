// `sentiment`: the Lesson 5 model as a tool, beyond the walkthrough.
//
//   sentiment train   [--dataset imdb|amazon|generated|amazon-full [--amazon-dir DIR] [--sample N]] [--embedding random|glove-frozen|glove-finetune]
//                     [--bidirectional/--unidirectional] [--cell lstm|gru|rnn] [--kernel readable|fast] [--layers N] [--hidden N] [--pooling last|mean|max|max-mean|attention]
//                     [--dropout P] [--max-length N] [--optimizer adam|sgd] [--lr X] [--schedule plateau|cosine] [--epochs N]
//                     [--batch-size N] [--seed N] [--out DIR] [--resume] [--quick]
//   sentiment eval    --model DIR/best.ckpt [--dataset ...]       accuracy, F1, AUCs on the run's test split
//   sentiment predict --model DIR/best.ckpt "a review"            P(positive) of one text
//   sentiment predict --model DIR/best.ckpt --file reviews.txt [--output predictions.csv]
//                                                                 one review a line -> index,predicted_label,predicted_probability
//   sentiment deploy  --model DIR/best.ckpt [--dataset ...] [--limit N] [--seed N] [--latency-reviews N]
//                     [--batch-size 64] [--int8-out FILE] [--json FILE]
//                                                                 size on disk, latency, throughput, int8 accuracy
//                                                                 (Deploy.swift; on the run's test split)

import ArgumentParser
import CourseData
import Foundation
import Lesson4
import Lesson5
import TensorCore
import Training

struct Sentiment: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sentiment",
        abstract: "Train, evaluate, use and measure the Lesson 5 sentiment LSTM.",
        subcommands: [Train.self, Eval.self, Predict.self, Deploy.self])
}

extension SentimentDataset: ExpressibleByArgument {}
extension EmbeddingChoice: ExpressibleByArgument {}
extension Pooling: ExpressibleByArgument {}
extension OptimizerChoice: ExpressibleByArgument {}
extension ScheduleChoice: ExpressibleByArgument {}
extension Truncation: ExpressibleByArgument {}
extension RecurrentCellKind: ExpressibleByArgument {}
extension LSTMKernelChoice: ExpressibleByArgument {}

/// The defaults of `sentiment train` are those of `make lesson5`: one definition, in Lesson 5.
private let defaults = SentimentRunOptions(out: "out/sentiment")

struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Train a model; checkpoints, charts and metrics.json go to --out.")

    @Option(help: "imdb (../shared/data, else generated), amazon (the shared sample), generated, or amazon-full (Zhang's train.csv/test.csv, sampled).")
    var dataset = defaults.dataset
    @Option(help: "random, glove-frozen or glove-finetune.")
    var embedding = defaults.embedding
    @Option(help: "The pretrained vectors for glove-frozen and glove-finetune: a GloVe or word2vec text file, plain or .gz (default: the shared GloVe 6B 50d; Lesson 7 writes out/lesson7/vectors.vec).")
    var vectors: String?
    @Option(help: "A pretrained encoder the embedding and the BiLSTM start from (Lesson 7 writes out/lesson7/lm/encoder.ckpt); words it lacks keep their --embedding row.")
    var encoder: String?
    @Flag(inversion: .prefixedNo, help: "A bidirectional LSTM.")
    var bidirectional = defaults.bidirectional
    @Option(help: "The recurrent cell: lstm, gru or rnn (tanh).")
    var cell = defaults.cell ?? .lstm
    @Option(help: "The training step's implementation: readable (your code: the Lesson 4 LSTM, the model, Adam) or fast (the provided kernels); default: readable on the exercises track, fast on the solutions track.")
    var kernel: LSTMKernelChoice?
    @Option(help: "LSTM layers (1 or 2).")
    var layers = defaults.layers
    @Option(help: "Hidden units per direction.")
    var hidden = defaults.hidden
    @Option(name: .customLong("embedding-size"), help: "Embedding width for --embedding random (GloVe gives 50).")
    var embeddingSize = defaults.embeddingSize
    @Option(help: "last, mean, max, max-mean (both, side by side) or attention.")
    var pooling = defaults.pooling
    @Option(help: "Dropout on embeddings, between layers and before the output layer.")
    var dropout = defaults.dropout
    @Flag(inversion: .prefixedNo, help: "IMDB: hold out whole films for validation, as the test split is other films (no: reviews drawn at random).")
    var validationByFilm = defaults.validationByFilm ?? true
    @Option(name: .customLong("word-dropout"), help: "Probability of replacing a training token by <unk>.")
    var wordDropout = defaults.wordDropout ?? 0
    @Option(name: .customLong("encoder-rate"), help: "Learning rate of the embedding and the LSTM as a fraction of the rest's (for --encoder: 0.3 moves the pretrained layers more slowly).")
    var encoderRate = defaults.encoderRate ?? 1
    @Option(help: "Adversarial training: the length of the perturbation of each review's embedded words (0: none; any other length runs each step forward and backward twice).")
    var adversarial = defaults.adversarial ?? 0
    @Option(name: .customLong("max-length"), help: "Tokens kept per training review.")
    var maxLength = defaults.maxLength
    @Option(name: .customLong("eval-max-length"), help: "Tokens kept per validation and test review (judging is a forward pass only).")
    var evalMaxLength = defaults.judgedLength
    @Option(help: "Which tokens of a longer review are kept: start (its first max-length) or end (its last).")
    var truncate = defaults.truncation
    @Option(name: .customLong("vocabulary-size"), help: "Vocabulary entries, <pad> and <unk> included.")
    var vocabularySize = defaults.vocabularySize
    @Option(help: "adam or sgd (momentum 0.9).")
    var optimizer = defaults.optimizer
    @Option(help: "Learning rate.")
    var lr = defaults.learningRate
    @Option(help: "plateau (halve --lr when the validation loss stops improving) or cosine (from --lr down to 0 over the epochs).")
    var schedule = defaults.schedule ?? .plateau
    @Option(name: .customLong("weight-decay"), help: "L2 weight decay, as torch.optim adds it.")
    var weightDecay = defaults.weightDecay
    @Option(name: .customLong("clip-norm"), help: "Global gradient-norm clipping (0: none).")
    var clipNorm = defaults.clipNorm
    @Option(help: "Epochs at most (early stopping may end sooner).")
    var epochs = defaults.epochs
    @Option(help: "Stop after this many epochs without a better validation loss (0: never).")
    var patience = defaults.patience
    @Option(name: .customLong("batch-size"), help: "Reviews per batch.")
    var batchSize = defaults.batchSize
    @Option(help: "Seed of every random choice (initialisation, shuffling, dropout).")
    var seed = defaults.seed
    @Option(help: "At most this many reviews per split.")
    var limit: Int?
    @Option(name: .customLong("amazon-dir"), help: "amazon-full: the folder of Zhang's train.csv and test.csv (default: $AMAZON_POLARITY_DIR, else ../shared/data/amazon/amazon_review_polarity_csv).")
    var amazonDir: String?
    @Option(help: "amazon-full: training reviews to sample from train.csv, equally over 2 classes x 5 length bins (default 200000; the test split: --limit, default 25000).")
    var sample: Int?
    @Option(name: .customLong("checkpoint-every"), help: "Also write last.ckpt every this many steps within an epoch (0: epoch ends only).")
    var checkpointEvery = defaults.checkpointEverySteps
    @Option(help: "Output folder: checkpoints, vocabulary, metrics.json, charts.")
    var out = "out/sentiment"
    @Flag(help: "Continue the run whose last.ckpt is in --out (same settings).")
    var resume = false
    @Flag(help: "A small run for trying things: 5,000 reviews per split, 4 epochs, max length 200, --lr 2e-3, --dropout 0.3.")
    var quick = false

    func run() throws {
        var o = SentimentRunOptions(out: out)
        o.dataset = dataset
        o.embedding = embedding
        o.vectors = vectors
        o.encoder = encoder
        o.bidirectional = bidirectional
        o.cell = cell
        o.kernel = kernel
        o.layers = layers
        o.hidden = hidden
        o.embeddingSize = embeddingSize
        o.pooling = pooling
        o.dropout = dropout
        o.wordDropout = wordDropout
        o.encoderRate = encoderRate
        o.adversarial = adversarial
        o.validationByFilm = validationByFilm
        o.maxLength = maxLength
        o.evalMaxLength = evalMaxLength
        o.truncation = truncate
        o.vocabularySize = vocabularySize
        o.optimizer = optimizer
        o.learningRate = lr
        o.schedule = schedule
        o.weightDecay = weightDecay
        o.clipNorm = clipNorm
        o.epochs = epochs
        o.patience = patience
        o.batchSize = batchSize
        o.seed = seed
        o.limit = limit
        guard dataset == .amazonFull || (amazonDir == nil && sample == nil) else {
            throw ValidationError("--amazon-dir and --sample are for --dataset amazon-full")
        }
        guard encoderRate >= 0, encoderRate <= 1 else {
            throw ValidationError("--encoder-rate is a fraction of the learning rate, from 0 (the pretrained layers frozen) to 1; got \(encoderRate)")
        }
        guard adversarial >= 0, adversarial.isFinite else {
            throw ValidationError("--adversarial is the length of a perturbation, 0 (none) or more; got \(adversarial)")
        }
        o.amazonDirectory = amazonDir
        o.sample = sample
        o.checkpointEverySteps = checkpointEvery
        if quick { o.shortenForQuickRun() }
        let start = Date()
        do {
            guard let r = try SentimentRun.run(o, resume: resume) else { return }
            let m = r.metrics
            print(String(format: "\nTest (%d reviews, the model of epoch %d): accuracy %.2f%%  precision %.4f  recall %.4f  F1 %.4f  ROC AUC %.4f  PR AUC %.4f",
                         m.testReviews, m.bestEpoch, 100 * m.testAccuracy, m.precision, m.recall, m.f1, m.rocAUC ?? .nan, m.prAUC ?? .nan))
            print(String(format: "Wall time %.1f minutes (training %.1f), %@ tokens/s. Written: %@/{metrics.json,best.ckpt,last.ckpt,*.png}",
                         Date().timeIntervalSince(start) / 60, m.trainingMinutes, EpochTable.grouped(Int(m.tokensPerSecond)) as NSString, out as NSString))
        } catch let e as NonFiniteLossError {
            FileHandle.standardError.write(Data("error: \(e)\n".utf8))
            throw ExitCode(2)
        }
    }
}

struct Eval: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Evaluate a saved model on a data set's test split.")

    @OptionGroup var split: JudgedSplitOptions
    @Option(help: "readable (your Lesson 4-5 code) or fast (the provided kernels; default on the solutions track).")
    var kernel: LSTMKernelChoice?
    @Option(name: .customLong("eval-max-length"), help: "Tokens read per review (default: the run's --eval-max-length).")
    var evalMaxLength: Int?

    func run() throws {
        var saved = try SavedSentimentModel(checkpointPath: split.model)
        if let kernel { saved.model.kernel = kernel }
        if let evalMaxLength { saved.description.evalMaxLength = evalMaxLength }
        let split = try self.split.resolve(savedDataset: saved.description.dataset)
        let p = saved.predict(split.reviews.map(\.text))
        let labels = split.reviews.map(\.label)
        let report = ClassificationReport(labels: labels, scores: p, threshold: Float(0.5))
        print("\(self.split.model) on \(split.dataset.rawValue) (\(split.reviews.count) reviews):")
        print(report)
        if let check = split.agreement(accuracy: report.accuracy, reviews: labels.count, model: self.split.model) { print(check) }
    }
}

struct Predict: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "P(positive) of a text, or of every line of a file (CSV out).")

    @Option(help: "A checkpoint written by train (its vocabulary.json must be beside it).")
    var model: String
    @Option(help: "A text file, one review a line.")
    var file: String?
    @Option(help: "Where the CSV goes (standard output when not given).")
    var output: String?
    @Argument(help: "The review text (when no --file is given).")
    var text: [String] = []

    func run() throws {
        let saved = try SavedSentimentModel(checkpointPath: model)
        if let file {
            guard let data = FileManager.default.contents(atPath: file) else { throw InputError(file: file, "cannot read") }
            var lines = String(decoding: data, as: UTF8.self).components(separatedBy: "\n")
            if lines.last == "" { lines.removeLast() }
            let p = saved.predict(lines)
            var csv = "index,predicted_label,predicted_probability\n"
            for (i, x) in p.enumerated() { csv += "\(i),\(x > 0.5 ? 1 : 0),\(String(format: "%.6f", x))\n" }
            if let output { try AtomicFile.write(csv, to: output) } else { print(csv, terminator: "") }
        } else {
            guard !text.isEmpty else { throw ValidationError("give a review text, or --file") }
            let p = saved.predict([text.joined(separator: " ")])[0]
            print(String(format: "%@ (P(positive) = %.4f)", p > 0.5 ? "positive" : "negative", p))
        }
    }
}

// The kernels make would choose, when started by hand (NativeBLASKernels says why).
NativeBLASKernels.relaunchIfNeeded()
// Line-buffered standard output, so a log file shows each table row when it is printed.
setvbuf(stdout, nil, _IOLBF, 0)
// LSTM caches are large and freed every step; keep them in the heap (see AllocatorTuning).
AllocatorTuning.keepFreedMemory()
// The model's own threads use the cores (see Parallel.useOneBLASThread).
Parallel.useOneBLASThread()
Sentiment.main()
