// The streaming RFC 4180 reader: quoting, line numbers, buffer refills, gzip and errors.

import CourseData
import Foundation
import TensorCore
import XCTest

final class DataCSVTests: XCTestCase {
    func readAll(_ path: String, bufferSize: Int = 1 << 20) throws -> [CSVRecord] {
        let reader = try StreamingCSVReader(path: path, bufferSize: bufferSize)
        var records: [CSVRecord] = []
        while let r = try reader.next() { records.append(r) }
        return records
    }

    func testCSVReader_quotingAndLineNumbers() throws {
        let dir = try DataTempDir(); defer { dir.remove() }
        let path = try dir.write("a.csv", "a,b,c\n\"x,y\",\"he said \"\"hi\"\"\",\"multi\nline\"\r\n\nlast,,\"\"\r\ncr\rinside,2")
        for size in [16, 1 << 20] {
            let records = try readAll(path, bufferSize: size)
            XCTAssertEqual(records, [
                CSVRecord(fields: ["a", "b", "c"], line: 1),
                CSVRecord(fields: ["x,y", "he said \"hi\"", "multi\nline"], line: 2),
                CSVRecord(fields: ["last", "", ""], line: 5),
                CSVRecord(fields: ["cr\rinside", "2"], line: 6),
            ], "records with a \(size)-byte buffer")
        }
    }

    /// Random fields written per RFC 4180 and read back, with a buffer so small that every
    /// construct straddles a refill.
    func testCSVReader_roundTripThroughSmallBuffers() throws {
        let dir = try DataTempDir(); defer { dir.remove() }
        var rng = SeededRNG(seed: 5)
        let pieces = ["a", "bc", ",", "\"", "\n", "\r\n", " ", "é", "日本", "x\"y", ""]
        var expected: [[String]] = []
        var text = ""
        for _ in 0..<300 {
            let fields = (0..<(1 + rng.int(below: 4))).map { _ in
                (0..<rng.int(below: 6)).map { _ in pieces[rng.int(below: pieces.count)] }.joined()
            }
            // A record of one empty field is an empty line, which the reader skips.
            if fields == [""] { continue }
            expected.append(fields)
            text += fields.map { f in
                f.utf8.contains(where: { [0x2C, 0x22, 0x0A, 0x0D].contains($0) }) || f.isEmpty && rng.int(below: 2) == 0
                    ? "\"" + f.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : f
            }.joined(separator: ",")
            text += rng.int(below: 3) == 0 ? "\r\n" : "\n"
        }
        let path = try dir.write("random.csv", text)
        for size in [16, 17, 64, 1 << 20] {
            let records = try readAll(path, bufferSize: size)
            XCTAssertEqual(records.count, expected.count, "record count with a \(size)-byte buffer")
            for (i, (r, e)) in zip(records, expected).enumerated() where r.fields != e {
                XCTFail("record \(i) (line \(r.line)) with a \(size)-byte buffer: \(r.fields) != \(e)")
                break
            }
        }
        // Lines: each record starts one line after the previous record's last line. ("\r\n" is
        // one Character in Swift, so count line feeds as bytes.)
        let records = try readAll(path)
        var line = 1
        for (r, e) in zip(records, expected) {
            XCTAssertEqual(r.line, line, "start line of \(e)")
            line += 1 + e.joined().utf8.filter { $0 == 0x0A }.count
        }
    }

    func testCSVReader_malformedRecordsNameFileAndLine() throws {
        let dir = try DataTempDir(); defer { dir.remove() }
        let cases: [(String, Int, String)] = [
            ("ok,1\nab\"c,2\n", 2, "quote inside an unquoted field"),
            ("ok,1\n\"multi\nline\",2\n\"closed\"x,3\n", 4, "after a closing quote"),
            ("ok,1\n\"never\nclosed,2\n", 2, "never closed"),
        ]
        for (i, (text, line, words)) in cases.enumerated() {
            let path = try dir.write("bad\(i).csv", text)
            let error = expectInputError("case \(i)") { try readAll(path) }
            XCTAssertEqual(error?.file, path, "case \(i): file")
            XCTAssertEqual(error?.line, line, "case \(i): line")
            XCTAssertTrue(error?.message.contains(words) ?? false, "case \(i): message \(error?.message ?? "")")
        }
        let utf8 = try dir.write("utf8.csv", bytes: Array("ok,1\n\"two\nlines\",x".utf8) + [0xFF] + Array("y\n".utf8))
        let error = expectInputError("invalid UTF-8") { try readAll(utf8) }
        XCTAssertEqual(error?.line, 3, "line of the invalid byte (after the two-line field)")
        XCTAssertTrue(error?.message.contains("0xFF") ?? false, "message shows the byte: \(error?.message ?? "")")
    }

    func testCSVReader_gzipMatchesPlainAndTruncatedGzipFails() throws {
        let dir = try DataTempDir(); defer { dir.remove() }
        let text = (0..<2000).map { "\($0),\"row \($0), with comma\"\n" }.joined()
        let plain = try dir.write("t.csv", text)
        try runTool("/bin/sh", ["-c", "gzip -c '\(plain)' > '\(dir.path)/t.csv.gz'"])
        let a = try readAll(plain)
        let b = try readAll("\(dir.path)/t.csv.gz")
        XCTAssertEqual(a.count, 2000, "plain rows")
        XCTAssertEqual(a, b, "gzip gives the same records")
        XCTAssertEqual(b[1999].fields, ["1999", "row 1999, with comma"], "last record")

        let gz = try Data(contentsOf: URL(fileURLWithPath: "\(dir.path)/t.csv.gz"))
        try dir.write("cut.csv.gz", bytes: Array(gz.prefix(gz.count / 2)))
        let error = expectInputError("truncated gzip") { try readAll("\(dir.path)/cut.csv.gz") }
        XCTAssertEqual(error?.file, "\(dir.path)/cut.csv.gz", "file of the truncated gzip")
        XCTAssertTrue(error?.message.contains("gzip") ?? false, "message: \(error?.message ?? "")")
    }

    func testCSVReader_missingFile() {
        let error = expectInputError("missing") { try StreamingCSVReader(path: "/nonexistent/x.csv") }
        XCTAssertEqual(error?.file, "/nonexistent/x.csv", "file")
    }
}
