// Lesson 2 walkthrough (`make lesson2`): from reviews to tensors, and a look at the data.
//
// Loads IMDB (or the generated reviews, saying where IMDB is downloaded) and the Amazon sample
// when present, runs the lesson's tokenizer, vocabulary, padding, embedding and PCA on them,
// and writes charts (PNG) and summary.json to out/lesson2/. Charts that carry the story are
// also drawn in the terminal. Sections follow Lessons/Lesson2/README.md.
// --smoke: 300 reviews a split (make test runs it); --out DIR: another folder.

import CourseData
import Foundation
import Gnuplot
import Lesson2
import TensorCore
import WalkthroughSupport

// Line by line even through a pipe (make, the course tool), so progress shows as it happens
// and a stub's message lands after the output that led to it.
setvbuf(stdout, nil, _IOLBF, 0)

let walkthrough = WalkthroughOptions.fromCommandLine(lesson: 2)
let output = OutputFolder(walkthrough.outputDirectory)
let clock = Stopwatch()
var summary: [String: Any] = [:]

// MARK: 1. The data

heading("1. The data")
let data = CourseDatasets.imdbOrGenerated(limitPerSplit: walkthrough.sized(nil, smoke: 300))
print(data.message)
let datasetName = data.isReal ? "IMDB" : "generated reviews"
var amazon: [Review] = []
if FileManager.default.fileExists(atPath: Amazon.sharedSamplePath) {
    do {
        amazon = Array(try Amazon.loadFastText(Amazon.sharedSamplePath).prefix(walkthrough.sized(.max, smoke: 300)))
        print("Amazon polarity sample (Zhang et al. 2015): \(amazon.count) reviews from \(Amazon.sharedSamplePath)")
    } catch {
        print("The Amazon sample could not be read: \(error)")
    }
} else {
    print("No Amazon sample at \(Amazon.sharedSamplePath). \(Amazon.officialDownload)")
}
print("loaded in \(fixed(clock.lap(), 1)) s")

func classCounts(_ reviews: [Review]) -> (negative: Int, positive: Int) {
    let positive = reviews.reduce(0) { $0 + ($1.label == 1 ? 1 : 0) }
    return (reviews.count - positive, positive)
}
var balanceLabels = ["\(datasetName) train", "\(datasetName) test"]
var balance = [classCounts(data.train), classCounts(data.test)]
if !amazon.isEmpty {
    balanceLabels.append("Amazon sample")
    balance.append(classCounts(amazon))
}
print("\nClass balance (negative / positive):")
for (label, c) in zip(balanceLabels, balance) {
    let share = Double(c.positive) / Double(max(1, c.negative + c.positive))
    print("  \(pad(label, 24)) \(pad(c.negative, 7)) / \(pad(c.positive, 7))   positive share \(percent(share))")
}
print("A model that always answers the majority class scores \(percent(majorityShare(balance[1]))) on the test split: the bar to beat.")
summary["dataset"] = ["name": datasetName, "isReal": data.isReal, "train": data.train.count, "test": data.test.count,
                      "amazonSample": amazon.count]
summary["classBalance"] = Dictionary(uniqueKeysWithValues: zip(balanceLabels, balance.map { ["negative": $0.negative, "positive": $0.positive] }))

var balanceChart = Chart(title: "Class balance", xLabel: "", yLabel: "reviews")
balanceChart.add(.bars(labels: balanceLabels, series: [("negative", balance.map { Double($0.negative) }),
                                                       ("positive", balance.map { Double($0.positive) })]))
balanceChart.extraCommands = classColours + ["set yrange [0:*]"]
draw(balanceChart, "class_balance.png")

// MARK: 2. Tokenising

heading("2. Cleaning and tokenising")
let tokenizer = Tokenizer()
let example = data.isReal
    ? "I didn't like it.<br /><br />Not &quot;great&quot;, the director's cut is 2/10!"
    : data.train.first?.text ?? ""
print("Example:\n  \(example)\n  -> \(tokenizer.tokenize(example))")
clock.lap()
let trainTokens = tokenizeAll(data.train.map(\.text), tokenizer)
let testTokens = tokenizeAll(data.test.map(\.text), tokenizer)
let amazonTokens = tokenizeAll(amazon.map(\.text), tokenizer)
let tokenizeSeconds = clock.lap()
let tokenCount = (trainTokens + testTokens + amazonTokens).reduce(0) { $0 + $1.count }
let characterCount = (data.train + data.test + amazon).reduce(0) { $0 + $1.text.utf8.count }
print("Tokenised \(data.train.count + data.test.count + amazon.count) reviews (\(megabytes(characterCount)) MB) into " +
      "\(tokenCount) tokens in \(fixed(tokenizeSeconds, 2)) s on \(ProcessInfo.processInfo.activeProcessorCount) cores: " +
      "\(Int(Double(tokenCount) / max(tokenizeSeconds, 1e-9))) tokens/s")
summary["tokenizer"] = ["tokens": tokenCount, "seconds": tokenizeSeconds, "tokensPerSecond": Double(tokenCount) / max(tokenizeSeconds, 1e-9)]

// Lengths per class, for IMDB and the Amazon sample.
let trainLengths = trainTokens.map(\.count)
var lengthSummary: [String: Any] = [:]
func describeLengths(_ name: String, _ reviews: [Review], _ lengths: [Int], file: String, terminal: Bool) {
    let byClass = [0, 1].map { label in zip(reviews, lengths).filter { $0.0.label == label }.map(\.1) }
    print("\nReview length in tokens, \(name):")
    var stats: [String: Any] = [:]
    for (label, values) in zip(["negative", "positive"], byClass) where !values.isEmpty {
        let p = [50, 90, 95].map { lengthPercentile(values, Double($0)) }
        print("  \(pad(label, 9)) median \(pad(p[0], 5))  p90 \(pad(p[1], 5))  p95 \(pad(p[2], 5))  " +
              "max \(pad(values.max() ?? 0, 5))  mean \(fixed(mean(values), 1))")
        stats[label] = ["median": p[0], "p90": p[1], "p95": p[2], "max": values.max() ?? 0, "mean": mean(values)]
    }
    lengthSummary[name] = stats
    // Clip the long tail so the bulk of the distribution is visible; the title says where.
    let clip = max(20, lengthPercentile(lengths, 99))
    var chart = Chart(title: "\(name): review length per class (longer than the 99th percentile, \(clip) tokens, counted at \(clip))",
                      xLabel: "tokens per review", yLabel: "reviews")
    for (label, values) in zip(["negative", "positive"], byClass) {
        chart.add(.histogram(values: values.map { Double(min($0, clip)) }, bins: 60, title: label))
    }
    chart.extraCommands = classColours
    draw(chart, file, terminal: terminal)
}
describeLengths("\(datasetName) train", data.train, trainLengths, file: "lengths.png", terminal: true)
print("The two classes have nearly the same length distribution: length alone says little about the label.")
if !amazon.isEmpty {
    describeLengths("Amazon sample", amazon, amazonTokens.map(\.count), file: "lengths_amazon.png", terminal: false)
    print("Amazon reviews (title and text) are less than half as long as IMDB's.")
}
summary["lengths"] = lengthSummary

// Top words per class, stop words and punctuation removed.
var topSummary: [String: Any] = [:]
func describeTopWords(_ name: String, _ reviews: [Review], _ tokens: [[String]], file: String) {
    var frequency = [[String: Int]](repeating: [:], count: 2)
    var classTokens = [0, 0]
    for (review, words) in zip(reviews, tokens) {
        for token in words where isContentWord(token) { frequency[review.label][token, default: 0] += 1 }
        classTokens[review.label] += words.count
    }
    let topCount = 15
    let top = (0..<2).map { label in
        frequency[label].sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(topCount).map(\.key)
    }
    print("\nMost frequent words per class, \(name) (stop words and punctuation removed):")
    print("  negative: \(top[0].joined(separator: ", "))")
    print("  positive: \(top[1].joined(separator: ", "))")
    print("  \(Set(top[0]).intersection(top[1]).count) of the \(topCount) are in both lists: frequency alone does not separate the classes.")
    // Words far more frequent in one class than in the other: smoothed ratio of rates, among
    // words frequent enough that the ratio is not one film's cast list.
    func rate(_ word: String, _ label: Int) -> Double {
        (Double(frequency[label][word] ?? 0) + 1) / Double(max(classTokens[label], 1))
    }
    let minimum = max(20, reviews.count / 100)
    let candidates = Set(frequency[0].keys).union(frequency[1].keys)
        .filter { (frequency[0][$0] ?? 0) + (frequency[1][$0] ?? 0) >= minimum }
    let byRatio = candidates.sorted { (log(rate($0, 1) / rate($0, 0)), $1) > (log(rate($1, 1) / rate($1, 0)), $0) }
    let negative = Array(byRatio.suffix(12).reversed()), positive = Array(byRatio.prefix(12))
    let largestRatio = max(byRatio.first.map { rate($0, 1) / rate($0, 0) } ?? 1, byRatio.last.map { rate($0, 0) / rate($0, 1) } ?? 1)
    if largestRatio < 1.5 {
        print("No word is even 1.5 times as frequent in one class as in the other: here the label lies in the word order.")
    } else {
        print("Words with the most lopsided rates (seen at least \(minimum) times):")
        print("  negative: \(negative.joined(separator: ", "))")
        print("  positive: \(positive.joined(separator: ", "))")
    }
    topSummary[name] = ["negative": top[0], "positive": top[1], "lopsidedNegative": negative, "lopsidedPositive": positive]

    let union = Array(Set(top[0] + top[1])).sorted { rate($0, 0) + rate($0, 1) > rate($1, 0) + rate($1, 1) }
    var chart = Chart(title: "\(name): most frequent words per class (stop words removed)", xLabel: "",
                      yLabel: "occurrences per 1,000 tokens")
    chart.add(.bars(labels: union, series: [("negative", union.map { 1000 * rate($0, 0) }),
                                            ("positive", union.map { 1000 * rate($0, 1) })]))
    chart.extraCommands = classColours + ["set yrange [0:*]"]
    draw(chart, file)
}
describeTopWords("\(datasetName) train", data.train, trainTokens, file: "top_words.png")
if !amazon.isEmpty {
    describeTopWords("Amazon sample", amazon, amazonTokens, file: "top_words_amazon.png")
}
summary["topWords"] = topSummary

// MARK: 3. The vocabulary

heading("3. The vocabulary")
clock.lap()
let maxSize = 25_000, minFrequency = 2
let vocabulary = Vocabulary(counting: trainTokens, maxSize: maxSize, minFrequency: minFrequency)
let distinctTokens = Set(trainTokens.joined()).count
let trainCoverage = vocabulary.coverage(of: trainTokens)
let testCoverage = vocabulary.coverage(of: testTokens)
print("Distinct tokens in the training split: \(distinctTokens)")
print("Vocabulary(maxSize: \(maxSize), minFrequency: \(minFrequency)): \(vocabulary.count) entries, built in \(fixed(clock.lap(), 2)) s")
print("  most frequent: \(vocabulary.words.dropFirst(2).prefix(12).joined(separator: " "))")
print("  least frequent kept: \(vocabulary.words.suffix(6).joined(separator: " ")) (seen \(vocabulary.counts.last ?? 0) times)")
print("  coverage of running text: train \(percent(trainCoverage)), test \(percent(testCoverage)) (the rest becomes <unk>)")
if !amazonTokens.isEmpty {
    print("  coverage of the Amazon sample: \(percent(vocabulary.coverage(of: amazonTokens))) (another domain: products, not films)")
}
let vocabularyPath = output.file("vocabulary.json")
try vocabulary.save(to: vocabularyPath)
let reloaded = try Vocabulary.load(from: vocabularyPath)
print("  saved to \(vocabularyPath) and loaded back: \(reloaded == vocabulary ? "identical" : "DIFFERENT")")
summary["vocabulary"] = ["maxSize": maxSize, "minFrequency": minFrequency, "entries": vocabulary.count,
                         "distinctTrainTokens": distinctTokens, "trainCoverage": trainCoverage, "testCoverage": testCoverage]

// MARK: 4. Padding

heading("4. Batches of equal length")
let examples = ["Great film!", "Not good at all.", "I didn't like it, the plot was awful."]
let smallIDs = examples.map { vocabulary.encode(tokenizer.tokenize($0)) }
for (padding, truncating) in [(PaddingSide.post, PaddingSide.post), (.pre, .pre)] {
    let batch = padSequences(smallIDs, maxLength: 8, padding: padding, truncating: truncating)
    print("padSequences(maxLength: 8, padding: .\(padding), truncating: .\(truncating)): ids [T = 8, B = 3], " +
          "lengths \(batch.lengths), padding share \(percent(batch.paddingShare))")
    for t in 0..<batch.maxLength {
        let row = (0..<batch.batchSize).map { b in pad(vocabulary.words[Int(batch.id(t: t, b: b))], 7) }
        print("  t\(t)  " + row.joined(separator: " "))
    }
}

let percentiles = [50.0, 75, 90, 95, 99]
print("\nLength percentiles of the training reviews and what each T costs:")
print("  percentile      T   padding share   tokens cut")
var choices: [[String: Any]] = []
for p in percentiles {
    let t = lengthPercentile(trainLengths, p)
    let padShare = paddingShare(lengths: trainLengths, maxLength: t)
    let cut = truncatedShare(lengths: trainLengths, maxLength: t)
    print("  \(pad(Int(p), 10))  \(pad(t, 5))   \(pad(percent(padShare), 13))   \(pad(percent(cut), 10))")
    choices.append(["percentile": p, "maxLength": t, "paddingShare": padShare, "truncatedShare": cut])
}
let longest = max(trainLengths.max() ?? 1, 1)
let maxLengths = Array(stride(from: 5, through: min(longest, 2 * lengthPercentile(trainLengths, 99)), by: max(1, longest / 400)))
let padCurve = maxLengths.map { paddingShare(lengths: trainLengths, maxLength: $0) }
let cutCurve = maxLengths.map { truncatedShare(lengths: trainLengths, maxLength: $0) }
// The exact crossings, over every T rather than the chart's grid.
let balancedT = (1...longest).first { paddingShare(lengths: trainLengths, maxLength: $0) >= truncatedShare(lengths: trainLengths, maxLength: $0) } ?? longest
let majorityT = (1...longest).first { paddingShare(lengths: trainLengths, maxLength: $0) > 0.5 }
print("Padding equals the share of tokens cut at T = \(balancedT); " +
      (majorityT.map { "padding is the majority of the batch from T = \($0) on." } ?? "padding never becomes the majority of the batch.") +
      " Bucketing by length (Lesson 5) pads each batch only to its own longest review.")
summary["padding"] = ["percentiles": choices, "balancedMaxLength": balancedT, "paddingMajorityFrom": majorityT ?? -1]

var padChart = Chart(title: "\(datasetName) train: the cost of a maximum length T", xLabel: "maximum length T (tokens)", yLabel: "share")
padChart.add(.line(x: maxLengths.map(Double.init), y: padCurve, title: "padding share of the batch"))
padChart.add(.line(x: maxLengths.map(Double.init), y: cutCurve, title: "share of tokens cut"))
padChart.yRange = (0, 1)
padChart.legend = "at graph 0.98, graph 0.3"
padChart.extraCommands = classColours
for p in [50.0, 90, 95] {
    let t = Double(lengthPercentile(trainLengths, p))
    padChart.extraCommands.append("set arrow from \(t), graph 0 to \(t), graph 1 nohead dashtype 2 lc rgb '#777777'")
    padChart.extraCommands.append("set label 'p\(Int(p))' at \(t), graph 0.96 offset 1,0 tc rgb '#555555'")
}
padChart.extraCommands.append("set arrow from graph 0, first 0.5 to graph 1, first 0.5 nohead dashtype 3 lc rgb '#999999'")
padChart.extraCommands.append("set label 'padding is half the batch' at graph 0.6, first 0.52 tc rgb '#555555'")
padChart.xRange = (0, Double(maxLengths.last ?? 1))
draw(padChart, "padding_share.png", terminal: true)

// MARK: 5. The embedding layer

heading("5. The embedding layer")
let batchSize = 64
let maxLength = lengthPercentile(trainLengths, 90)
let encoded = trainTokens.prefix(batchSize * 40).map { vocabulary.encode($0) }
var rng = SeededRNG(seed: 2)
var embedding = Embedding<Float>(vocabularySize: vocabulary.count, embeddingSize: 50, rng: &rng)
var gloveMatrix: Tensor<Float>?
let glovePath = WordVectors.sharedGlovePath
if FileManager.default.fileExists(atPath: glovePath) {
    clock.lap()
    do {
        let (matrix, coverage) = try WordVectors.load(path: glovePath, vocabulary: vocabulary.words, counts: vocabulary.counts, seed: 2)
        let loadSeconds = clock.lap()
        print("GloVe 6B 50d (Pennington et al. 2014) for our vocabulary, loaded in \(fixed(loadSeconds, 1)) s:\n  \(coverage)")
        gloveMatrix = matrix
        embedding = Embedding(weight: matrix, paddingIndex: Vocabulary.pad, trainable: false)
        summary["glove"] = ["seconds": loadSeconds, "found": coverage.found, "vocabularyShare": coverage.vocabularyShare,
                            "tokenShare": coverage.tokenShare ?? -1]
    } catch {
        print("GloVe could not be read (\(error)); the embedding stays random.")
    }
} else {
    print("No GloVe vectors at \(glovePath). \(WordVectors.officialDownload) The embedding stays random.")
}
clock.lap()
var forwardTokens = 0
var frozenSkipped = 0
for start in stride(from: 0, to: encoded.count, by: batchSize) {
    let batch = padSequences(Array(encoded[start..<min(start + batchSize, encoded.count)]), maxLength: maxLength)
    let (x, cache) = embedding.forward(batch.ids, shape: [batch.maxLength, batch.batchSize])
    forwardTokens += batch.ids.count
    // A stand-in upstream gradient (what an LSTM would send back): x itself.
    if embedding.trainableGradient(x, cache: cache) == nil { frozenSkipped += 1 }
}
let embedSeconds = clock.lap()
print("Embedding \(embedding.trainable ? "trainable" : "frozen") [V = \(embedding.vocabularySize), E = \(embedding.embeddingSize)]: " +
      "\(encoded.count / batchSize) batches ids [T = \(maxLength), B = \(batchSize)] -> x [\(maxLength), \(batchSize), 50], " +
      "\(Int(Double(forwardTokens) / max(embedSeconds, 1e-9))) tokens/s" +
      (embedding.trainable ? "." : "; frozen, so all \(frozenSkipped) backward passes were skipped."))
embedding.trainable = true
let probe = padSequences(Array(encoded.prefix(batchSize)), maxLength: maxLength)
let (probeX, probeCache) = embedding.forward(probe.ids, shape: [probe.maxLength, probe.batchSize])
clock.lap()
let dWeight = embedding.backward(probeX, cache: probeCache)
let backwardSeconds = clock.lap()
let rowsTouched = (0..<dWeight.shape[0]).filter { v in (0..<dWeight.shape[1]).contains { dWeight[v, $0] != 0 } }.count
print("Fine-tuned instead: one backward (scatter-add) touches \(rowsTouched) of \(vocabulary.count) rows " +
      "(\(fixed(backwardSeconds * 1000, 1)) ms); the <pad> row gets \(dWeight.row(0).maxAbs() == 0 ? "no" : "SOME") gradient.")
summary["embedding"] = ["maxLength": maxLength, "batchSize": batchSize, "forwardTokensPerSecond": Double(forwardTokens) / max(embedSeconds, 1e-9),
                        "rowsTouchedByOneBatch": rowsTouched, "glove": gloveMatrix != nil]

// MARK: 6. PCA of sentiment words

heading("6. Looking at word vectors: PCA")
if let glove = gloveMatrix {
    // Words the vocabulary holds (ids ≥ 2) and GloVe knows. Rows GloVe lacks were filled
    // uniformly in ±0.05 (norm below 0.4), while GloVe's own vectors have norms around 5.
    let dim = glove.shape[1]
    let words = (negativeWords.map { ($0, 0) } + positiveWords.map { ($0, 1) }).filter { word in
        let id = vocabulary.id(word.0)
        return id >= 2 && (0..<dim).reduce(Float(0)) { $0 + glove[id, $1] * glove[id, $1] } > 1
    }
    let rows = words.map { vocabulary.id($0.0) }
    var points = Tensor<Float>(shape: [rows.count, dim])
    for (i, row) in rows.enumerated() { for j in 0..<dim { points[i, j] = glove[row, j] } }
    clock.lap()
    let pca2 = PCA(fitting: points, components: 2)
    let pca3 = PCA(fitting: points, components: 3)
    let z = pca2.transform(points)
    print("\(words.count) sentiment words (\(words.filter { $0.1 == 0 }.count) negative, \(words.filter { $0.1 == 1 }.count) positive), " +
          "GloVe 50d -> PCA in \(fixed(clock.lap() * 1000, 1)) ms")
    print("  explained variance: 2-D \(percent(pca2.explainedVarianceRatio.reduce(0, +))) " +
          "(\(pca2.explainedVarianceRatio.map { percent($0) }.joined(separator: " + "))), " +
          "3-D \(percent(pca3.explainedVarianceRatio.reduce(0, +)))")
    // How well one straight cut along each component separates the two groups.
    func separation(_ column: Int, _ projection: Tensor<Double>) -> Double {
        let values = (0..<words.count).map { projection[$0, column] }
        let threshold = values.sorted()[values.count / 2]
        let agree = zip(values, words).filter { ($0.0 > threshold) == ($0.1.1 == 1) }.count
        return Double(max(agree, words.count - agree)) / Double(words.count)
    }
    let z3 = pca3.transform(points)
    let separations = (0..<3).map { separation($0, z3) }
    print("  a cut at the median of PC1 / PC2 / PC3 puts \(separations.map { percent($0) }.joined(separator: " / ")) of the words on their own side")
    func nearest(_ word: String) -> String {
        guard let i = words.firstIndex(where: { $0.0 == word }) else { return "-" }
        let others = (0..<words.count).filter { $0 != i }.sorted {
            cosine(points, i, $0) > cosine(points, i, $1)
        }
        return others.prefix(5).map { words[$0].0 }.joined(separator: ", ")
    }
    for word in ["good", "bad", "boring", "masterpiece"] {
        print("  nearest to \(pad(word, 12)) (cosine, 50-d): \(nearest(word))")
    }
    print("GloVe learns from context: 'good' and 'bad' fill the same slots in sentences, so they sit close together.")

    var pcaChart = Chart(title: "GloVe 50d sentiment words, PCA to 2-D (\(percent(pca2.explainedVarianceRatio.reduce(0, +))) of the variance)",
                         xLabel: "PC1 (\(percent(pca2.explainedVarianceRatio[0])))", yLabel: "PC2 (\(percent(pca2.explainedVarianceRatio[1])))")
    for label in [0, 1] {
        let idx = words.indices.filter { words[$0].1 == label }
        pcaChart.add(.labeledPoints(x: idx.map { z[$0, 0] }, y: idx.map { z[$0, 1] }, labels: idx.map { words[$0].0 },
                                    title: label == 0 ? "negative" : "positive"))
    }
    // Series 0 draws points (linetype 1) and labels (2); series 1 points (3) and labels (4).
    pcaChart.extraCommands = ["set linetype 1 lc rgb '#d62728'", "set linetype 3 lc rgb '#1f77b4'", "set key top left box opaque"]
    draw(pcaChart, "glove_pca.png", width: 1400, height: 1000)

    // The terminal version: a few well-known words only, or 200 labels would cover each other.
    let shown = Set(["good", "great", "excellent", "wonderful", "superb", "love", "best", "fun",
                     "bad", "terrible", "awful", "boring", "worst", "waste", "stupid", "mediocre"])
    var smallChart = Chart(title: "16 of the words (PC1 across, PC2 up)", xLabel: "PC1", yLabel: "PC2")
    for label in [0, 1] {
        let idx = words.indices.filter { words[$0].1 == label && shown.contains(words[$0].0) }
        smallChart.add(.labeledPoints(x: idx.map { z[$0, 0] }, y: idx.map { z[$0, 1] }, labels: idx.map { words[$0].0 },
                                 title: label == 0 ? "negative" : "positive"))
    }
    smallChart.legend = "off"
    smallChart.extraCommands = ["set linetype 1 lc rgb '#d62728'", "set linetype 3 lc rgb '#1f77b4'"]
    if let text = try? smallChart.renderText(width: 100, height: 30) { print(text) }

    var csv = "word,label,pc1,pc2,pc3\n"
    for (i, w) in words.enumerated() {
        csv += "\(w.0),\(w.1 == 1 ? "positive" : "negative"),\(z3[i, 0]),\(z3[i, 1]),\(z3[i, 2])\n"
    }
    try output.writeText(csv, to: "glove_pca3.csv")
    print("3-D coordinates of every word: \(output.file("glove_pca3.csv"))")
    summary["pca"] = ["words": words.count, "explainedVarianceRatio2": pca2.explainedVarianceRatio,
                      "explainedVarianceRatio3": pca3.explainedVarianceRatio, "medianCutAgreement": separations]
} else {
    print("Skipped: needs the GloVe vectors (see above).")
}

// MARK: Summary

heading("Summary")
summary["seconds"] = clock.total
try output.writeJSON(summary, to: "summary.json")
print("Charts and summary.json in \(output.path)/ (\(fixed(clock.total, 1)) s in all)")
