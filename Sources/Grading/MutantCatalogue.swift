// The mistakes students make, as data: Tests/Mutants/LessonN.txt lists, per solution region,
// small edits of the reference code (find this exact text, put that in its place) that each
// reproduce one typical bug. `course mutants` applies them one at a time and runs the lesson's
// tests; a mistake the tests do not notice is a hole in the tests.
//
// The format, one mutant per `mistake:` line:
//
//     region Linear.swift: Linear.backward
//
//     mistake: dx from the transposed weight
//     find: matmul(dy, weight)
//     replace: matmul(dy, weight, transposeB: true)
//     survives: <why no test can notice it>    (optional: the allow-list, e.g. an equivalent mutant)
//
// `region <file>: <name>` names a `// BEGIN SOLUTION: <name> (...)` region of Solutions/LessonN/<file>;
// it holds for the mutants after it. find and replace are one line each, trimmed; `\n` in them
// stands for a line break (`\\n` for a backslash and n), and an empty replace deletes the text.
// Lines starting with # are comments. The find text must occur
// exactly once in its region, so an edit of the solution that moves the text away is noticed
// (`course mutants` and LibraryTests report it) instead of leaving a mutant that tests nothing.

import Foundation

/// One `// BEGIN SOLUTION ... // END SOLUTION` region of a solution file.
public struct SolutionRegion: Sendable {
    /// The `<what>` of the BEGIN line, e.g. "Linear.backward".
    public var name: String
    /// The region's code lines, without the BEGIN and END lines.
    public var lines: [String]
    /// Index in the file's lines of the first code line (0-based).
    public var firstLineIndex: Int

    /// The regions of a solution file, in order. `file` names it in errors.
    public static func regions(in text: String, file: String) throws -> [SolutionRegion] {
        var regions: [SolutionRegion] = []
        var open: SolutionRegion?
        for (index, line) in text.components(separatedBy: "\n").enumerated() {
            let range = NSRange(line.startIndex..., in: line)
            if open != nil, ExerciseGenerator.end.firstMatch(in: line, range: range) != nil {
                regions.append(open!)
                open = nil
            } else if open == nil, let m = ExerciseGenerator.begin.firstMatch(in: line, range: range),
                      let r = Range(m.range(at: 2), in: line) {
                open = SolutionRegion(name: String(line[r]), lines: [], firstLineIndex: index + 1)
            } else if open != nil {
                open!.lines.append(line)
            }
        }
        if open != nil { throw GradingError("\(file): a BEGIN SOLUTION has no END SOLUTION") }
        return regions
    }
}

/// One typical mistake, as written in the catalogue.
public struct Mutant: Sendable {
    public var lesson: Int
    /// The solution file's name inside Solutions/LessonN, e.g. "Linear.swift".
    public var file: String
    public var region: String
    /// One line: what the student got wrong.
    public var mistake: String
    public var find: String
    public var replace: String
    /// Why it may survive (an equivalent mutant, a difference no test can see); nil: it must be killed.
    public var survives: String?
    /// Where it is written: "Tests/Mutants/Lesson1.txt:12".
    public var source: String

    /// Solutions/LessonN/<file>.
    public var solutionPath: String { "Solutions/Lesson\(lesson)/\(file)" }
}

/// A mutant located in its solution file, ready to apply.
public struct PlacedMutant: Sendable {
    public var mutant: Mutant
    /// The line of the solution file that the edit changes (1-based).
    public var line: Int
    /// The whole solution file with the edit made.
    public var mutatedText: String

    /// "Solutions/Lesson1/Linear.swift:42".
    public var location: String { "\(mutant.solutionPath):\(line)" }
}

public enum MutantCatalogue {
    /// Every region of Lessons 1-7 needs at least this many mutants.
    public static let minimumPerRegion = 3
    public static let checkedLessons = 1...7

    /// The catalogue of lesson n, relative to the course root.
    public static func path(lesson: Int) -> String { "Tests/Mutants/Lesson\(lesson).txt" }

    /// Reads a catalogue. Syntax errors are returned as problems ("file:line: what"), not thrown,
    /// so that one command reports all of them.
    public static func parse(_ text: String, lesson: Int, file: String) -> (mutants: [Mutant], problems: [String]) {
        var mutants: [Mutant] = []
        var problems: [String] = []
        var region: (file: String, name: String)?
        var current: Mutant?
        var sawFind = false, sawReplace = false
        func finish() {
            guard let m = current else { return }
            if !sawFind { problems.append("\(m.source): mutant '\(m.mistake)' has no find: line") }
            else if !sawReplace { problems.append("\(m.source): mutant '\(m.mistake)' has no replace: line") }
            else { mutants.append(m) }
            current = nil
        }
        for (index, raw) in text.components(separatedBy: "\n").enumerated() {
            let here = "\(file):\(index + 1)"
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line.hasPrefix("region ") {
                finish()
                let spec = line.dropFirst("region ".count)
                guard let colon = spec.firstIndex(of: ":") else {
                    problems.append("\(here): write `region <File.swift>: <region name>`")
                    region = nil
                    continue
                }
                region = (spec[..<colon].trimmingCharacters(in: .whitespaces),
                          spec[spec.index(after: colon)...].trimmingCharacters(in: .whitespaces))
                continue
            }
            guard let colon = line.firstIndex(of: ":") else {
                problems.append("\(here): expected `mistake:`, `find:`, `replace:`, `survives:` or `region`")
                continue
            }
            let key = String(line[..<colon])
            let text = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            let value = key == "find" || key == "replace" ? unescaped(text) : text
            switch key {
            case "mistake":
                finish()
                guard let region else {
                    problems.append("\(here): a mistake before any `region <File.swift>: <name>` line")
                    continue
                }
                current = Mutant(lesson: lesson, file: region.file, region: region.name, mistake: value,
                                 find: "", replace: "", survives: nil, source: here)
                sawFind = false
                sawReplace = false
            case "find", "replace", "survives":
                guard current != nil else {
                    problems.append("\(here): `\(key):` outside a mutant (start one with `mistake:`)")
                    continue
                }
                if key == "find" { current!.find = value; sawFind = true }
                if key == "replace" { current!.replace = value; sawReplace = true }
                if key == "survives" { current!.survives = value.isEmpty ? nil : value }
            default:
                problems.append("\(here): unknown key `\(key):`")
            }
        }
        finish()
        return (mutants, problems)
    }

    /// Lesson n's catalogue checked against Solutions/LessonN: every find text occurs exactly
    /// once in its region, and every region has at least `minimumPerRegion` mutants.
    public static func load(root: String, lesson: Int) -> (mutants: [PlacedMutant], problems: [String]) {
        let catalogue = path(lesson: lesson)
        guard let data = FileManager.default.contents(atPath: root + "/" + catalogue) else {
            return ([], ["\(catalogue) is missing: every lesson lists the mistakes its tests must catch"])
        }
        let (mutants, syntax) = parse(String(decoding: data, as: UTF8.self), lesson: lesson, file: catalogue)
        var problems = syntax
        var placed: [PlacedMutant] = []
        var counts: [String: Int] = [:]       // "File.swift: region" -> mutants
        var regionsByFile: [String: [SolutionRegion]] = [:]
        var seen = Set<String>()

        let solutionFiles = (try? ExerciseGenerator.filesUnder(root + "/Solutions/Lesson\(lesson)")) ?? []
        var texts: [String: String] = [:]
        for file in solutionFiles {
            guard let text = try? String(contentsOfFile: root + "/Solutions/Lesson\(lesson)/" + file, encoding: .utf8) else { continue }
            texts[file] = text
            do {
                let regions = try SolutionRegion.regions(in: text, file: "Solutions/Lesson\(lesson)/\(file)")
                regionsByFile[file] = regions
                for region in regions { counts["\(file): \(region.name)"] = 0 }
            } catch {
                problems.append("\(error)")
            }
        }

        for mutant in mutants {
            let label = "\(mutant.source): '\(mutant.mistake)'"
            guard let text = texts[mutant.file], let regions = regionsByFile[mutant.file] else {
                problems.append("\(label): there is no \(mutant.solutionPath)")
                continue
            }
            let matching = regions.filter { $0.name == mutant.region }
            guard matching.count == 1, let region = matching.first else {
                problems.append(matching.isEmpty
                    ? "\(label): \(mutant.solutionPath) has no region '\(mutant.region)' (its regions: \(regions.map(\.name).joined(separator: ", ")))"
                    : "\(label): \(mutant.solutionPath) has \(matching.count) regions named '\(mutant.region)'")
                continue
            }
            guard !mutant.find.isEmpty else { problems.append("\(label): the find text is empty"); continue }
            guard mutant.find != mutant.replace else { problems.append("\(label): replace is the same as find"); continue }
            let body = region.lines.joined(separator: "\n")
            let occurrences = body.ranges(of: mutant.find)
            guard occurrences.count == 1, let range = occurrences.first else {
                problems.append("\(label): the find text `\(mutant.find)` occurs \(occurrences.count) times in region '\(mutant.region)' of \(mutant.solutionPath), not exactly once")
                continue
            }
            let key = "\(mutant.file)|\(mutant.region)|\(mutant.find)|\(mutant.replace)"
            guard seen.insert(key).inserted else { problems.append("\(label): the same edit is listed twice"); continue }
            counts["\(mutant.file): \(mutant.region)", default: 0] += 1

            let line = region.firstLineIndex + 1 + body[..<range.lowerBound].filter { $0 == "\n" }.count
            var lines = text.components(separatedBy: "\n")
            var mutatedBody = body
            mutatedBody.replaceSubrange(range, with: mutant.replace)
            lines.replaceSubrange(region.firstLineIndex..<(region.firstLineIndex + region.lines.count),
                                  with: mutatedBody.components(separatedBy: "\n"))
            placed.append(PlacedMutant(mutant: mutant, line: line, mutatedText: lines.joined(separator: "\n")))
        }

        if checkedLessons.contains(lesson) {
            for (region, count) in counts.sorted(by: { $0.key < $1.key }) where count < minimumPerRegion {
                problems.append("\(catalogue): region \(region) of Solutions/Lesson\(lesson) has \(count) mutant\(count == 1 ? "" : "s"); it needs at least \(minimumPerRegion)")
            }
        }
        return (placed.sorted { ($0.mutant.file, $0.line) < ($1.mutant.file, $1.line) }, problems)
    }

    /// `\n` as a line break, `\\` as one backslash.
    static func unescaped(_ text: String) -> String {
        var out = ""
        var escaping = false
        for c in text {
            if escaping {
                out += c == "n" ? "\n" : c == "\\" ? "\\" : "\\\(c)"
                escaping = false
            } else if c == "\\" {
                escaping = true
            } else {
                out.append(c)
            }
        }
        return escaping ? out + "\\" : out
    }
}
