// The Large Movie Review Dataset (Maas et al., ACL 2011): 25,000 training and 25,000 test
// reviews, half positive, as the official `aclImdb/` tree or as Kaggle's "IMDB Dataset.csv".
//
// aclImdb/{train,test}/{pos,neg}/ID_RATING.txt: the label is the folder, the rating (1-4 for
// neg, 7-10 for pos) is in the file name and is checked against the folder.

import Foundation
import TensorCore

public enum IMDB {
    public static let officialDownload = """
        IMDB (Large Movie Review Dataset, Maas et al. 2011) is downloaded from \
        https://ai.stanford.edu/~amaas/data/sentiment/ : put aclImdb_v1.tar.gz (or its extracted \
        aclImdb/ folder) in \(DataPaths.shared)/imdb/ (or set COURSE_DATA to the folder that holds imdb/).
        """

    /// The official split from the shared data: `imdb/aclImdb/` if extracted there, else
    /// `imdb/aclImdb.tar.gz` (or the official name `aclImdb_v1.tar.gz`), extracted once into
    /// `data-cache/imdb/`.
    ///
    /// Each split comes back in a fixed order: negative, positive, negative, ... with each class
    /// in a fixed pseudo-random order, so any prefix is balanced and spans many films (IDs of
    /// one film's reviews are consecutive). `limitPerSplit` takes such a prefix and reads only
    /// those files.
    /// - Throws: DataUnavailable when neither is present; InputError for a bad file.
    public static func loadOfficialSplit(limitPerSplit: Int? = nil) throws -> (train: [Review], test: [Review]) {
        let root = try officialTree()
        let train = try loadDirectory(root, split: "train", limit: limitPerSplit, badRows: .fail).reviews
        let test = try loadDirectory(root, split: "test", limit: limitPerSplit, badRows: .fail).reviews
        return (train, test)
    }

    /// The aclImdb folder of the shared data, extracting the tarball on first use.
    public static func officialTree() throws -> String {
        let fm = FileManager.default
        let folder = "\(DataPaths.shared)/imdb"
        let extracted = "\(folder)/aclImdb"
        if fm.fileExists(atPath: "\(extracted)/train") { return extracted }
        let cached = "\(DataPaths.cache)/imdb/aclImdb"
        let archives = ["\(folder)/aclImdb.tar.gz", "\(folder)/aclImdb_v1.tar.gz"]
        if let archive = archives.first(where: { fm.fileExists(atPath: $0) }) {
            // The official archive also holds 50,000 unlabelled reviews that no split uses.
            let dir = try DataPaths.extractOnce(archive: archive, into: "imdb", excluding: ["aclImdb/train/unsup"])
            return "\(dir)/aclImdb"
        }
        if fm.fileExists(atPath: "\(cached)/train") { return cached }
        throw DataUnavailable(dataset: "IMDB (aclImdb)", searched: [extracted] + archives, download: officialDownload)
    }

    /// One split ("train" or "test") of an `aclImdb/` folder, in the order described at
    /// `loadOfficialSplit`. Stops at the first bad file.
    public static func loadDirectory(_ aclImdbPath: String, split: String) throws -> [Review] {
        try loadDirectory(aclImdbPath, split: split, limit: nil, badRows: .fail).reviews
    }

    /// One split, at most `limit` reviews (a balanced prefix), bad files skipped or fatal.
    public static func loadDirectory(_ aclImdbPath: String, split: String, limit: Int?, badRows: BadRowPolicy) throws -> LoadResult {
        guard split == "train" || split == "test" else {
            throw InputError(file: aclImdbPath, "split must be \"train\" or \"test\", not \"\(split)\"")
        }
        var result = LoadResult()
        var classes: [[ReviewFile]] = []
        for (label, folder) in [(0, "neg"), (1, "pos")] {
            let dir = "\(aclImdbPath)/\(split)/\(folder)"
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: dir) else {
                throw InputError(file: dir, "no such folder; expected aclImdb/\(split)/\(folder)/ID_RATING.txt files")
            }
            var files: [ReviewFile] = []
            for name in names where name.hasSuffix(".txt") {
                do {
                    files.append(try ReviewFile(folder: dir, name: name, label: label))
                } catch let error as InputError {
                    if badRows == .fail { throw error }
                    result.skip(error)
                }
            }
            files.sort { $0.id < $1.id }
            let films = try filmIDs("\(aclImdbPath)/\(split)/urls_\(folder).txt")
            if let films {
                for i in files.indices {
                    guard files[i].id < films.count else {
                        throw InputError(file: "\(aclImdbPath)/\(split)/urls_\(folder).txt",
                                         "\(films.count) lines, but \(files[i].path) needs line \(files[i].id + 1) (one film URL a review ID)")
                    }
                    files[i].film = films[files[i].id]
                }
            }
            var rng = SeededRNG(seed: 2011 + UInt64(label))
            rng.shuffle(&files)
            classes.append(files)
        }
        var order: [ReviewFile] = []
        order.reserveCapacity(classes[0].count + classes[1].count)
        for i in 0..<max(classes[0].count, classes[1].count) {
            for files in classes where i < files.count { order.append(files[i]) }
        }
        if let limit, limit < order.count { order.removeLast(order.count - max(0, limit)) }

        let loaded = readConcurrently(order)
        result.reviews.reserveCapacity(loaded.count)
        for item in loaded {
            switch item {
            case .success(let review): result.reviews.append(review)
            case .failure(let error):
                if badRows == .fail { throw error }
                result.skip(error)
            }
        }
        return result
    }

    /// Kaggle's "IMDB Dataset.csv": header `review,sentiment`, then one review a record with
    /// sentiment `positive` or `negative`, RFC 4180 quoting. Stops at the first bad row.
    public static func loadKaggleCSV(_ path: String) throws -> [Review] {
        try loadKaggleCSV(path, badRows: .fail).reviews
    }

    /// The same, with bad rows (malformed, unknown sentiment, empty review, invalid UTF-8)
    /// skipped and counted when asked.
    public static func loadKaggleCSV(_ path: String, badRows: BadRowPolicy) throws -> LoadResult {
        try ReviewRows.csv(path, policy: badRows, skipHeader: { reader in
            guard try reader.nextRecord() else {
                throw InputError(file: path, line: 1, "empty file; expected the header review,sentiment")
            }
            let header = try (0..<reader.fieldCount).map { try reader.field($0) }
            // A byte-order mark is common in CSV files saved by spreadsheets.
            let names = header.map { $0.hasPrefix("\u{FEFF}") ? String($0.dropFirst()) : $0 }
            guard names == ["review", "sentiment"] else {
                throw InputError(file: path, line: reader.line, "header is \(header), expected review,sentiment")
            }
        }, convert: { reader in
            guard reader.fieldCount == 2 else {
                throw InputError(file: path, line: reader.line, "\(reader.fieldCount) fields, expected 2 (review,sentiment)")
            }
            let sentiment = try reader.field(1)
            let label: Int
            switch sentiment {
            case "positive": label = 1
            case "negative": label = 0
            default: throw InputError(file: path, line: reader.line, "unknown sentiment '\(sentiment)', expected positive or negative")
            }
            let text = try reader.field(0)
            if ReviewRows.isBlank(text) { throw InputError(file: path, line: reader.line, "empty review") }
            return Review(text: text, label: label, rating: nil, source: "\(path):\(reader.line)")
        })
    }

    /// The film of each review ID of a pos/ or neg/ folder, from its `urls_pos.txt` or
    /// `urls_neg.txt` (line ID+1: `http://www.imdb.com/title/tt0453418/usercomments`); nil when
    /// the file is absent (the reviews then have no subject). The official training and test
    /// splits are about different films; the same holds for Lesson 5's validation split only
    /// if it keeps each film's reviews together.
    static func filmIDs(_ path: String) throws -> [String]? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        let bytes = try FileBytes.read(path)
        guard let text = bytes.withUnsafeBufferPointer({ UTF8Text.decode($0) }) else {
            throw InputError(file: path, "not UTF-8 text; expected one IMDB film URL a line")
        }
        var films: [String] = []
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        if lines.last?.isEmpty == true { lines.removeLast() }
        for (n, line) in lines.enumerated() {
            guard let range = line.range(of: "/title/") else {
                throw InputError(file: path, line: n + 1, "expected an IMDB film URL (.../title/tt.../usercomments), found \"\(line.prefix(60))\"")
            }
            films.append(String(line[range.upperBound...].prefix { $0 != "/" }))
        }
        return films
    }

    /// A file `ID_RATING.txt` of a pos/ or neg/ folder.
    struct ReviewFile: Sendable {
        let path: String
        let id: Int
        let rating: Int
        let label: Int
        /// The film's title id, from urls_pos.txt / urls_neg.txt.
        var film: String?

        init(folder: String, name: String, label: Int) throws {
            let path = "\(folder)/\(name)"
            let parts = name.dropLast(4).split(separator: "_")
            guard parts.count == 2, let id = Int(parts[0]), let rating = Int(parts[1]) else {
                throw InputError(file: path, "file name is not ID_RATING.txt")
            }
            let allowed = label == 1 ? 7...10 : 1...4
            guard allowed.contains(rating) else {
                throw InputError(file: path, "rating \(rating) does not belong in \(label == 1 ? "pos" : "neg")/ (expected \(allowed.lowerBound)-\(allowed.upperBound))")
            }
            self.path = path
            self.id = id
            self.rating = rating
            self.label = label
        }

        func load() throws -> Review {
            let bytes = try FileBytes.read(path)
            let text = try bytes.withUnsafeBufferPointer { buffer -> String in
                guard let text = UTF8Text.decode(buffer) else {
                    throw UTF8Text.invalidError(buffer, file: path, firstLine: 1)
                }
                return text
            }
            guard text.contains(where: { !$0.isWhitespace }) else {
                throw InputError(file: path, line: 1, "empty review")
            }
            return Review(text: text, label: label, rating: rating, source: path, subject: film)
        }
    }

    /// Reads the files on all cores: 50,000 small files are bound by system calls, not bytes.
    static func readConcurrently(_ files: [ReviewFile]) -> [Result<Review, InputError>] {
        let results = ResultSlots<Review>(count: files.count)
        let chunk = 256
        let chunks = (files.count + chunk - 1) / chunk
        DispatchQueue.concurrentPerform(iterations: chunks) { c in
            for i in (c * chunk)..<min(files.count, (c + 1) * chunk) {
                do {
                    results.set(i, .success(try files[i].load()))
                } catch let error as InputError {
                    results.set(i, .failure(error))
                } catch {
                    results.set(i, .failure(InputError(file: files[i].path, "\(error)")))
                }
            }
        }
        return results.values
    }
}

/// Slots that concurrent workers fill, each worker its own indices.
final class ResultSlots<Value>: @unchecked Sendable {
    private var slots: [Result<Value, InputError>?]
    private let lock = NSLock()

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func set(_ i: Int, _ value: Result<Value, InputError>) {
        // Writes to distinct elements of one Array are not safe without a lock (copy on write,
        // exclusivity), and the lock is cheap next to reading a file.
        lock.lock()
        slots[i] = value
        lock.unlock()
    }

    var values: [Result<Value, InputError>] {
        slots.map { $0 ?? .failure(InputError(file: "", "internal: slot not filled")) }
    }
}
