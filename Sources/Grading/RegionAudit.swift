// The course's own solution regions held to the rule a student's code is held to: every region
// of Solutions/ passes RegionScan (no pointers, nothing that reaches outside the test), and a
// file with regions imports TensorCore and the earlier lessons only, nothing that can exit,
// spawn or open files (Foundation, Dispatch, Glibc, CourseData, Training). What a lesson needs
// beyond that lives in a provided file, one without regions. `make test` runs this
// (SelfTest, part 2); a reference that broke the rule would teach students to break it, and
// the grader would refuse their copy of it.

import Foundation

public enum RegionAudit {
    /// Every problem, each "Solutions/LessonN/File.swift:line: what is wrong"; [] when none.
    public static func problems(root: String, lessons: [Int]) throws -> [String] {
        var problems: [String] = []
        for lesson in lessons {
            let folder = "Solutions/Lesson\(lesson)"
            for relative in try ExerciseGenerator.filesUnder(root + "/" + folder) where relative.hasSuffix(".swift") {
                let path = "\(folder)/\(relative)"
                guard let text = try? String(contentsOfFile: root + "/" + path, encoding: .utf8) else {
                    problems.append("\(path): cannot read")
                    continue
                }
                problems += audit(text, path: path, lesson: lesson)
            }
        }
        return problems
    }

    /// One solution file's problems.
    static func audit(_ text: String, path: String, lesson: Int) -> [String] {
        let lines = text.components(separatedBy: "\n")
        var problems: [String] = []
        var regionCount = 0
        var begin: Int?
        for (index, line) in lines.enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("// BEGIN SOLUTION") {
                begin = index
            } else if trimmed == "// END SOLUTION", let start = begin {
                regionCount += 1
                begin = nil
                let body = lines[(start + 1)..<index].joined(separator: "\n")
                for finding in RegionScan.findings(body, firstLine: start + 2) {
                    problems.append("\(path):\(finding.line): \(finding.message)")
                }
            }
        }
        if regionCount == 0 { return problems }
        let allowed = ["TensorCore"] + (1..<max(lesson, 1)).map { "Lesson\($0)" }
        for (index, line) in lines.enumerated() {
            guard let module = importedModule(line) else { continue }
            if allowed.contains(module) { continue }
            problems.append("\(path):\(index + 1): imports \(module); a file with exercises imports only \(allowed.joined(separator: ", ")) (move what needs \(module) into a provided file, one without regions)")
        }
        return problems
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
