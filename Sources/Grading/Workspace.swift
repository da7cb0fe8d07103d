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
    /// The product SwiftPM makes of all the test targets, and its bundle.
    public static let testProduct = "LSTMCoursePackageTests"
    public static let testBundle = testProduct + ".xctest"

    public let root: String

    public init(root: String) { self.root = root }

    /// The file `make student-dist` leaves at the root of a student edition.
    public static let studentEditionMarker = ".student-edition"

    /// The checkout containing `directory`: the nearest folder up with Package.swift and
    /// Solutions/ (or, in the student edition, Exercises/) beside it.
    public static func find(from directory: String = FileManager.default.currentDirectoryPath) throws -> Workspace {
        var url = URL(fileURLWithPath: directory).standardizedFileURL
        while true {
            let fm = FileManager.default
            if fm.fileExists(atPath: url.path + "/Package.swift"),
               fm.fileExists(atPath: url.path + "/Solutions") || fm.fileExists(atPath: url.path + "/Exercises") {
                return Workspace(root: url.path)
            }
            let parent = url.deletingLastPathComponent()
            if parent.path == url.path {
                throw GradingError("not inside the course checkout (no Package.swift with Solutions/ or Exercises/ beside it above \(directory))")
            }
            url = parent
        }
    }

    /// The student edition: no Solutions/, so the lessons are the Exercises folders and there is
    /// no reference to run or grade against (as Package.swift decides).
    public var isStudentEdition: Bool { !isDirectory("Solutions") }

    /// The folder whose LessonN folders say which lessons exist: Solutions, or Exercises in the
    /// student edition.
    public var lessonSource: String { isStudentEdition ? "Exercises" : "Solutions" }

    /// The lessons in the package: as in Package.swift, those whose Solutions folder exists
    /// (Exercises folder in the student edition).
    public var lessons: [Int] {
        (1...9).filter { isDirectory("\(lessonSource)/Lesson\($0)") }
    }

    /// Throws when the reference is needed and this is the student edition.
    public func requireSolutions(for what: String) throws {
        if isStudentEdition {
            throw GradingError("\(what) needs the reference solutions, which the student edition does not include")
        }
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
            for path in ["Solutions/Lesson\(n)", "Exercises/Lesson\(n)", "Lessons/Lesson\(n)/main.swift", "Tests/Lesson\(n)Tests"]
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
