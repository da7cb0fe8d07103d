// Timing the CourseData loaders in a release build (the figures in the data notes):
//   swift run -c release CSVBenchmark generate-amazon /tmp/amazon-train.csv 3600000
//   swift run -c release CSVBenchmark csv-raw /tmp/amazon-train.csv    records, no Strings
//   swift run -c release CSVBenchmark csv /tmp/amazon-train.csv        records as Strings
//   swift run -c release CSVBenchmark amazon-csv /tmp/amazon-train.csv  records -> Reviews
//   swift run -c release CSVBenchmark amazon-sample /tmp/amazon-train.csv 800000
//   swift run -c release CSVBenchmark generated 5000 0                  label<TAB>text lines
//   swift run -c release CSVBenchmark imdb                              the 50k official split
//   swift run -c release CSVBenchmark glove [path]                      GloVe 6B 50d (.gz)
// Peak memory: run the built binary under /usr/bin/time -v.

import CourseData
import Foundation
import TensorCore

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data((message + "\n").utf8))
    exit(2)
}

/// A CSV of Amazon's shape: "label","title","text" with commas, doubled quotes and backslash-n
/// inside, about 420 bytes a row like Zhang's train.csv (1.5 GB for 3.6M rows).
func generateAmazon(path: String, rows: Int) throws {
    guard FileManager.default.createFile(atPath: path, contents: nil),
          let out = FileHandle(forWritingAtPath: path) else { fail("cannot write \(path)") }
    var rng = SeededRNG(seed: 42)
    let words = ["the", "product", "works", "great", "but", "battery", "died", "after", "two",
                 "weeks", "and", "I", "would", "not", "buy", "again", "love", "it", "book", "was",
                 "boring", "quality", "excellent", "price", "cheap", "arrived", "late", "my", "kids",
                 "enjoy", "this", "CD", "sound", "terrible", "recommend", "highly", "waste", "money"]
    var chunk = [UInt8]()
    chunk.reserveCapacity(1 << 22)
    func field(_ count: Int, into chunk: inout [UInt8]) {
        chunk.append(0x22)
        for i in 0..<count {
            if i > 0 { chunk.append(0x20) }
            chunk.append(contentsOf: words[rng.int(below: words.count)].utf8)
            switch rng.int(below: 40) {
            case 0: chunk.append(0x2C)                                   // a comma
            case 1: chunk.append(contentsOf: Array(#"\n"#.utf8))         // an escaped newline
            case 2: chunk.append(contentsOf: Array(#" ""quoted"""#.utf8)) // doubled quotes
            case 3: chunk.append(0x2E)
            default: break
            }
        }
        chunk.append(0x22)
    }
    for _ in 0..<rows {
        chunk.append(contentsOf: rng.int(below: 2) == 0 ? Array(#""1","#.utf8) : Array(#""2","#.utf8))
        field(2 + rng.int(below: 5), into: &chunk)
        chunk.append(0x2C)
        field(16 + rng.int(below: 100), into: &chunk)
        chunk.append(0x0A)
        if chunk.count > 1 << 22 - 4096 {
            out.write(Data(chunk))
            chunk.removeAll(keepingCapacity: true)
        }
    }
    out.write(Data(chunk))
    try out.close()
}

let args = CommandLine.arguments.dropFirst()
guard let command = args.first else { fail("usage: CSVBenchmark generate-amazon|csv|amazon-csv|imdb|glove [path] [rows]") }
let rest = Array(args.dropFirst())

do {
    switch command {
    case "generate-amazon":
        guard rest.count == 2, let rows = Int(rest[1]) else { fail("generate-amazon PATH ROWS") }
        let t = try seconds { try generateAmazon(path: rest[0], rows: rows) }
        let size = (try FileManager.default.attributesOfItem(atPath: rest[0])[.size] as? Int) ?? 0
        print("wrote \(rows) rows, \(size / 1_000_000) MB in \(String(format: "%.1f", t)) s")
    case "csv":
        guard let path = rest.first else { fail("csv PATH") }
        let reader = try StreamingCSVReader(path: path)
        var records = 0, fields = 0, characters = 0
        let t = try seconds {
            while let record = try reader.next() {
                records += 1
                fields += record.fields.count
                characters += record.fields.last?.utf8.count ?? 0
            }
        }
        let mb = Double(reader.bytesRead) / 1e6
        print(String(format: "csv: %d records, %d fields, %.0f MB in %.2f s = %.0f MB/s (checksum %d)",
                     records, fields, mb, t, mb / t, characters))
    case "csv-raw":
        // Records only, no Strings: the parser's own speed.
        guard let path = rest.first else { fail("csv-raw PATH") }
        let reader = try StreamingCSVReader(path: path)
        var records = 0, bytes = 0
        let t = try seconds {
            while try reader.nextRecord() {
                records += 1
                bytes += reader.withFieldBytes(reader.fieldCount - 1) { $0.count }
            }
        }
        let mb = Double(reader.bytesRead) / 1e6
        print(String(format: "csv-raw: %d records, %.0f MB in %.2f s = %.0f MB/s (checksum %d)", records, mb, t, mb / t, bytes))
    case "amazon-csv":
        guard let path = rest.first else { fail("amazon-csv PATH") }
        var rows = 0, positive = 0
        var skipped = 0
        let t = try seconds {
            skipped = try Amazon.forEachCSVReview(path, badRows: .fail) { review in
                rows += 1
                positive += review.label
            }.skipped
        }
        let size = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        let mb = Double(size) / 1e6
        print(String(format: "amazon-csv: %d reviews (%d positive, %d skipped), %.0f MB in %.2f s = %.0f MB/s",
                     rows, positive, skipped, mb, t, mb / t))
    case "amazon-sample":
        // 800k reviews equally over 2 classes x 5 length bins, two passes over the file.
        guard let path = rest.first else { fail("amazon-sample PATH [TOTAL]") }
        let total = rest.count > 1 ? Int(rest[1]) ?? 800_000 : 800_000
        var result: (reviews: [Review], sample: StratifiedSample, skipped: Int)?
        let t = try seconds { result = try Amazon.sampleCSV(path, total: total, seed: 0) }
        guard let result else { fail("no result") }
        print(String(format: "amazon-sample: %d reviews in %.2f s; bins up to %@ words; per cell %@",
                     result.reviews.count, t, "\(result.sample.binUpperLengths)",
                     result.sample.cells.map { "\($0.label)/\($0.bin): \($0.taken) of \($0.available)" }.joined(separator: ", ")))
    case "generated":
        // label<TAB>text lines of GeneratedReviews, to check elsewhere that order matters.
        guard rest.count == 2, let count = Int(rest[0]), let seed = UInt64(rest[1]) else { fail("generated COUNT SEED") }
        for r in GeneratedReviews.make(count: count, seed: seed) { print("\(r.label)\t\(r.text)") }
    case "imdb":
        var train: [Review] = [], test: [Review] = []
        let t = try seconds { (train, test) = try IMDB.loadOfficialSplit() }
        let bytes = (train + test).reduce(0) { $0 + $1.text.utf8.count }
        print(String(format: "imdb: %d + %d reviews, %.0f MB of text in %.2f s (%.0f reviews/s)",
                     train.count, test.count, Double(bytes) / 1e6, t, Double(train.count + test.count) / t))
    case "glove":
        // A 25k-word vocabulary (every 4th of the file's first 100k words, plus words it lacks),
        // then every one of the file's words.
        let path = rest.first ?? WordVectors.sharedGlovePath
        let first = try WordVectors.loadAll(path: path, limit: 100_000).words
        let vocabulary = ["<pad>", "<unk>"] + stride(from: 0, to: first.count, by: 4).map { first[$0] } + ["notaword1", "Paris"]
        var coverage: WordVectors.Coverage?
        let t1 = try seconds { coverage = try WordVectors.load(path: path, vocabulary: vocabulary).coverage }
        print(String(format: "glove: %d-word vocabulary in %.2f s: ", vocabulary.count, t1) + (coverage?.description ?? ""))
        var count = 0
        let t2 = try seconds { count = try WordVectors.loadAll(path: path).words.count }
        print(String(format: "glove: all %d vectors in %.2f s", count, t2))
    default:
        fail("unknown command \(command)")
    }
} catch {
    fail("\(error)")
}
