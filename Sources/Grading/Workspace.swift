// The course checkout as the tools see it: which lessons exist, where each track is built, and
// how to build it so SwiftPM notices what Package.swift decides from the environment and the
// file system.

import Foundation

public enum Track: String, CaseIterable, Sendable {
    case exercises, solutions
}

/// One way of building the package: the environment Package.swift reads and a build folder.
public struct BuildSpec: Sendable {
    public var label: String
    public var scratchPath: String
    public var environment: [String: String]

    /// TRACK=<track>, built in .build-<track> (the folders the Makefile uses too).
    public static func track(_ track: Track) -> BuildSpec {
        BuildSpec(label: "\(track.rawValue) track", scratchPath: ".build-\(track.rawValue)",
                  environment: ["TRACK": track.rawValue, "COURSE_LESSON_DIR": ""])
    }

    /// Where the lesson code comes from, as a student would name it.
    public var lessonDirectory: String {
        if let dir = environment["COURSE_LESSON_DIR"], !dir.isEmpty {
            return dir == Workspace.submissionDirectory ? "submission" : dir
        }
        return environment["TRACK"] == Track.solutions.rawValue ? "Solutions" : "Exercises"
    }

    /// A submission copied into .grade/submission, built in .build-grade.
    public static var submission: BuildSpec {
        BuildSpec(label: "submission", scratchPath: ".build-grade",
                  environment: ["TRACK": "exercises", "COURSE_LESSON_DIR": Workspace.submissionDirectory])
    }
}

public struct Workspace: Sendable {
    /// Where `course grade` copies a submission (inside the package, as SwiftPM requires).
    public static let submissionDirectory = ".grade/submission"
    /// The name of the test bundle SwiftPM builds for this package.
    public static let testBundle = "LSTMCoursePackageTests.xctest"

    public let root: String

    public init(root: String) { self.root = root }

    /// The checkout containing `directory` (the nearest folder up with Package.swift and Solutions/).
    public static func find(from directory: String = FileManager.default.currentDirectoryPath) throws -> Workspace {
        var url = URL(fileURLWithPath: directory).standardizedFileURL
        while true {
            if FileManager.default.fileExists(atPath: url.path + "/Package.swift"),
               FileManager.default.fileExists(atPath: url.path + "/Solutions") {
                return Workspace(root: url.path)
            }
            let parent = url.deletingLastPathComponent()
            if parent.path == url.path {
                throw GradingError("not inside the course checkout (no Package.swift with Solutions/ beside it above \(directory))")
            }
            url = parent
        }
    }

    /// The lessons in the package: as in Package.swift, those whose Solutions folder exists.
    public var lessons: [Int] {
        (1...9).filter { isDirectory("Solutions/Lesson\($0)") }
    }

    func isDirectory(_ relative: String) -> Bool {
        var isDir: ObjCBool = false
        return FileManager.default.fileExists(atPath: root + "/" + relative, isDirectory: &isDir) && isDir.boolValue
    }

    /// Lesson N's grading.json, or nil when it has none.
    public func gradingConfig(lesson: Int) throws -> GradingConfig? {
        let path = "Tests/Lesson\(lesson)Tests/grading.json"
        guard let data = FileManager.default.contents(atPath: root + "/" + path) else { return nil }
        return try GradingConfig.decode(data, file: path)
    }

    /// What Package.swift's target list depends on besides the environment. SwiftPM caches the
    /// evaluated manifest and the build plan without looking at the file system, so when this
    /// changes (a lesson folder appears) the tools drop the cached plan.
    func layoutFingerprint(_ spec: BuildSpec) -> String {
        var items = spec.environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        for n in 1...9 {
            for path in ["Solutions/Lesson\(n)", "Lessons/Lesson\(n)/main.swift", "Tests/Lesson\(n)Tests"]
            where FileManager.default.fileExists(atPath: root + "/" + path) {
                items.append(path)
            }
        }
        return items.joined(separator: "\n") + "\n"
    }

    /// On the exercises track, a lesson whose Exercises folder does not exist yet (Package.swift
    /// would fail with a less helpful message).
    public func missingLessonFolder(_ spec: BuildSpec) -> String? {
        guard spec.environment["TRACK"] == Track.exercises.rawValue, spec.environment["COURSE_LESSON_DIR", default: ""].isEmpty
        else { return nil }
        return lessons.map { "Exercises/Lesson\($0)" }.first { !isDirectory($0) }
    }

    public func bundlePath(_ spec: BuildSpec) -> String {
        "\(root)/\(spec.scratchPath)/debug/\(Workspace.testBundle)"
    }

    /// The swift command and environment for a build. Every build evaluates the manifest anew
    /// (`--manifest-cache none`, half a second): the cached one would not see a new lesson.
    public func swiftCommand(_ subcommand: [String], spec: BuildSpec, release: Bool = false) -> (arguments: [String], environment: [String: String]) {
        var environment = ProcessInfo.processInfo.environment
        for (key, value) in spec.environment { environment[key] = value }
        let fingerprintPath = "\(root)/\(spec.scratchPath)/course-layout.txt"
        let fingerprint = layoutFingerprint(spec)
        let previous = try? String(contentsOfFile: fingerprintPath, encoding: .utf8)
        if previous != fingerprint {
            for plan in ["debug.yaml", "release.yaml"] {
                try? FileManager.default.removeItem(atPath: "\(root)/\(spec.scratchPath)/\(plan)")
            }
            try? FileManager.default.createDirectory(atPath: "\(root)/\(spec.scratchPath)", withIntermediateDirectories: true)
            try? fingerprint.write(toFile: fingerprintPath, atomically: true, encoding: .utf8)
        }
        var arguments = subcommand + ["--scratch-path", spec.scratchPath, "--manifest-cache", "none"]
        if release { arguments += ["-c", "release"] }
        return (arguments, environment)
    }
}

/// Lesson N's Tests/LessonNTests/grading.json: points and a hint per test.
public struct GradingConfig: Codable, Equatable, Sendable {
    public struct Entry: Codable, Equatable, Sendable {
        /// `Class/method`, e.g. `LinearTests/testLinearForward`.
        public var name: String
        public var points: Double
        public var hint: String?
        /// Seconds this test may run (debug build); the lesson's or the default otherwise.
        public var timeLimit: Double?

        public init(name: String, points: Double, hint: String? = nil, timeLimit: Double? = nil) {
            self.name = name
            self.points = points
            self.hint = hint
            self.timeLimit = timeLimit
        }
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
                return GradedTest(id: id, points: entry.points, hint: entry.hint, timeLimit: entry.timeLimit ?? config?.timeLimit)
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
