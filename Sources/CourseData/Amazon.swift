// Amazon Review Polarity (Zhang, Zhao, LeCun 2015): 3.6M training and 400k test reviews,
// label 1 (1-2 stars, negative) or 2 (4-5 stars, positive), in two shapes:
//   Zhang's CSV       "2","Great CD","My lovely Pat has ..."   no header, "" escapes, and line
//                      breaks inside the text written as the two characters backslash-n
//   fastText lines    __label__2 Great CD: My lovely Pat has ...
// Both give Review.text = "Title: text" (as the fastText lines have it), so a model sees the
// title too, and label 0 (negative) / 1 (positive). Files may be plain, .gz or .bz2.

import Foundation
import TensorCore

public enum Amazon {
    /// The 5,000-row fastText sample in the shared data (first rows of the test split).
    public static var sharedSamplePath: String {
        "\(DataPaths.shared)/amazon/test-head-5000.ft.txt"
    }

    public static let officialDownload = """
        Amazon Review Polarity (Zhang et al. 2015) is Zhang's amazon_review_polarity_csv.tgz \
        (train.csv, test.csv) or Kaggle's "Amazon Reviews for Sentiment Analysis" \
        (train.ft.txt.bz2, test.ft.txt.bz2); put it in \(DataPaths.shared)/amazon/.
        """

    // MARK: fastText

    public static func loadFastText(_ path: String) throws -> [Review] {
        try loadFastText(path, badRows: .fail).reviews
    }

    /// fastText lines, at most `limit` reviews; bad lines (no `__label__1`/`__label__2`, empty
    /// text, invalid UTF-8) stop the load or are skipped and counted. Blank lines are ignored.
    public static func loadFastText(_ path: String, badRows: BadRowPolicy, limit: Int? = nil) throws -> LoadResult {
        var stream = try ByteStream(path: path)
        var lineNumber = 0
        return try ReviewRows.collect(policy: badRows, limit: limit) {
            let review: Review?? = try stream.nextLine { bytes -> Review? in
                lineNumber += 1
                return try parseFastText(bytes, path: path, line: lineNumber)
            }
            return review
        }
    }

    /// One fastText line; nil for a blank line.
    static func parseFastText(_ bytes: UnsafeBufferPointer<UInt8>, path: String, line: Int) throws -> Review? {
        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { return nil }
        let prefix = Array("__label__".utf8)
        guard bytes.count > prefix.count, bytes.prefix(prefix.count).elementsEqual(prefix) else {
            throw InputError(file: path, line: line, "line does not start with __label__1 or __label__2")
        }
        let afterPrefix = prefix.count
        var labelEnd = afterPrefix
        while labelEnd < bytes.count && bytes[labelEnd] != 0x20 && bytes[labelEnd] != 0x09 { labelEnd += 1 }
        let labelBytes = UnsafeBufferPointer(rebasing: bytes[afterPrefix..<labelEnd])
        let label: Int
        if labelBytes.elementsEqual([0x31]) { label = 0 }
        else if labelBytes.elementsEqual([0x32]) { label = 1 }
        else {
            let shown = String(decoding: labelBytes, as: UTF8.self)
            throw InputError(file: path, line: line, "unknown label '__label__\(shown)', expected __label__1 (negative) or __label__2 (positive)")
        }
        let rest = UnsafeBufferPointer(rebasing: bytes[min(labelEnd + 1, bytes.count)...])
        guard let text = UTF8Text.decode(rest) else {
            throw UTF8Text.invalidError(rest, file: path, firstLine: line)
        }
        if ReviewRows.isBlank(text) { throw InputError(file: path, line: line, "empty text") }
        return Review(text: text, label: label, rating: nil, source: "\(path):\(line)")
    }

    // MARK: Zhang's CSV

    public static func loadCSV(_ path: String) throws -> [Review] {
        try loadCSV(path, badRows: .fail).reviews
    }

    /// Zhang's CSV; bad rows (not 3 fields, label not 1/2, empty title and text, invalid UTF-8,
    /// broken quoting) stop the load or are skipped and counted.
    public static func loadCSV(_ path: String, badRows: BadRowPolicy) throws -> LoadResult {
        try ReviewRows.csv(path, policy: badRows) { reader in try review(from: reader) }
    }

    /// Reads Zhang's CSV one review at a time without keeping them, for files too large to hold
    /// (the sampler's first pass). Returns the count of skipped rows and the first problems.
    public static func forEachCSVReview(_ path: String, badRows: BadRowPolicy,
                                        _ body: (Review) throws -> Void) throws -> LoadResult {
        try ReviewRows.forEachCSV(path, policy: badRows, convert: review(from:), body: body)
    }

    /// About `total` reviews of Zhang's CSV spread equally over 2 classes x `lengthBins` word
    /// count quantiles (`stratifiedSample`), read in two passes so only the sample is held:
    /// the first keeps each row's label and length, the second the chosen rows.
    public static func sampleCSV(_ path: String, total: Int, lengthBins: Int = 5, seed: UInt64,
                                 badRows: BadRowPolicy = .fail) throws -> (reviews: [Review], sample: StratifiedSample, skipped: Int) {
        let r = try sampleCSVReporting(path, total: total, lengthBins: lengthBins, seed: seed, badRows: badRows)
        return (r.reviews, r.sample, r.skipped.skipped)
    }

    /// `sampleCSV`, with the first pass's skipped rows and their first problems (`skipped.reviews` is empty).
    static func sampleCSVReporting(_ path: String, total: Int, lengthBins: Int, seed: UInt64,
                                   badRows: BadRowPolicy) throws -> (reviews: [Review], sample: StratifiedSample, skipped: LoadResult) {
        var labels: [Int] = [], lengths: [Int] = []
        let first = try forEachCSVReview(path, badRows: badRows) { review in
            labels.append(review.label)
            lengths.append(wordCount(review.text))
        }
        let sample = stratifiedSample(labels: labels, lengths: lengths, total: total, lengthBins: lengthBins, seed: seed)
        var wanted = [Bool](repeating: false, count: labels.count)
        for i in sample.indices { wanted[i] = true }
        var reviews: [Review] = []
        reviews.reserveCapacity(sample.indices.count)
        var row = 0
        // Bad rows were skipped the same way in the first pass, so row numbers agree.
        _ = try forEachCSVReview(path, badRows: badRows) { review in
            if wanted[row] { reviews.append(review) }
            row += 1
        }
        return (reviews, sample, first)
    }

    static func review(from reader: StreamingCSVReader) throws -> Review {
        let path = reader.path
        guard reader.fieldCount == 3 else {
            throw InputError(file: path, line: reader.line, "\(reader.fieldCount) fields, expected 3 (\"polarity\",\"title\",\"text\")")
        }
        let label: Int = try reader.withFieldBytes(0) { bytes in
            if bytes.elementsEqual([0x31]) { return 0 }
            if bytes.elementsEqual([0x32]) { return 1 }
            let shown = String(decoding: bytes, as: UTF8.self)
            throw InputError(file: path, line: reader.line, "unknown label '\(shown)', expected 1 (negative) or 2 (positive)")
        }
        // Built from the bytes in one pass: Foundation's replacingOccurrences and String
        // concatenation made this loader 30 times slower than the CSV parser under it.
        let joined: [UInt8] = reader.withFieldBytes(1) { title in
            reader.withFieldBytes(2) { body in
                let hasTitle = !isBlank(title), hasBody = !isBlank(body)
                var out: [UInt8] = []
                out.reserveCapacity(title.count + body.count + 2)
                if hasTitle { appendUnescaped(title, to: &out) }
                if hasTitle && hasBody { out.append(contentsOf: [0x3A, 0x20]) }   // ": "
                if hasBody { appendUnescaped(body, to: &out) }
                return out
            }
        }
        if joined.isEmpty { throw InputError(file: path, line: reader.line, "empty title and text") }
        guard let text = joined.withUnsafeBufferPointer({ UTF8Text.decode($0) }) else {
            // Let the reader name the field's own line and byte.
            _ = try reader.field(1)
            _ = try reader.field(2)
            throw InputError(file: path, line: reader.line, "invalid UTF-8")
        }
        return Review(text: text, label: label, rating: nil, source: "\(path):\(reader.line)")
    }

    static func isBlank(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        bytes.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }
    }

    /// Copies `bytes`, turning the two characters backslash-n (Zhang's line breaks) into "\n".
    static func appendUnescaped(_ bytes: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        var i = 0
        let n = bytes.count
        while i < n {
            guard let hit = memchr(bytes.baseAddress! + i, 0x5C, n - i) else {
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[i..<n]))
                return
            }
            let at = UnsafeRawPointer(hit) - UnsafeRawPointer(bytes.baseAddress!)
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[i..<at]))
            if at + 1 < n && bytes[at + 1] == 0x6E {
                out.append(0x0A)
                i = at + 2
            } else {
                out.append(0x5C)
                i = at + 1
            }
        }
    }
}
