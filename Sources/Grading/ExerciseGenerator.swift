// Exercises/LessonN is Solutions/LessonN with every solution region replaced by a stub, the way
// nbgrader makes a student notebook from the instructor's. Generating them (instead of keeping
// two hand-edited copies) is what stops the tracks from drifting apart.
//
//     // BEGIN SOLUTION: Linear.backward (section 3)
//     ...reference code...
//     // END SOLUTION
// becomes, at the BEGIN line's indent,
//     unimplemented("Linear.backward", lesson: 1, see: "section 3")

import Foundation

public enum ExerciseGenerator {
    // The same expressions as the original generator (Tools' gen_exercises.py), so the output
    // is byte for byte the same: `what` is the shortest text before an optional "(see)".
    static let begin = try! NSRegularExpression(pattern: #"^(\s*)// BEGIN SOLUTION:\s*(.+?)(?:\s+\((.+)\))?\s*$"#)
    static let end = try! NSRegularExpression(pattern: #"^\s*// END SOLUTION\s*$"#)
    private static let anyMarker = try! NSRegularExpression(pattern: #"^\s*// (BEGIN|END) SOLUTION"#)

    /// The exercise text for one solution file. `file` names it in errors.
    public static func exercise(fromSolution text: String, lesson: Int, file: String) throws -> String {
        var out: [String] = []
        var openedAt: Int?
        for (index, line) in text.components(separatedBy: "\n").enumerated() {
            let lineNumber = index + 1
            if let start = openedAt {
                if matches(end, line) {
                    openedAt = nil
                } else if matches(anyMarker, line) {
                    throw GradingError("\(file):\(lineNumber): \(line.trimmingCharacters(in: .whitespaces)) inside the region opened at line \(start); close that one with a plain // END SOLUTION first")
                }
                continue
            }
            if let m = begin.firstMatch(in: line, range: NSRange(line.startIndex..., in: line)) {
                let indent = group(m, 1, in: line) ?? ""
                let what = group(m, 2, in: line) ?? ""
                let see = group(m, 3, in: line).map { #", see: "\#($0)""# } ?? ""
                out.append(#"\#(indent)unimplemented("\#(what)", lesson: \#(lesson)\#(see))"#)
                openedAt = lineNumber
            } else if matches(end, line) {
                throw GradingError("\(file):\(lineNumber): END SOLUTION without a BEGIN SOLUTION before it")
            } else if matches(anyMarker, line) {
                throw GradingError("\(file):\(lineNumber): malformed marker; write `// BEGIN SOLUTION: <what> (section N)` or `// END SOLUTION`")
            } else {
                out.append(line)
            }
        }
        if let start = openedAt {
            throw GradingError("\(file):\(start): BEGIN SOLUTION without an END SOLUTION")
        }
        return out.joined(separator: "\n")
    }

    private static func matches(_ regex: NSRegularExpression, _ line: String) -> Bool {
        regex.firstMatch(in: line, range: NSRange(line.startIndex..., in: line)) != nil
    }

    private static func group(_ m: NSTextCheckingResult, _ i: Int, in line: String) -> String? {
        guard let r = Range(m.range(at: i), in: line) else { return nil }
        return String(line[r])
    }

    /// One difference between Exercises/ and what Solutions/ generate.
    public enum Drift: Equatable, CustomStringConvertible, Sendable {
        case differs(String), missing(String), extra(String)
        public var description: String {
            switch self {
            case .differs(let p): return "differs: \(p)"
            case .missing(let p): return "missing: \(p)"
            case .extra(let p): return "extra:   \(p) (no solution file makes it)"
            }
        }
    }

    /// What Exercises/LessonN should hold, path (relative to the course root) -> content.
    public static func expectedExercises(root: String, lesson: Int) throws -> [String: Data] {
        let solutionDir = "Solutions/Lesson\(lesson)"
        var result: [String: Data] = [:]
        for relative in try filesUnder(root + "/" + solutionDir) {
            let path = "\(solutionDir)/\(relative)"
            guard let data = FileManager.default.contents(atPath: root + "/" + path) else {
                throw GradingError("cannot read \(path)")
            }
            guard let text = String(data: data, encoding: .utf8) else {
                throw GradingError("\(path) is not UTF-8 text")
            }
            let exercise = try exercise(fromSolution: text, lesson: lesson, file: path)
            result["Exercises/Lesson\(lesson)/\(relative)"] = Data((header(for: path) + exercise).utf8)
        }
        return result
    }

    /// The first line of every exercise file, so a student knows where it came from and which
    /// lines are theirs to write.
    static func header(for solutionPath: String) -> String {
        "// Your copy of \(solutionPath) (made by `make exercises`): replace each unimplemented(...) line with your code.\n"
    }

    /// Every difference between Exercises/ and what Solutions/ generate, for the given lessons.
    public static func drift(root: String, lessons: [Int]) throws -> [Drift] {
        var drift: [Drift] = []
        for lesson in lessons {
            let expected = try expectedExercises(root: root, lesson: lesson)
            let exerciseDir = "Exercises/Lesson\(lesson)"
            let present = Set(try filesUnder(root + "/" + exerciseDir).map { "\(exerciseDir)/\($0)" })
            for (path, data) in expected.sorted(by: { $0.key < $1.key }) {
                if !present.contains(path) {
                    drift.append(.missing(path))
                } else if FileManager.default.contents(atPath: root + "/" + path) != data {
                    drift.append(.differs(path))
                }
            }
            for path in present.subtracting(expected.keys).sorted() { drift.append(.extra(path)) }
        }
        return drift
    }

    /// Writes Exercises/LessonN for the given lessons and removes files no solution makes.
    /// Returns what changed.
    @discardableResult
    public static func write(root: String, lessons: [Int]) throws -> [Drift] {
        let changes = try drift(root: root, lessons: lessons)
        for lesson in lessons {
            for (path, data) in try expectedExercises(root: root, lesson: lesson) {
                let url = URL(fileURLWithPath: root + "/" + path)
                try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                if FileManager.default.contents(atPath: url.path) != data { try data.write(to: url) }
            }
        }
        for case .extra(let path) in changes {
            try FileManager.default.removeItem(atPath: root + "/" + path)
        }
        return changes
    }

    /// Regular files below `dir`, relative to it, sorted; [] when `dir` does not exist.
    static func filesUnder(_ dir: String) throws -> [String] {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: dir, isDirectory: &isDir), isDir.boolValue else { return [] }
        guard let enumerator = FileManager.default.enumerator(atPath: dir) else { return [] }
        var files: [String] = []
        while let relative = enumerator.nextObject() as? String {
            var sub: ObjCBool = false
            if FileManager.default.fileExists(atPath: dir + "/" + relative, isDirectory: &sub), !sub.boolValue {
                files.append(relative)
            }
        }
        return files.sorted()
    }
}
