// The full Amazon Review Polarity set (Zhang, Zhao, LeCun 2015), for a user who has it: Zhang's
// folder amazon_review_polarity_csv/ with train.csv (3.6M rows) and test.csv (400k rows). Too
// large to train on whole here, a split is read as a sample spread equally over 2 classes x
// 5 word-count bins (Amazon.sampleCSV: two passes, only the sample held in memory).
//
// The folder is the one given, else $AMAZON_POLARITY_DIR, else
// <shared>/amazon/amazon_review_polarity_csv. A user who asked for this set by name gets an
// error naming the path and the download when it is missing, never a silent fallback.
// Bad rows are skipped and counted (a 1.6 GB scraped file is not refused for one broken row),
// and the first problems are kept for the report.

import Foundation
import TensorCore

extension Amazon {
    /// The environment variable naming the folder that holds train.csv and test.csv.
    public static let fullSetVariable = "AMAZON_POLARITY_DIR"

    /// $AMAZON_POLARITY_DIR when set, else <shared>/amazon/amazon_review_polarity_csv (whether or not it exists).
    public static var defaultFullSetDirectory: String {
        if let dir = ProcessInfo.processInfo.environment[fullSetVariable], !dir.isEmpty { return dir }
        return "\(DataPaths.shared)/amazon/amazon_review_polarity_csv"
    }

    public enum FullSetSplit: String, Sendable {
        case train, test
    }

    /// A class x length-bin sample of one file of the full set.
    public struct FullSetSample: Sendable, CustomStringConvertible {
        public var file: String
        public var reviews: [Review]
        public var sample: StratifiedSample
        /// Rows skipped as unreadable (bad label, wrong field count, broken quoting, invalid
        /// UTF-8, empty text), with the first problems.
        public var skipped: LoadResult
        /// Wall time of the two passes over the file.
        public var seconds: Double

        /// Readable rows in the file.
        public var rows: Int { sample.cells.reduce(0) { $0 + $1.available } }

        public var description: String {
            var s = "\(reviews.count) of \(rows) reviews of \(file)"
            if skipped.skipped > 0 {
                s += " (\(skipped.skipped) unreadable rows skipped"
                s += skipped.problems.first.map { ", the first: \($0))" } ?? ")"
            }
            return s
        }
    }

    /// Samples `total` reviews of `directory`/`split`.csv (all rows when it has fewer), spread
    /// equally over the 2 classes and `lengthBins` length bins.
    /// - Throws: DataUnavailable when train.csv or test.csv is missing (both are checked, so a
    ///   half-extracted folder is caught before a long first pass); InputError for a file with
    ///   no readable row of Zhang's CSV.
    public static func sampleFullSet(directory: String, split: FullSetSplit, total: Int, lengthBins: Int = 5,
                                     seed: UInt64) throws -> FullSetSample {
        let missing = ["train.csv", "test.csv"].map { "\(directory)/\($0)" }.filter { !FileManager.default.fileExists(atPath: $0) }
        guard missing.isEmpty else {
            throw DataUnavailable(
                dataset: "The full Amazon Review Polarity set (amazon_review_polarity_csv)", searched: missing,
                download: "\(officialDownload) This data set reads Zhang's CSV: extract amazon_review_polarity_csv.tgz "
                    + "so that \(directory)/train.csv and test.csv exist, or name the folder with $\(fullSetVariable).")
        }
        let file = "\(directory)/\(split.rawValue).csv"
        let start = Date()
        let part = try sampleCSVReporting(file, total: total, lengthBins: lengthBins, seed: seed, badRows: .skip)
        if part.sample.cells.allSatisfy({ $0.available == 0 }) {
            let why = part.skipped.problems.first.map { "; the first problem: \($0)" } ?? ""
            throw InputError(file: file, "no readable row of Zhang's CSV (\"polarity\",\"title\",\"text\")\(why)")
        }
        return FullSetSample(file: file, reviews: part.reviews, sample: part.sample, skipped: part.skipped,
                             seconds: Date().timeIntervalSince(start))
    }
}
