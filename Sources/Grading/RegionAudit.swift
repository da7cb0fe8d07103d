// The course's own solution regions held to the rule a student's code is held to: every region
// of Solutions/ passes RegionScan (no pointers, nothing that reaches outside the test), and a
// file with regions imports TensorCore and the earlier lessons only, nothing that can exit,
// spawn or open files (Foundation, Dispatch, Glibc, CourseData, Training). What a lesson needs
// beyond that lives in a provided file, one without regions. `make test` runs this
// (SelfTest, part 2); a reference that broke the rule would teach students to break it, and
// the grader would refuse their copy of it.

import Foundation

public enum RegionAudit {
    /// How TemporaryPointerExemptions names a region: "Lesson4/LSTMLayer.swift: LSTMLayer.forward"
    /// for `what` "LSTMLayer.forward (section 3)" of `file` "Solutions/Lesson4/LSTMLayer.swift".
    static func key(file: String, region what: String) -> String {
        let name = what.range(of: " (section").map { String(what[..<$0.lowerBound]) } ?? what
        return "\(pathInLessons(file)): \(name.trimmingCharacters(in: .whitespaces))"
    }

    /// "Lesson4/LSTM.swift" for "Solutions/Lesson4/LSTM.swift".
    static func pathInLessons(_ file: String) -> String {
        file.split(separator: "/").drop { !$0.hasPrefix("Lesson") }.joined(separator: "/")
    }

    /// Every problem, each "Solutions/LessonN/File.swift:line: what is wrong"; [] when none.
    public static func problems(root: String, lessons: [Int]) throws -> [String] {
        var problems: [String] = []
        var seen: Set<String> = []
        for lesson in lessons {
            let folder = "Solutions/Lesson\(lesson)"
            for relative in try ExerciseGenerator.filesUnder(root + "/" + folder) where relative.hasSuffix(".swift") {
                let path = "\(folder)/\(relative)"
                guard let text = try? String(contentsOfFile: root + "/" + path, encoding: .utf8) else {
                    problems.append("\(path): cannot read")
                    continue
                }
                let file = audit(text, path: path, lesson: lesson)
                problems += file.problems
                seen.formUnion(file.keys)
            }
        }
        // An exemption outlives its reason: the region is gone or no longer needs it.
        let audited = Set(lessons.map { "Lesson\($0)/" })
        for key in TemporaryPointerExemptions.regions.sorted() where audited.contains(where: key.hasPrefix) && !seen.contains(key) {
            problems.append("Sources/Grading/TemporaryPointerExemptions.swift: `\(key)` is not a region that needs pointers (any more): delete its entry")
        }
        return problems
    }

    /// One solution file's problems, and the keys of its regions that still need their exemption.
    static func audit(_ text: String, path: String, lesson: Int) -> (problems: [String], keys: Set<String>) {
        let lines = text.components(separatedBy: "\n")
        var problems: [String] = []
        var exempted: Set<String> = []
        var regionCount = 0
        var begin: Int?
        for (index, line) in lines.enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("// BEGIN SOLUTION") {
                begin = index
            } else if trimmed == "// END SOLUTION", let start = begin {
                regionCount += 1
                begin = nil
                let what = lines[start].components(separatedBy: "BEGIN SOLUTION:").last ?? ""
                let key = key(file: path, region: what)
                let body = lines[(start + 1)..<index].joined(separator: "\n")
                for finding in RegionScan.findings(body, firstLine: start + 2, region: key) {
                    problems.append("\(path):\(finding.line): \(finding.message)")
                }
                if TemporaryPointerExemptions.regions.contains(key), !RegionScan.findings(body, firstLine: start + 2).isEmpty {
                    exempted.insert(key)
                }
            }
        }
        if regionCount == 0 { return (problems, exempted) }
        let allowed = ["TensorCore"] + (1..<max(lesson, 1)).map { "Lesson\($0)" }
        let fileInLesson = pathInLessons(path)
        for (index, line) in lines.enumerated() {
            guard let module = importedModule(line) else { continue }
            if allowed.contains(module) { continue }
            if TemporaryPointerExemptions.imports.contains("\(fileInLesson): \(module)") { continue }
            problems.append("\(path):\(index + 1): imports \(module); a file with exercises imports only \(allowed.joined(separator: ", ")) (move what needs \(module) into a provided file, one without regions)")
        }
        return (problems, exempted)
    }

    /// The module an `import` line names ("Foundation" for `@preconcurrency import struct Foundation.Data`), or nil.
    static func importedModule(_ line: String) -> String? {
        var words = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        while let first = words.first, first.hasPrefix("@") { words.removeFirst() }
        guard words.first == "import", words.count >= 2 else { return nil }
        let kinds: Set<String> = ["struct", "class", "enum", "protocol", "typealias", "func", "let", "var"]
        let path = kinds.contains(words[1]) && words.count >= 3 ? words[2] : words[1]
        return path.split(separator: ".").first.map(String.init)
    }
}
