// Splitting and sampling that keep the class balance, deterministic by seed, and exact
// duplicate detection (Kaggle's IMDB CSV repeats 418 reviews; a review in both the training
// and the test set inflates the test score).

import TensorCore

/// Train/validation/test fractions in common use.
public enum SplitFractions {
    public static let trainValidationTest = [0.7, 0.2, 0.1]
    public static let trainValidation = [0.8, 0.2]
}

/// Row indices split into parts with the given fractions, each class split separately so every
/// part keeps the class proportions (within one row per class).
///
/// Within a class the rows are shuffled with `seed`, then cut: part sizes are the fractions of
/// the class count rounded by largest remainder, so they add up exactly. Each part comes back
/// in ascending row order. Same labels, fractions and seed: same parts.
/// - Parameters:
///   - labels: one class label per row (any integers).
///   - fractions: positive, adding up to 1 (e.g. `SplitFractions.trainValidationTest`).
public func stratifiedSplit(labels: [Int], fractions: [Double], seed: UInt64) -> [[Int]] {
    precondition(!fractions.isEmpty && fractions.allSatisfy { $0 >= 0 },
                 "stratifiedSplit: fractions must be non-negative, got \(fractions)")
    let total = fractions.reduce(0, +)
    precondition(abs(total - 1) < 1e-9, "stratifiedSplit: fractions add up to \(total), not 1")
    var parts = Array(repeating: [Int](), count: fractions.count)
    var rng = SeededRNG(seed: seed)
    for (_, rows) in rowsByClass(labels) {
        var shuffled = rows
        rng.shuffle(&shuffled)
        var from = 0
        for (p, size) in largestRemainder(count: rows.count, fractions: fractions).enumerated() {
            parts[p].append(contentsOf: shuffled[from..<(from + size)])
            from += size
        }
    }
    return parts.map { $0.sorted() }
}

/// The reviews split as `stratifiedSplit(labels:fractions:seed:)` splits their labels.
public func stratifiedSplit(_ reviews: [Review], fractions: [Double], seed: UInt64) -> [[Review]] {
    stratifiedSplit(labels: reviews.map(\.label), fractions: fractions, seed: seed)
        .map { part in part.map { reviews[$0] } }
}

/// The validation split of a training set: `fraction` of its reviews, held out by film when
/// `byFilm` and every review says which film it is about (IMDB), else by review (stratified by
/// class). The test reviews are about other films than the training reviews; a validation
/// split that shares the training films lets a model score with the names and plot words it
/// memorised for them, and judged that way IMDB's validation accuracy was 1.2-2.2 points above
/// test accuracy.
public func validationSplit(_ reviews: [Review], fraction: Double, byFilm: Bool = true, seed: UInt64) -> (kept: [Int], heldOut: [Int]) {
    let films = reviews.compactMap(\.subject)
    guard byFilm && !reviews.isEmpty && films.count == reviews.count else {
        let parts = stratifiedSplit(labels: reviews.map(\.label), fractions: [1 - fraction, fraction], seed: seed)
        return (parts[0], parts[1])
    }
    return groupedHoldOut(labels: reviews.map(\.label), groups: films, fraction: fraction, seed: seed)
}

/// Row indices split into (kept, held out) with each group's rows on one side, about `fraction`
/// of each class held out: the groups are taken in an order shuffled by `seed`, and a group joins
/// the held-out part while no class would pass its share (`fraction` of its count, rounded). So
/// each class's held-out count falls short of its share by less than the largest group, and the
/// held-out part has no group in common with the kept part (IMDB: no film on both sides, as
/// between its official training and test splits). Both parts come back in ascending row order.
public func groupedHoldOut(labels: [Int], groups: [String], fraction: Double, seed: UInt64) -> (kept: [Int], heldOut: [Int]) {
    precondition(labels.count == groups.count, "groupedHoldOut: \(labels.count) labels but \(groups.count) groups")
    precondition(fraction >= 0 && fraction <= 1, "groupedHoldOut: fraction \(fraction) is not in 0...1")
    var rowsOfGroup: [String: [Int]] = [:]
    for (row, group) in groups.enumerated() { rowsOfGroup[group, default: []].append(row) }
    var order = rowsOfGroup.keys.sorted()   // a fixed order before the seeded shuffle
    var rng = SeededRNG(seed: seed)
    rng.shuffle(&order)
    let classes = rowsByClass(labels)
    let classIndex = Dictionary(uniqueKeysWithValues: classes.enumerated().map { ($0.element.label, $0.offset) })
    let share = classes.map { Int((fraction * Double($0.rows.count)).rounded()) }
    var held = Array(repeating: 0, count: classes.count)
    var heldOut: [Int] = []
    for group in order where held != share {
        let rows = rowsOfGroup[group] ?? []
        var counts = Array(repeating: 0, count: classes.count)
        for row in rows { counts[classIndex[labels[row]] ?? 0] += 1 }
        guard counts.indices.allSatisfy({ held[$0] + counts[$0] <= share[$0] }) else { continue }
        for c in counts.indices { held[c] += counts[c] }
        heldOut += rows
    }
    let isHeld = Set(heldOut)
    return (labels.indices.filter { !isHeld.contains($0) }, heldOut.sorted())
}

/// Rows grouped by label, labels ascending (a fixed order, so results do not depend on
/// dictionary order).
func rowsByClass(_ labels: [Int]) -> [(label: Int, rows: [Int])] {
    var groups: [Int: [Int]] = [:]
    for (i, label) in labels.enumerated() { groups[label, default: []].append(i) }
    return groups.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
}

/// `count` split into parts proportional to `fractions`, rounded so they add up to `count`:
/// floors first, then one more to the parts with the largest remainders (earlier parts win ties).
func largestRemainder(count: Int, fractions: [Double]) -> [Int] {
    let exact = fractions.map { $0 * Double(count) }
    var sizes = exact.map { Int($0.rounded(.down)) }
    let order = exact.indices.sorted { a, b in
        let ra = exact[a] - Double(sizes[a]), rb = exact[b] - Double(sizes[b])
        return ra != rb ? ra > rb : a < b
    }
    var left = count - sizes.reduce(0, +)
    for p in order where left > 0 {
        sizes[p] += 1
        left -= 1
    }
    return sizes
}

/// What `stratifiedSample` took from each class and length bin.
public struct StratifiedSample: Sendable {
    /// The rows taken, ascending.
    public var indices: [Int]
    /// One cell per (label, bin): how many rows it had and how many were taken.
    public var cells: [Cell]
    /// The largest length of each bin (bins are length quantiles of all rows).
    public var binUpperLengths: [Int]

    public struct Cell: Sendable, Equatable {
        public var label: Int
        public var bin: Int
        public var available: Int
        public var taken: Int
    }
}

/// About `total` rows spread equally over every (class, length bin) cell, for a sample that
/// keeps long and short reviews of each class (e.g. 800k of Amazon's 3.6M over 2 classes x 5
/// length bins = 80k a cell).
///
/// Bins are quantiles of the lengths of all rows, by rank: rows sorted by length (ties broken
/// by a seeded shuffle) are cut into `lengthBins` equal groups, so bins are equal in size even
/// where many rows share a length. A cell with fewer rows than its share gives all it has and
/// the rest goes to the cells that still have rows, so the sample has `min(total, rows)` rows.
/// Deterministic by seed.
public func stratifiedSample(labels: [Int], lengths: [Int], total: Int, lengthBins: Int = 5, seed: UInt64) -> StratifiedSample {
    precondition(labels.count == lengths.count, "stratifiedSample: \(labels.count) labels but \(lengths.count) lengths")
    precondition(lengthBins >= 1 && total >= 0, "stratifiedSample: need lengthBins >= 1 and total >= 0")
    let n = labels.count
    var rng = SeededRNG(seed: seed)
    // Rank rows by length; a random key breaks ties so no bin favours early rows. The length
    // and the key are packed into one UInt64 so millions of rows sort without a closure.
    precondition(n < 1 << 32 && lengths.allSatisfy { $0 >= 0 && $0 < 1 << 31 }, "stratifiedSample: lengths must be in 0..<2^31")
    let tieBreak = rng.permutation(n)
    var rowOfKey = [Int](repeating: 0, count: n)
    for row in 0..<n { rowOfKey[tieBreak[row]] = row }
    let byLength = (0..<n).map { UInt64(lengths[$0]) << 32 | UInt64(tieBreak[$0]) }.sorted()
        .map { rowOfKey[Int($0 & 0xFFFF_FFFF)] }
    var bin = [Int](repeating: 0, count: n)
    var binUpper = [Int](repeating: 0, count: lengthBins)
    for (rank, row) in byLength.enumerated() {
        let b = rank * lengthBins / max(n, 1)
        bin[row] = b
        binUpper[b] = max(binUpper[b], lengths[row])
    }
    // Cells in a fixed order: label ascending, then bin.
    var cells: [(label: Int, bin: Int, rows: [Int])] = []
    for (label, rows) in rowsByClass(labels) {
        var perBin = Array(repeating: [Int](), count: lengthBins)
        for r in rows { perBin[bin[r]].append(r) }
        for b in 0..<lengthBins { cells.append((label, b, perBin[b])) }
    }
    // Equal shares, then what small cells could not give goes round to the others.
    var quota = [Int](repeating: 0, count: cells.count)
    var left = min(total, n)
    while left > 0 {
        let open = cells.indices.filter { quota[$0] < cells[$0].rows.count }
        guard !open.isEmpty else { break }
        let share = max(1, left / open.count)
        for c in open where left > 0 {
            let add = min(share, cells[c].rows.count - quota[c], left)
            quota[c] += add
            left -= add
        }
    }
    var taken: [Int] = []
    taken.reserveCapacity(min(total, n))
    var report: [StratifiedSample.Cell] = []
    for (c, cell) in cells.enumerated() {
        var rows = cell.rows
        rng.shuffle(&rows)
        taken.append(contentsOf: rows.prefix(quota[c]))
        report.append(.init(label: cell.label, bin: cell.bin, available: cell.rows.count, taken: quota[c]))
    }
    return StratifiedSample(indices: taken.sorted(), cells: report, binUpperLengths: binUpper)
}

/// The number of whitespace-separated words: the length `stratifiedSample` bins reviews by.
public func wordCount(_ text: String) -> Int {
    var count = 0
    var inWord = false
    for byte in text.utf8 {
        let space = byte == 0x20 || byte == 0x0A || byte == 0x09 || byte == 0x0D
        if !space && !inWord { count += 1 }
        inWord = !space
    }
    return count
}

/// Reviews without exact text duplicates: the first of each text is kept (in order).
/// - Returns: the unique reviews, how many were dropped, and how many of those had a label
///   different from the kept copy (the same text labelled both ways).
public func deduplicate(_ reviews: [Review]) -> (reviews: [Review], duplicates: Int, conflictingLabels: Int) {
    var firstLabel: [String: Int] = [:]
    firstLabel.reserveCapacity(reviews.count)
    var unique: [Review] = []
    unique.reserveCapacity(reviews.count)
    var duplicates = 0, conflicts = 0
    for r in reviews {
        if let label = firstLabel[r.text] {
            duplicates += 1
            if label != r.label { conflicts += 1 }
        } else {
            firstLabel[r.text] = r.label
            unique.append(r)
        }
    }
    return (unique, duplicates, conflicts)
}

/// Rows of `b` whose text also occurs in `a`: leakage between a training and a test set.
public func overlap(_ a: [Review], _ b: [Review]) -> [Int] {
    let texts = Set(a.map(\.text))
    return b.indices.filter { texts.contains(b[$0].text) }
}
