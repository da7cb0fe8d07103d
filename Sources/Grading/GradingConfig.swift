// A lesson's grading.json: how many points each test is worth, the hints a student sees when it
// fails, who may see it (Gradescope's visibility; a test that is not "visible" is left out of
// the student edition), and optional time limits. Matched against the tests the bundle really
// has, so a test added without an entry still counts, and an entry for a renamed test is noticed.

import Foundation

/// Lesson N's Tests/LessonNTests/grading.json: points and a hint per test.
public struct GradingConfig: Codable, Equatable, Sendable {
    public struct Entry: Codable, Equatable, Sendable {
        /// `Class/method`, e.g. `LinearTests/testLinearForward`.
        public var name: String
        public var points: Double
        /// The first hint: what `make check` and results.json show. It points the way and never
        /// gives the answer away.
        public var hint: String?
        /// Further hints, each more specific than the last; `make hint` shows them one at a time.
        public var moreHints: [String]?
        /// Seconds this test may run (debug build); the lesson's or the default otherwise.
        public var timeLimit: Double?
        /// Gradescope's visibility: "visible" (the default), "hidden", "after_due_date" or
        /// "after_published". Only visible tests are in the student edition.
        public var visibility: String?

        public init(name: String, points: Double, hint: String? = nil, moreHints: [String]? = nil,
                    timeLimit: Double? = nil, visibility: String? = nil) {
            self.name = name
            self.points = points
            self.hint = hint
            self.moreHints = moreHints
            self.timeLimit = timeLimit
            self.visibility = visibility
        }

        /// Every hint in the order `make hint` reveals them.
        public var hintTiers: [String] {
            ([hint].compactMap { $0 } + (moreHints ?? [])).filter { !$0.isEmpty }
        }

        public var isVisible: Bool { (visibility ?? Visibility.visible) == Visibility.visible }
    }

    /// Gradescope's values for a test's `visibility`.
    public enum Visibility {
        public static let visible = "visible"
        public static let all = ["visible", "hidden", "after_due_date", "after_published"]
    }

    public var lesson: Int
    public var title: String
    public var tests: [Entry]
    /// Seconds each test of this lesson may run, unless its entry says otherwise.
    public var timeLimit: Double?

    public init(lesson: Int, title: String, tests: [Entry], timeLimit: Double? = nil) {
        self.lesson = lesson
        self.title = title
        self.tests = tests
        self.timeLimit = timeLimit
    }

    public static func decode(_ data: Data, file: String) throws -> GradingConfig {
        do {
            let config = try JSONDecoder().decode(GradingConfig.self, from: data)
            if let bad = config.tests.first(where: { $0.points < 0 || !$0.points.isFinite }) {
                throw GradingError("\(file): test \(bad.name) has points \(bad.points); points are >= 0")
            }
            if let bad = config.tests.first(where: { !Visibility.all.contains($0.visibility ?? Visibility.visible) }) {
                throw GradingError("\(file): test \(bad.name) has visibility \"\(bad.visibility ?? "")\"; use one of \(Visibility.all.joined(separator: ", "))")
            }
            return config
        } catch let error as GradingError {
            throw error
        } catch DecodingError.keyNotFound(let key, let context) {
            throw GradingError("\(file): missing \"\(key.stringValue)\" at \(codingPath(context.codingPath))")
        } catch DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context) {
            throw GradingError("\(file): \(context.debugDescription) at \(codingPath(context.codingPath))")
        } catch {
            throw GradingError("\(file): not valid JSON (\(error))")
        }
    }

    private static func codingPath(_ path: [CodingKey]) -> String {
        path.isEmpty ? "the top level" : path.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
    }

    /// A test as graded: its points and hint, whether or not the config lists it.
    public struct GradedTest: Equatable, Sendable {
        public var id: TestID
        public var points: Double
        public var hint: String?
        public var timeLimit: Double?
        /// Gradescope's visibility ("visible" for a test grading.json does not list).
        public var visibility: String = Visibility.visible
    }

    /// Matches the config against the tests the bundle has. A test the config does not list
    /// gets 1 point and a warning; an entry that names no test is reported.
    public static func reconcile(_ config: GradingConfig?, lesson: Int, tests: [TestID]) -> (tests: [GradedTest], warnings: [String]) {
        let file = "Tests/Lesson\(lesson)Tests/grading.json"
        var warnings: [String] = []
        var entries: [String: Entry] = [:]
        for entry in config?.tests ?? [] {
            if entries[entry.name] != nil { warnings.append("\(file): \(entry.name) is listed twice; the first entry counts") }
            else { entries[entry.name] = entry }
        }
        if let config, config.lesson != lesson {
            warnings.append("\(file) says \"lesson\": \(config.lesson); it belongs to Lesson \(lesson)")
        }
        if config == nil, !tests.isEmpty {
            warnings.append("\(file) is missing: every test of Lesson \(lesson) counts 1 point")
        }
        // The config's order (the lesson's order), then tests it does not list.
        let position = Dictionary((config?.tests ?? []).enumerated().map { ($1.name, $0) }, uniquingKeysWith: { a, _ in a })
        let ordered = tests.sorted { (position[$0.configName] ?? Int.max, $0) < (position[$1.configName] ?? Int.max, $1) }
        let graded = ordered.map { id -> GradedTest in
            if let entry = entries[id.configName] {
                return GradedTest(id: id, points: entry.points, hint: entry.hint, timeLimit: entry.timeLimit ?? config?.timeLimit,
                                  visibility: entry.visibility ?? Visibility.visible)
            }
            return GradedTest(id: id, points: 1, hint: nil, timeLimit: config?.timeLimit)
        }
        let unlisted = ordered.filter { entries[$0.configName] == nil }.map(\.configName)
        if config != nil, unlisted.count == 1 {
            warnings.append("\(file) does not list \(unlisted[0]); it counts 1 point")
        } else if config != nil, unlisted.count > 1 {
            warnings.append("\(file) does not list \(unlisted.count) tests; each counts 1 point: \(unlisted.joined(separator: ", "))")
        }
        let names = Set(tests.map(\.configName))
        for entry in config?.tests ?? [] where !names.contains(entry.name) {
            warnings.append("\(file) lists \(entry.name), which is not a test of Lesson\(lesson)Tests")
        }
        return (graded, warnings)
    }
}
