// `make hint`: the hints of one failing test, one tier at a time. grading.json gives each test a
// first hint (the one `make check` prints) and may give more, each more specific than the last;
// every `make hint` for the same test reveals one more. Which tiers a student has seen is kept in
// out/hints.json, so asking again moves on instead of repeating.

import Foundation

public struct HintCommand {
    public var workspace: Workspace
    /// Only this lesson's tests (nil: every lesson, earliest first).
    public var lesson: Int?
    /// `Class/method` (or just `method`); nil: the first test that does not pass.
    public var test: String?
    public var jobs: Int
    public var defaultTimeLimit: Double

    public init(workspace: Workspace, lesson: Int?, test: String?, jobs: Int, defaultTimeLimit: Double) {
        self.workspace = workspace
        self.lesson = lesson
        self.test = test
        self.jobs = jobs
        self.defaultTimeLimit = defaultTimeLimit
    }

    var statePath: String { workspace.root + "/out/hints.json" }

    /// Prints the next hint. Returns false when the exercises do not compile.
    public func run(console: Console) throws -> Bool {
        let lessons = workspace.lessons
        if let lesson, !lessons.contains(lesson) {
            throw GradingError("there is no Lesson \(lesson) (lessons: \(lessons.map(String.init).joined(separator: ", ")))")
        }
        let selected = lesson.map { [$0] } ?? lessons
        if let test {
            let (lessonNumber, entry) = try find(test, in: selected)
            show(entry, lesson: lessonNumber, failure: nil, console: console)
            return true
        }

        let runner = TestRunner(workspace: workspace, spec: .track(.exercises), jobs: jobs, defaultTimeLimit: defaultTimeLimit)
        guard try runner.buildExercises(progress: "building your exercises",
                                        advice: "The first error is the hint: fix it, then run make hint again.", console: console) else { return false }
        // The graded tests in lesson order, a few at a time, until one does not pass.
        let graded = try runner.gradedTests(lessons: selected)
        let ordered = selected.flatMap { graded.tests[$0] ?? [] }
        var start = 0
        while start < ordered.count {
            let chunk = Array(ordered[start ..< min(start + jobs, ordered.count)])
            console.progress("running \(chunk.map(\.id.configName).joined(separator: ", "))")
            let results = runner.run(chunk.map { ($0.id, $0.timeLimit) })
            console.clearProgress()
            for test in chunk {
                guard let result = results.first(where: { $0.id == test.id }), result.status != .passed,
                      let lessonNumber = test.id.lesson else { continue }
                let entry = try workspace.gradingConfig(lesson: lessonNumber)?.tests.first { $0.name == test.id.configName }
                    ?? GradingConfig.Entry(name: test.id.configName, points: test.points, hint: test.hint)
                show(entry, lesson: lessonNumber, failure: result, console: console)
                return true
            }
            start += jobs
        }
        console.print(console.green("Every test passes") + (lesson.map { " in Lesson \($0)" } ?? "") + ": no hint needed.")
        return true
    }

    /// The grading.json entry `name` names: `Class/method`, or a method name alone.
    func find(_ name: String, in lessons: [Int]) throws -> (Int, GradingConfig.Entry) {
        var matches: [(Int, GradingConfig.Entry)] = []
        for lesson in lessons {
            for entry in try workspace.gradingConfig(lesson: lesson)?.tests ?? []
            where entry.name == name || entry.name.hasSuffix("/" + name) {
                matches.append((lesson, entry))
            }
        }
        guard let first = matches.first else {
            throw GradingError("no graded test is called \(name); `make check` lists them (Class/method)")
        }
        if matches.count > 1 {
            throw GradingError("\(name) names \(matches.count) tests; write Class/method: " + matches.map(\.1.name).joined(separator: ", "))
        }
        return first
    }

    /// The failure (when known), the hints shown before, and one more.
    func show(_ entry: GradingConfig.Entry, lesson: Int, failure: TestResult?, console: Console) {
        let tiers = entry.hintTiers
        let key = "Lesson\(lesson)Tests/\(entry.name)"
        var state = loadState()
        let shown = min(tiers.count, (state[key] ?? 0) + 1)
        console.print(console.bold("Lesson \(lesson) · \(entry.name)") + console.dim("  (Lessons/Lesson\(lesson)/README.md)"))
        if let failure {
            console.print("  \(console.tag(failure.status))  " + firstLine(failure.summary, max: 200))
        }
        guard !tiers.isEmpty else {
            console.print("  This test has no hints; its failure message and the lesson's README are the guide.")
            return
        }
        for (index, hint) in tiers.prefix(shown).enumerated() {
            let label = "  hint \(index + 1)/\(tiers.count): "
            let text = wrapped(hint, width: 96, indent: String(repeating: " ", count: label.count))
            console.print(index + 1 == shown ? label + text : console.dim(label + text))
        }
        if shown < tiers.count {
            console.print(console.dim("  Still stuck? make hint again shows hint \(shown + 1)."))
        } else if tiers.count > 1 {
            console.print(console.dim("  That was the last hint for this test."))
        }
        state[key] = shown
        saveState(state)
    }

    func loadState() -> [String: Int] {
        guard let data = FileManager.default.contents(atPath: statePath),
              let state = try? JSONDecoder().decode([String: Int].self, from: data) else { return [:] }
        return state
    }

    func saveState(_ state: [String: Int]) {
        let url = URL(fileURLWithPath: statePath)
        try? FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try? encoder.encode(state).write(to: url, options: .atomic)
    }
}

/// `text` broken into lines of at most `width` characters, continuation lines indented.
func wrapped(_ text: String, width: Int, indent: String) -> String {
    var lines: [String] = []
    var line = ""
    for word in text.split(separator: " ") {
        if !line.isEmpty, line.count + 1 + word.count > width {
            lines.append(line)
            line = String(word)
        } else {
            line += (line.isEmpty ? "" : " ") + word
        }
    }
    if !line.isEmpty { lines.append(line) }
    return lines.joined(separator: "\n" + indent)
}
