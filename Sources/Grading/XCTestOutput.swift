// Reading what an XCTest bundle prints: its list of tests, its failure lines, the message an
// exercise stub prints, and the one line that explains a crash.

import Foundation

/// One test method: `Lesson1Tests.LinearTests/testLinearForward`.
public struct TestID: Hashable, Comparable, CustomStringConvertible, Sendable {
    public var module: String
    public var className: String
    public var method: String

    public init(module: String, className: String, method: String) {
        self.module = module
        self.className = className
        self.method = method
    }

    /// Parses `Module.Class/method`.
    public init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let dot = parts[0].firstIndex(of: ".") else { return nil }
        let module = String(parts[0][..<dot]), className = String(parts[0][parts[0].index(after: dot)...])
        let isName = { (s: String) in !s.isEmpty && s.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" } }
        guard isName(module), isName(className), isName(String(parts[1])) else { return nil }
        self.init(module: module, className: className, method: String(parts[1]))
    }

    /// What the bundle takes as a filter and prints in its list.
    public var description: String { "\(module).\(className)/\(method)" }
    /// How grading.json names it: `Class/method`.
    public var configName: String { "\(className)/\(method)" }
    /// N when the module is LessonNTests, else nil (library tests are not graded).
    public var lesson: Int? {
        guard module.hasPrefix("Lesson"), module.hasSuffix("Tests") else { return nil }
        return Int(module.dropFirst("Lesson".count).dropLast("Tests".count))
    }

    public static func < (a: TestID, b: TestID) -> Bool {
        (a.lesson ?? 0, a.module, a.className, a.method) < (b.lesson ?? 0, b.module, b.className, b.method)
    }
}

/// One `file:line: error: Class.method : message` report.
public struct TestFailure: Equatable, Sendable {
    public var file: String
    public var line: Int
    /// Rewritten to read well: `got 0.5, expected 0.25 — sigmoid(0)`.
    public var message: String
}

public enum XCTestOutput {
    /// The tests of `<bundle> --list-tests`.
    public static func testList(_ output: String) -> [TestID] {
        output.split(whereSeparator: \.isNewline).compactMap { TestID(String($0).trimmingCharacters(in: .whitespaces)) }
    }

    /// `Executed N tests` of the outermost suite, or nil when the run never got that far.
    public static func executedCount(_ output: String) -> Int? {
        let regex = try! NSRegularExpression(pattern: #"Executed (\d+) tests?,"#)
        let ns = output as NSString
        guard let last = regex.matches(in: output, range: NSRange(location: 0, length: ns.length)).last else { return nil }
        return Int(ns.substring(with: last.range(at: 1)))
    }

    private static let failureLine = try! NSRegularExpression(
        pattern: #"^(.*?):(\d+): error: [A-Za-z0-9_.]+ : (.*)$"#)
    private static let boilerplate = try! NSRegularExpression(
        pattern: #"^(Test Suite '|Test Case '|\t? *Executed \d+ tests?,)"#)

    /// Every failure the run reported, in order. A message may run over several lines (a
    /// gradient-check report); it ends at the next line XCTest itself wrote.
    public static func failures(_ output: String) -> [TestFailure] {
        var result: [TestFailure] = []
        var current: (file: String, line: Int, lines: [String])?
        func finish() {
            if let c = current {
                result.append(TestFailure(file: c.file, line: c.line, message: readable(c.lines.joined(separator: "\n"))))
            }
            current = nil
        }
        for lineSub in output.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = String(lineSub)
            let range = NSRange(location: 0, length: (line as NSString).length)
            if let m = failureLine.firstMatch(in: line, range: range) {
                finish()
                let ns = line as NSString
                current = (ns.substring(with: m.range(at: 1)), Int(ns.substring(with: m.range(at: 2))) ?? 0,
                           [ns.substring(with: m.range(at: 3))])
            } else if boilerplate.firstMatch(in: line, range: range) != nil {
                finish()
            } else if current != nil {
                current?.lines.append(line)
            }
        }
        finish()
        return result
    }

    private static let equality = try! NSRegularExpression(
        pattern: #"^XCTAssert(?:Equal|EqualWithAccuracy) failed: \("(.*?)"\) is not equal to \("(.*?)"\)(?: \+/- \("(.*?)"\))?(?: - (.*))?$"#,
        options: [.dotMatchesLineSeparators])
    private static let prefixed = try! NSRegularExpression(
        pattern: #"^(?:XCTAssert\w+ failed|failed)(?:: (.*?))?(?: - (.*))?$"#, options: [.dotMatchesLineSeparators])

    /// XCTest's wording made plain. XCTAssertEqual(got, expected) is the order the course uses.
    public static func readable(_ message: String) -> String {
        let ns = message as NSString
        let all = NSRange(location: 0, length: ns.length)
        func group(_ m: NSTextCheckingResult, _ i: Int) -> String? {
            m.range(at: i).location == NSNotFound ? nil : ns.substring(with: m.range(at: i))
        }
        if let m = equality.firstMatch(in: message, range: all), let got = group(m, 1), let expected = group(m, 2) {
            var text = "got \(got), expected \(expected)"
            if let accuracy = group(m, 3) { text += " (± \(accuracy))" }
            if let note = group(m, 4), !note.isEmpty { text = "\(note): \(text)" }
            return text
        }
        if let m = prefixed.firstMatch(in: message, range: all) {
            let detail = group(m, 1), note = group(m, 2)
            switch (detail, note) {
            case let (d?, n?) where !n.isEmpty: return "\(n) (\(d))"
            case let (_, n?) where !n.isEmpty: return n
            case let (d?, _): return d
            default: break
            }
        }
        return message
    }

    private static let stub = try! NSRegularExpression(pattern: #"Lesson (\d+): (.+) is not written yet \(([^)]*)\)"#)

    /// "Linear.backward is not written yet (Lesson1/Linear.swift:74)" from the message of
    /// TensorCore's unimplemented(), or nil.
    public static func stubMessage(_ output: String) -> String? {
        let ns = output as NSString
        guard let m = stub.firstMatch(in: output, range: NSRange(location: 0, length: ns.length)) else { return nil }
        return "Lesson \(ns.substring(with: m.range(at: 1))): \(ns.substring(with: m.range(at: 2))) is not written yet (\(ns.substring(with: m.range(at: 3))))"
    }

    private static let fatal = try! NSRegularExpression(
        pattern: #"^(?:(.*?):(\d+): )?(Fatal error|Precondition failed|Assertion failed)(?:: (.*))?$"#)
    private static let frame = try! NSRegularExpression(pattern: #" at (/\S+\.swift):(\d+)(?::\d+)?$"#)

    /// Why a test crashed, in one line: the runtime's message and where, preferring the
    /// deepest frame in lesson code over the library line that trapped, e.g.
    /// "Precondition failed: matmul: ... (at Exercises/Lesson1/Linear.swift:78)".
    public static func crashSummary(_ output: String, root: String) -> String? {
        var message: String?
        var trapLocation: String?
        var lessonFrame: String?
        var courseFrame: String?
        let lessonFolders = ["Exercises/", "Solutions/", Workspace.submissionDirectory + "/", "Lessons/"]
        for lineSub in output.split(separator: "\n") {
            let line = String(lineSub)
            let ns = line as NSString
            let range = NSRange(location: 0, length: ns.length)
            if message == nil, let m = fatal.firstMatch(in: line, range: range) {
                let kind = ns.substring(with: m.range(at: 3))
                let text = m.range(at: 4).location == NSNotFound ? "" : ": " + ns.substring(with: m.range(at: 4))
                message = kind + text
                if m.range(at: 1).location != NSNotFound {
                    let file = ns.substring(with: m.range(at: 1))
                    if !file.hasPrefix("Swift/") { trapLocation = "\(file):\(ns.substring(with: m.range(at: 2)))" }
                }
            } else if lessonFrame == nil, let m = frame.firstMatch(in: line, range: range) {
                let file = ns.substring(with: m.range(at: 1))
                guard file.hasPrefix(root + "/"), !file.contains("/.build") else { continue }
                let relative = String(file.dropFirst(root.count + 1))
                let location = "\(relativePath(file, root: root)):\(ns.substring(with: m.range(at: 2)))"
                if lessonFolders.contains(where: relative.hasPrefix) { lessonFrame = location }
                else if courseFrame == nil { courseFrame = location }
            }
        }
        let location = lessonFrame ?? trapLocation ?? courseFrame
        switch (message, location) {
        case let (m?, l?): return "\(m) (at \(l))"
        case let (m?, nil): return m
        case let (nil, l?): return "at \(l)"
        default: return nil
        }
    }

    /// The run's output without XCTest's suite/case bookkeeping lines.
    public static func trimmed(_ output: String) -> String {
        output.split(separator: "\n", omittingEmptySubsequences: false).filter { line in
            let s = String(line)
            return boilerplate.firstMatch(in: s, range: NSRange(location: 0, length: (s as NSString).length)) == nil
        }.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// `path` relative to `root` when it is inside it; a submission copy reads as "submission/...".
public func relativePath(_ path: String, root: String) -> String {
    guard path.hasPrefix(root + "/") else { return path }
    let relative = String(path.dropFirst(root.count + 1))
    if relative.hasPrefix(Workspace.submissionDirectory + "/") {
        return "submission/" + relative.dropFirst(Workspace.submissionDirectory.count + 1)
    }
    return relative
}

public func signalName(_ signal: Int32) -> String {
    switch signal {
    case 4: return "SIGILL, a Swift runtime trap"
    case 5: return "SIGTRAP, a Swift runtime trap"
    case 6: return "SIGABRT"
    case 7: return "SIGBUS"
    case 8: return "SIGFPE"
    case 9: return "SIGKILL, out of memory?"
    case 11: return "SIGSEGV"
    default: return "signal \(signal)"
    }
}
