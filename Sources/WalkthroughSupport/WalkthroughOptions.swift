// What every walkthrough (`make lessonN`, Lessons/LessonN/main.swift) accepts on its command line:
//
//   --smoke        a quick run that still goes through every section and writes every chart and
//                  metrics file: a few hundred reviews, one epoch, tiny models. Its figures mean
//                  nothing; it exists so that `make test` can run every walkthrough in a minute or
//                  two and catch one that crashes. COURSE_SMOKE=1 in the environment does the same.
//   --out DIR      where the charts and metrics go (default: out/lessonN; for a smoke run a fresh
//                  temporary folder, so that a smoke run never overwrites the real figures).
//
// `course lesson N --smoke` passes --smoke on; `course selftest` passes both.

import Foundation
import TensorCore

public struct WalkthroughOptions: Sendable, Equatable {
    public var lesson: Int
    public var smoke: Bool
    /// The folder for charts and metrics, absolute (`fromCommandLine` creates it).
    public var outputDirectory: String

    /// The environment variable that asks for a smoke run, as --smoke does.
    public static let smokeVariable = "COURSE_SMOKE"

    public static func usage(lesson: Int) -> String {
        """
        usage: Lesson\(lesson)Walkthrough [--smoke] [--out DIR]
          --smoke     a quick run through every section (tiny data and models); also COURSE_SMOKE=1
          --out DIR   where charts and metrics go (default out/lesson\(lesson); smoke runs: a temporary folder)
        """
    }

    /// Reads `arguments` (without the program name) and `environment`. A smoke run without --out
    /// gets a new, empty temporary folder; other folders are left to `fromCommandLine` to create.
    public static func parse(lesson: Int, arguments: [String], environment: [String: String]) throws(WalkthroughUsageError) -> WalkthroughOptions {
        var smoke = isSet(environment[smokeVariable])
        var out: String?
        var rest = arguments[...]
        while let argument = rest.popFirst() {
            switch argument {
            case "--smoke":
                smoke = true
            case "--out":
                guard let dir = rest.popFirst(), !dir.isEmpty else { throw WalkthroughUsageError("--out needs a folder") }
                out = dir
            case "-h", "--help":
                throw WalkthroughUsageError(nil)
            default:
                throw WalkthroughUsageError("unknown argument '\(argument)'")
            }
        }
        let directory: String
        if let out {
            directory = URL(fileURLWithPath: out, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
                .standardizedFileURL.path
        } else if smoke {
            directory = try temporaryFolder(lesson: lesson)
        } else {
            directory = "\(courseRoot)/out/lesson\(lesson)"
        }
        return WalkthroughOptions(lesson: lesson, smoke: smoke, outputDirectory: directory)
    }

    /// The options of this process, its output folder created; on a bad command line prints the
    /// usage and exits (status 2).
    public static func fromCommandLine(lesson: Int) -> WalkthroughOptions {
        // The kernels make would choose, when started by hand (NativeBLASKernels says why).
        NativeBLASKernels.relaunchIfNeeded()
        let options: WalkthroughOptions
        do {
            options = try parse(lesson: lesson, arguments: Array(CommandLine.arguments.dropFirst()),
                                environment: ProcessInfo.processInfo.environment)
        } catch {
            guard let message = error.message else {
                print(usage(lesson: lesson))
                exit(0)
            }
            stop(lesson: lesson, message + "\n" + usage(lesson: lesson))
        }
        do {
            try FileManager.default.createDirectory(atPath: options.outputDirectory, withIntermediateDirectories: true)
        } catch {
            stop(lesson: lesson, "cannot create the output folder \(options.outputDirectory): \(error)")
        }
        if options.smoke {
            print("Smoke run: tiny data and models, every section once; the figures mean nothing. Outputs: \(options.outputDirectory)")
        }
        return options
    }

    private static func stop(lesson: Int, _ message: String) -> Never {
        FileHandle.standardError.write(Data("Lesson\(lesson)Walkthrough: \(message)\n".utf8))
        exit(2)
    }

    /// `full` in a normal run, `smoke` in a smoke run: `walkthrough.sized(5, smoke: 1)` epochs.
    public func sized<T>(_ full: T, smoke small: T) -> T { smoke ? small : full }

    private static func isSet(_ value: String?) -> Bool {
        guard let value, !value.isEmpty else { return false }
        return value != "0"
    }

    /// A new, empty folder under the system's temporary folder.
    private static func temporaryFolder(lesson: Int) throws(WalkthroughUsageError) -> String {
        var template = Array("\(NSTemporaryDirectory())course-smoke-lesson\(lesson)-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else {
            throw WalkthroughUsageError("cannot create a temporary folder in \(NSTemporaryDirectory())")
        }
        return URL(fileURLWithPath: String(cString: made)).standardizedFileURL.path
    }
}

/// A bad walkthrough command line; `message` nil means --help was asked for.
public struct WalkthroughUsageError: Error, Equatable {
    public var message: String?
    public init(_ message: String?) { self.message = message }
}
