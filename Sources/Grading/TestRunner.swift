// Builds a track's test bundle and runs every test in a process of its own, a few at a time,
// each with a time limit: a trap, a crash or an endless loop costs that one test only. Whether a
// test passed comes from the record CourseTesting's recorder writes through the test's grading
// channel (GradingChannel.swift); the exit status and the output only explain a failure.

import Foundation

public enum TestStatus: String, Sendable {
    case passed, failed, crashed, timedOut, unimplemented

    /// Four letters for tables.
    public var tag: String {
        switch self {
        case .passed: return "PASS"
        case .failed: return "FAIL"
        case .crashed: return "CRSH"
        case .timedOut: return "TIME"
        case .unimplemented: return "TODO"
        }
    }
}

public struct TestResult: Sendable {
    public var id: TestID
    public var status: TestStatus
    /// One line (or a few) saying what went wrong; empty when passed.
    public var summary: String
    /// The run's output without XCTest's bookkeeping, paths relative to the course root.
    public var output: String
    public var seconds: Double
}

/// The exit status of TensorCore's unimplemented() (TensorCore.unimplementedExitCode).
public let stubExitStatus: Int32 = 86

/// Turns one test process's ending and output into a result. `verdict` is the grading record's
/// objection (nil: the record shows the test passed); only a clean record and exit status 0 pass.
/// `lessonDirectory` (Exercises, Solutions, submission) completes the stub's "LessonN/File.swift".
public func classify(_ id: TestID, _ process: ProcessResult, verdict: String?, root: String, timeLimit: Double,
                     lessonDirectory: String? = nil) -> TestResult {
    let output = rewritePaths(XCTestOutput.trimmed(process.output), root: root)
    var result = TestResult(id: id, status: .failed, summary: "", output: output, seconds: process.seconds)
    let failures = XCTestOutput.failures(process.output)
    let firstFailure = failures.first.map { "\(rewritePaths($0.message, root: root)) (\(relativePath($0.file, root: root)):\($0.line))" }
    switch process.termination {
    case .timedOut:
        result.status = .timedOut
        result.summary = "did not finish within \(formatSeconds(timeLimit)) (an endless loop?)"
    case .outputLimit:
        result.status = .crashed
        result.summary = "printed more than 32 MB and was stopped (a print in an endless loop?)"
    case .exited(stubExitStatus):
        result.status = .unimplemented
        result.summary = XCTestOutput.stubMessage(process.output) ?? "reached an unimplemented(...) exercise stub"
        if let dir = lessonDirectory {
            result.summary = result.summary.replacingOccurrences(of: "(Lesson", with: "(\(dir)/Lesson")
        }
    case .exited(0):
        if let failure = firstFailure {
            result.summary = failure
        } else if XCTestOutput.executedCount(process.output) == 0 {
            result.summary = "the test bundle has no test \(id) (renamed or removed?)"
        } else if let verdict {
            result.summary = "not passed: \(verdict)"
        } else {
            result.status = .passed
        }
    case .exited(let code):
        result.summary = firstFailure ?? (verdict == nil
            ? "the test passed, then the process exited with status \(code)"
            : "the test process exited with status \(code)")
    case .signalled(let signal):
        result.status = .crashed
        let why = XCTestOutput.crashSummary(process.output, root: root).map { rewritePaths($0, root: root) }
        result.summary = "crashed (\(signalName(signal)))" + (why.map { ": \($0)" } ?? "")
        if let failure = firstFailure { result.summary += "; before that: \(failure)" }
    }
    return result
}

/// Absolute paths inside the checkout made relative, the submission copy named as such.
func rewritePaths(_ text: String, root: String) -> String {
    text.replacingOccurrences(of: root + "/" + Workspace.submissionDirectory + "/", with: "submission/")
        .replacingOccurrences(of: root + "/", with: "")
}

public func formatSeconds(_ s: Double) -> String {
    s < 10 ? String(format: "%.1f s", s) : String(format: "%.0f s", s)
}

public struct BuildResult: Sendable {
    public var succeeded: Bool
    public var output: String
    public var seconds: Double

    /// The compiler's errors with their source lines, paths relative to the root: what a
    /// student needs from a failed build, without SwiftPM's progress lines.
    public func errors(root: String) -> String {
        var kept: [String] = []
        var keepContext = false
        for line in output.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if line.contains("error:") {
                // SwiftPM's "emit-module command failed" lines only repeat that something failed.
                if line.hasPrefix("error: "), line.contains("command failed with exit code") { keepContext = false; continue }
                if kept.contains(line) { keepContext = false; continue }  // SwiftPM repeats some
                kept.append(line)
                keepContext = true
            } else if keepContext, line.hasPrefix(" ") || line.hasPrefix("\t") || line.first?.isNumber == true {
                kept.append(line)
            } else {
                keepContext = false
            }
        }
        let text = kept.isEmpty ? String(output.suffix(4000)) : kept.joined(separator: "\n")
        return rewritePaths(text, root: root)
    }
}

public struct TestRunner: Sendable {
    public var workspace: Workspace
    public var spec: BuildSpec
    /// Tests run at once (one process each).
    public var jobs: Int
    public var defaultTimeLimit: Double
    /// Seconds the build may take (a submission can make the compiler work for ever).
    public var buildTimeLimit: Double?
    /// Where graded tests run (course grade); nil runs them in the checkout (course check, selftest).
    public var sandbox: Sandbox?

    public init(workspace: Workspace, spec: BuildSpec, jobs: Int = 2, defaultTimeLimit: Double = 60) {
        self.workspace = workspace
        self.spec = spec
        self.jobs = max(1, jobs)
        self.defaultTimeLimit = defaultTimeLimit
    }

    /// Builds this spec: with `everything`, every target (walkthroughs and tools too, as
    /// `swift build --build-tests`); without, only the test bundle, which is all that checking
    /// and grading need (a walkthrough that does not compile then costs no points).
    /// `progress` gets SwiftPM's latest "[12/125] Compiling ..." line now and then.
    public func build(everything: Bool = false, progress: ((String) -> Void)? = nil) throws -> BuildResult {
        if let missing = workspace.missingLessonFolder(spec) {
            return BuildResult(succeeded: false, output: "error: \(missing) is missing (Solutions has it): run `make exercises`", seconds: 0)
        }
        let what = everything ? ["--build-tests"] : ["--product", Workspace.testProduct]
        let command = workspace.swiftCommand(["build"] + what, spec: spec)
        let process = Subprocess("swift", command.arguments, environment: command.environment,
                                 workingDirectory: workspace.root, timeLimit: buildTimeLimit)
        var lastShown = Date.distantPast
        let result = try process.run { path in
            guard let progress, Date().timeIntervalSince(lastShown) > 0.5 else { return }
            lastShown = Date()
            if let line = lastProgressLine(path) { progress(line) }
        }
        var output = result.output
        if result.termination == .timedOut, let limit = buildTimeLimit {
            output += "\nerror: the build did not finish within \(formatSeconds(limit)) and was stopped"
        }
        return BuildResult(succeeded: result.termination == .exited(0), output: output, seconds: result.seconds)
    }

    /// The tests the built bundle holds.
    public func listTests() throws -> [TestID] {
        let process = Subprocess(workspace.bundlePath(spec), ["--list-tests"], environment: testEnvironment(),
                                 workingDirectory: workspace.root, timeLimit: 60)
        let result = try process.run()
        guard result.termination == .exited(0) else {
            throw GradingError("listing the tests of \(workspace.bundlePath(spec)) failed (\(result.termination)):\n\(result.output.suffix(2000))")
        }
        return XCTestOutput.testList(result.output).sorted()
    }

    func testEnvironment() -> [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["COURSE_ROOT"] = workspace.root
        // Two tests run at once on two cores: BLAS threads of their own would only contend.
        if environment["OPENBLAS_NUM_THREADS"] == nil { environment["OPENBLAS_NUM_THREADS"] = "1" }
        // A crash report of the crashed thread only: enough to find the line, short to read.
        environment["SWIFT_BACKTRACE"] = "enable=yes,interactive=no,color=no,threads=crashed,registers=none,images=none,limit=24"
        return environment
    }

    /// Runs each test alone, `jobs` at a time; `onResult` is called (serially) as each ends.
    public func run(_ tests: [(id: TestID, timeLimit: Double?)],
                    onResult: ((TestResult) -> Void)? = nil) -> [TestResult] {
        let bundle = workspace.bundlePath(spec)
        let environment = sandbox.map { sandboxEnvironment($0) } ?? testEnvironment()
        let lock = NSLock()
        var next = 0
        var results = [TestResult?](repeating: nil, count: tests.count)
        DispatchQueue.concurrentPerform(iterations: min(jobs, max(tests.count, 1))) { slot in
            while true {
                lock.lock()
                let index = next
                next += 1
                lock.unlock()
                guard index < tests.count else { return }
                let (id, limit) = tests[index]
                let timeLimit = limit ?? defaultTimeLimit
                let result: TestResult
                do {
                    result = try runOne(id, bundle: bundle, slot: slot, timeLimit: timeLimit, environment: environment)
                } catch {
                    result = TestResult(id: id, status: .crashed, summary: "could not run: \(error)", output: "", seconds: 0)
                }
                lock.lock()
                results[index] = result
                onResult?(result)
                lock.unlock()
            }
        }
        return results.compactMap { $0 }
    }

    /// One test in a process of its own, with its own grading channel (in the sandbox if any).
    private func runOne(_ id: TestID, bundle: String, slot: Int, timeLimit: Double,
                        environment: [String: String]) throws -> TestResult {
        let channel = try GradingChannel(directory: sandbox?.privateDirectory)
        var environment = environment
        environment[GradingChannel.environmentVariable] = channel.environmentValue
        var process: Subprocess
        var sandboxed: Sandbox.Command?
        if let sandbox {
            let command = try sandbox.command([id.description], slot: slot, timeLimit: timeLimit, environment: environment)
            sandboxed = command
            process = Subprocess(command.executable, command.arguments, environment: command.environment,
                                 workingDirectory: command.workingDirectory, timeLimit: timeLimit)
        } else {
            process = Subprocess(bundle, [id.description], environment: environment,
                                 workingDirectory: workspace.root, timeLimit: timeLimit)
        }
        process.inherited = channel.inherited
        defer { if let sandboxed { sandbox?.finish(sandboxed) } }
        let ended = try process.run()
        return classify(id, ended, verdict: channel.problem(for: id), root: workspace.root, timeLimit: timeLimit,
                        lessonDirectory: spec.lessonDirectory)
    }

    /// What a sandboxed test sees of the grader's environment: nothing but what it needs.
    func sandboxEnvironment(_ sandbox: Sandbox) -> [String: String] {
        let mine = ProcessInfo.processInfo.environment
        var environment: [String: String] = [
            "PATH": "/usr/bin:/bin",
            "LANG": "C.UTF-8",
            "OPENBLAS_NUM_THREADS": mine["OPENBLAS_NUM_THREADS"] ?? "1",
            "SWIFT_BACKTRACE": "enable=yes,interactive=no,color=no,threads=crashed,registers=none,images=none,limit=24",
        ]
        for key in ["LD_LIBRARY_PATH", "OPENBLAS_CORETYPE", HiddenTestSeed.variable] { environment[key] = mine[key] }
        return environment
    }
}

private func lastProgressLine(_ path: String) -> String? {
    guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
    defer { try? handle.close() }
    let size = (try? handle.seekToEnd()) ?? 0
    try? handle.seek(toOffset: size > 4096 ? size - 4096 : 0)
    let tail = String(decoding: handle.readDataToEndOfFile(), as: UTF8.self)
    return tail.split(separator: "\n").last(where: { $0.hasPrefix("[") }).map(String.init)
}
