// `course test-grader` (make test-grader): the autograder against submissions that try to fool
// it. Each attack is a copy of Solutions/ with one function (or one file) changed the way a
// student could; the suite grades it and checks the score the attack must get: 0 for the tests
// of what was attacked, full points for the rest, no process left behind, results.json written
// by the grader alone and unchanged afterwards, the grader's files unchanged.
//
// Three submissions keep it to three builds:
//   regions   what a student can write in the exercise regions (the normal grader);
//   files     a submission that is hostile as files (links, odd names, a FIFO, extra files);
//   runtime   the same attacks as code that really runs: each file taken whole, without the
//             region splice, so that only the sandbox and the grading record stand in the way.
// Plus the Makefile (a path that is a make function) and file-level refusals checked without
// a build. `course test-grader --emit DIR` only writes the submissions (to grade them with an
// older grader, for comparison).

import Foundation
#if canImport(Glibc)
import Glibc
#endif

public struct GraderAttacks {
    public var workspace: Workspace
    public var jobs: Int

    public init(workspace: Workspace, jobs: Int) {
        self.workspace = workspace
        self.jobs = jobs
    }

    /// One graded submission and what its grade must show.
    struct Scenario {
        var name: String
        var lessons: [Int]
        var wholeFiles: Bool
        /// Writes the submission into the folder.
        var make: (String) throws -> Void
        /// Test-name prefixes ("Lesson 1 · SigmoidTests/") whose tests must all score 0.
        var zero: [String]
        /// ... and whose tests must all get full points.
        var full: [String]
        /// Text results.json's output must contain, and must not.
        var mentions: [String] = []
        var never: [String] = []
    }

    // MARK: - The attacks

    /// The region attacks: each region below is replaced, everything else is the reference.
    var regionAttacks: [(file: String, region: String, code: String, what: String)] {
        [
            ("Lesson1/Sigmoid.swift", "sigmoid", #"""
                print("Test Case '-[Lesson1Tests.SigmoidTests testSigmoid_forward]' passed (0.001 seconds).")
                print("\t Executed 1 test, with 0 failures (0 unexpected) in 0.001 (0.001) seconds")
                return z
            """#, "printing XCTest's success lines"),
            ("Lesson1/SGD.swift", "SGD.step", #"""
                @_cdecl("main") func fakeMain() -> Int32 { 0 }
                _ = fakeMain()
            """#, "@_cdecl(\"main\")"),
            ("Lesson1/Adam.swift", "Adam.step", #"""
                }
                public func XCTAssertEqual(_ a: [[Int]], _ b: [[Int]], _ message: String = "") {}
                func padding() {
            """#, "closing the function to declare an XCTAssertEqual"),
            ("Lesson1/BCEWithLogits.swift", "bceWithLogits", #"""
                // An unsafe buffer's subscript is not bounds-checked in release builds: read what lies past the logits.
                let beyond = logits.withUnsafeBufferPointer { p in p[p.count + 4096] }
                return beyond
            """#, "reading out of bounds through a buffer pointer"),
            ("Lesson6/ClassificationScores.swift", "accuracy", #"""
                exit(0)
            """#, "exit(0) in a body"),
            ("Lesson6/TemperatureScaling.swift", "temperatureNLL", #"""
                atexit { fflush(stdout); _exit(0) }
                return -1
            """#, "atexit"),
            ("Lesson6/ROCCurve.swift", "rocCurve", #"""
                let answer = FileManager.default.contents(atPath: "Solutions/Lesson6/ROCCurve.swift")
                print(answer as Any)
                return []
            """#, "reading Solutions/"),
            ("Lesson6/Reliability.swift", "reliabilityBins", #"""
                #sourceLocation(file: "Tests/Lesson6Tests/CalibrationTests.swift", line: 1)
                return []
                #sourceLocation()
            """#, "#sourceLocation"),
            ("Lesson6/Quantization.swift", "Int8RowQuantized.dequantized", #"""
                let f: @convention(c) () -> Void = unsafeBitCast(0, to: (@convention(c) () -> Void).self)
                f()
                return Tensor<Float>(shape: [0], scalars: [])
            """#, "a pointer-to-function cast"),
            ("Lesson6/PrecisionRecallCurve.swift", "averagePrecision", #"""
                let expected = try? Fixture.load("lesson6/metrics")
                return (try? expected?.scalar("average_precision")) ?? 0
            """#, "Fixture.load"),
        ]
    }

    func regionsScenario() -> Scenario {
        Scenario(
            name: "regions", lessons: [1, 6], wholeFiles: false,
            make: { dir in
                try copyReference(to: dir, lessons: [1, 6])
                for attack in regionAttacks { try replaceRegion(dir + "/" + attack.file, attack.region, with: attack.code) }
                // Outside the regions: a no-op XCTAssertEqual for [[Int]] next to a broken confusionMatrix.
                try replaceRegion(dir + "/Lesson6/ConfusionMatrix.swift", "confusionMatrix", with: "    return [[0]]\n")
                try append(dir + "/Lesson6/ConfusionMatrix.swift", #"""

                    public func XCTAssertEqual(_ a: @autoclosure () throws -> [[Int]], _ b: @autoclosure () throws -> [[Int]],
                                               _ message: @autoclosure () -> String = "", file: StaticString = #filePath, line: UInt = #line) {}
                    """#)
            },
            // The attacked functions' tests (sigmoid's include sigmoidBackward's, which use it).
            zero: ["Lesson 1 · SigmoidTests/", "Lesson 1 · SGDTests/", "Lesson 1 · AdamTests/",
                   "Lesson 1 · BCEWithLogitsTests/testBCEWithLogits_", "Lesson 1 · BCEWithLogitsTests/testBCEWithLogitsBackward_gradientCheck",
                   "Lesson 6 · ConfusionMatrixTests/", "Lesson 6 · ClassificationReportTests/testAccuracy",
                   "Lesson 6 · CalibrationTests/testTemperatureNLL", "Lesson 6 · ROCCurveTests/",
                   "Lesson 6 · PrecisionRecallCurveTests/testAveragePrecision", "Lesson 6 · QuantizationTests/testInt8Dequantize"],
            full: ["Lesson 1 · LinearTests/", "Lesson 1 · NumericalGradientTests/", "Lesson 6 · PrecisionRecallCurveTests/testPrecisionRecallCurve_",
                   "Lesson 6 · ClassificationReportTests/testPerClassScores", "Lesson 6 · QuantizationTests/testInt8Quantize_scalesAndValues"],
            mentions: ["`exit` is not allowed", "`atexit` is not allowed", "`withUnsafeBufferPointer`: unsafe pointers are not allowed", "`FileManager` is not allowed",
                       "`#sourceLocation` is not allowed", "the attribute `@_cdecl` is not allowed", "`Fixture` is not allowed",
                       "closes something opened before your code", "the attribute `@convention` is not allowed",
                       "Lesson6/ConfusionMatrix.swift:"],
            never: ["BEGIN SOLUTION: rocCurve"])
    }

    func filesScenario() -> Scenario {
        Scenario(
            name: "files", lessons: [1, 2, 3], wholeFiles: false,
            make: { dir in
                try copyReference(to: dir, lessons: [1, 2])
                // Lesson 2: a file that is a link to /etc/passwd (its lines would reach the output through the compiler).
                try FileManager.default.removeItem(atPath: dir + "/Lesson2/Padding.swift")
                try FileManager.default.createSymbolicLink(atPath: dir + "/Lesson2/Padding.swift", withDestinationPath: "/etc/passwd")
                // Lesson 3: the folder is a link into the reference.
                try FileManager.default.createSymbolicLink(atPath: dir + "/Lesson3", withDestinationPath: workspace.root + "/Solutions/Lesson3")
            },
            zero: ["Lesson 2 · ", "Lesson 3 · "], full: ["Lesson 1 · "],
            mentions: ["Lesson2/Padding.swift is a symbolic link", "Lesson3 is a symbolic link",
                       "Graded on top of the reference code of lessons 2, 3"],
            never: ["root:x:0:0"])
    }

    /// Whole files, code that really runs: each a Lesson 1 function (or a file of Lesson 2).
    func runtimeScenario(resultsPath: String) -> Scenario {
        let root = workspace.root
        return Scenario(
            name: "runtime", lessons: [1, 2], wholeFiles: true,
            make: { dir in
                try copyReference(to: dir, lessons: [1, 2])
                for file in ["Sigmoid", "Linear", "BCEWithLogits", "SGD", "Adam", "NumericalGradient"] {
                    try addImport(dir + "/Lesson1/\(file).swift", "Foundation")
                }
                try replaceRegion(dir + "/Lesson1/Sigmoid.swift", "sigmoid", with: "    exit(0)\n")
                try replaceRegion(dir + "/Lesson1/Linear.swift", "Linear.forward", with: #"""
                        print("Test Case '-[Lesson1Tests.LinearTests testLinearForward]' passed (0.001 seconds).")
                        print("\t Executed 1 test, with 0 failures (0 unexpected) in 0.001 (0.001) seconds")
                        exit(0)
                    """#)
                // After the test fails, erase what it printed and exit 0.
                try replaceRegion(dir + "/Lesson1/BCEWithLogits.swift", "bceWithLogits", with: #"""
                        atexit { fflush(stdout); ftruncate(1, 0); ftruncate(2, 0); _exit(0) }
                        return 0
                    """#)
                // Write into the course's tests and the grader, then pass by exiting.
                try replaceRegion(dir + "/Lesson1/SGD.swift", "SGD.step", with: #"""
                        for target in ["\#(root)/Tests/Lesson1Tests/SGDTests.swift", "\#(root)/Sources/Grading/Autograder.swift",
                                       "\#(root)/Tests/Fixtures/lesson1/attack.json", "\(courseRoot)/Tests/Fixtures/attack.json"] {
                            if let handle = FileHandle(forWritingAtPath: target) { handle.seekToEndOfFile(); handle.write(Data("// attacked\n".utf8)) }
                            FileManager.default.createFile(atPath: target, contents: Data("// attacked\n".utf8))
                        }
                        exit(0)
                    """#)
                // Read the reference and print it, then pass by exiting.
                try replaceRegion(dir + "/Lesson1/Adam.swift", "Adam.step", with: #"""
                        let stolen = (try? String(contentsOfFile: "\#(root)/Solutions/Lesson1/Adam.swift", encoding: .utf8)) ?? "unreadable"
                        print(stolen)
                        exit(0)
                    """#)
                // Replace the test bundle with a script that exits 0, for every later test.
                try replaceRegion(dir + "/Lesson1/Sigmoid.swift", "sigmoidBackward", with: #"""
                        for bundle in [CommandLine.arguments[0], "\#(root)/.build-grade/debug/LSTMCoursePackageTests.xctest"] {
                            try? FileManager.default.removeItem(atPath: bundle)
                            FileManager.default.createFile(atPath: bundle, contents: Data("#!/bin/sh\nexit 0\n".utf8), attributes: [.posixPermissions: 0o755])
                        }
                        exit(0)
                    """#)
                // A process that leaves the test's process group and rewrites results.json later.
                try replaceRegion(dir + "/Lesson1/Linear.swift", "Linear.backward", with: #"""
                        let script = "sleep 3; echo '{\"score\": 1000}' > '\#(resultsPath)'"
                        let survivor = Process()
                        survivor.executableURL = URL(fileURLWithPath: "/usr/bin/setsid")
                        survivor.arguments = ["sh", "-c", "(\(script)) &"]
                        try? survivor.run()
                        survivor.waitUntilExit()
                        exit(0)
                    """#)
                // Forge the grading record: read the secret from descriptor 4, write a passing record.
                try replaceRegion(dir + "/Lesson1/NumericalGradient.swift", "numericalGradient(of:at:epsilon:)", with: #"""
                        var buffer = [UInt8](repeating: 0, count: 4096)
                        let n = pread(4, &buffer, 4096, 0)
                        let secret = n > 0 ? String(decoding: buffer[0..<min(n, 64)], as: UTF8.self) : String(repeating: "0", count: 64)
                        let name = "NumericalGradientTests.testNumericalGradient_cubic"
                        let forged = "\(secret) ready\n\(secret) start \(name)\n\(secret) finish \(name) 0\n\(secret) end 1\n"
                        _ = forged.withCString { write(4, $0, strlen($0)) }
                        exit(0)
                    """#)
                // A fork bomb and a file-size bomb, then exit 0.
                try replaceRegion(dir + "/Lesson1/BCEWithLogits.swift", "bceWithLogitsBackward", with: #"""
                        for _ in 0..<2000 {
                            let p = Process()
                            p.executableURL = URL(fileURLWithPath: "/bin/sleep")
                            p.arguments = ["30"]
                            if (try? p.run()) == nil { break }
                        }
                        FileManager.default.createFile(atPath: NSTemporaryDirectory() + "/big", contents: Data(count: 200 << 20))
                        exit(0)
                    """#)
                // Lesson 2: @_cdecl("main") replaces XCTest's entry point (a link error in this lesson alone).
                try append(dir + "/Lesson2/Tokenizer.swift", #"""

                    @_cdecl("main") public func fakeMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> Int32 { 0 }
                    """#)
            },
            zero: ["Lesson 1 · SigmoidTests/", "Lesson 1 · LinearTests/testLinearForward", "Lesson 1 · LinearTests/testLinearBackward",
                   "Lesson 1 · BCEWithLogitsTests/", "Lesson 1 · SGDTests/", "Lesson 1 · AdamTests/",
                   "Lesson 1 · NumericalGradientTests/testNumericalGradient_cubic", "Lesson 2 · "],
            full: ["Lesson 1 · LinearTests/testLinearInit_shapesAndRange",
                   "Lesson 1 · NumericalGradientTests/testGradientRelativeError_knownValues"],
            mentions: ["Lesson 2 does not"],
            never: ["BEGIN SOLUTION: Adam.step", "score\": 1000"])
    }

    // MARK: - Running them

    /// Runs every attack; true when each got the score it must.
    public func run(console: Console) throws -> Bool {
        let start = Date()
        var failures: [String] = []
        func check(_ name: String, _ ok: Bool, _ why: @autoclosure () -> String = "") {
            console.print("  \(ok ? console.green("ok  ") : console.red("FAIL")) \(name)")
            if !ok { failures.append("\(name): \(why())"); console.print("       " + why()) }
        }
        let scratch = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: scratch) }

        console.print(console.bold("Grader attacks") + ": submissions that try to fool `course grade`")
        console.print()
        console.print(console.bold("Refused without a build"))
        for (name, ok, why) in try refusalChecks(scratch) { check(name, ok, why) }
        console.print()
        console.print(console.bold("Makefile"))
        let (makeOK, makeWhy) = try makefileCheck(scratch)
        check("make grade SUBMISSION='...$(shell touch ...)' runs nothing", makeOK, makeWhy)

        let resultsFolder = workspace.root + "/out/grader-attacks"
        for scenario in [regionsScenario(), filesScenario(), runtimeScenario(resultsPath: resultsFolder + "/runtime.json")] {
            console.print()
            console.print(console.bold("Submission '\(scenario.name)'") + " (lessons \(scenario.lessons.map(String.init).joined(separator: ", ")))")
            let dir = scratch + "/" + scenario.name
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            try scenario.make(dir)
            let resultsPath = resultsFolder + "/\(scenario.name).json"
            var grader = Autograder(workspace: workspace, submission: dir, resultsPath: resultsPath, jobs: jobs, defaultTimeLimit: 60)
            grader.lessons = scenario.lessons
            grader.wholeFiles = scenario.wholeFiles
            var leftovers = 0
            grader.afterTests = { sandbox in leftovers = sandbox?.leftoverProcesses() ?? 0 }
            let results: GradescopeResults
            do {
                results = try grader.grade(console: Console())
            } catch {
                check("'\(scenario.name)' is graded", false, "\(error)")
                continue
            }
            let written = FileManager.default.contents(atPath: resultsPath)
            for prefix in scenario.zero {
                let tests = results.tests.filter { $0.name.hasPrefix(prefix) }
                check("\(prefix)… scores 0", !tests.isEmpty && tests.allSatisfy { $0.score == 0 },
                      tests.isEmpty ? "no such test" : tests.filter { $0.score != 0 }.map(\.name).joined(separator: ", ") + " scored")
            }
            for prefix in scenario.full {
                let tests = results.tests.filter { $0.name.hasPrefix(prefix) }
                check("\(prefix)… keeps its points", !tests.isEmpty && tests.allSatisfy { $0.score == $0.maxScore },
                      tests.isEmpty ? "no such test" : tests.filter { $0.score != $0.maxScore }.map { "\($0.name): \(firstLine($0.output, max: 160))" }.joined(separator: "; "))
            }
            let text = String(decoding: written ?? Data(), as: UTF8.self)
            for mention in scenario.mentions {
                check("results.json says \"\(mention)\"", text.contains(mention), "not in the output")
            }
            for never in scenario.never {
                check("results.json never shows \"\(never)\"", !text.contains(never), "it does")
            }
            check("no process of the sandbox users is left", leftovers == 0, "\(leftovers) left after the tests")
            // A survivor would rewrite results.json a few seconds after the grade.
            if scenario.name == "runtime" { Thread.sleep(forTimeInterval: 4) }
            check("results.json is the grader's and unchanged", written != nil && FileManager.default.contents(atPath: resultsPath) == written,
                  "results.json changed after the grader wrote it")
            console.print(console.dim("  score \(formatPoints(results.score))/\(formatPoints(results.maxScore))"))
        }
        console.print()
        console.print("\(failures.isEmpty ? console.green("Every attack got the score it must") : console.red("\(failures.count) checks failed")) in \(formatSeconds(Date().timeIntervalSince(start))).")
        return failures.isEmpty
    }

    /// Writes the three submissions to `folder` (to grade them with another grader).
    public func emit(to folder: String) throws {
        for scenario in [regionsScenario(), filesScenario(), runtimeScenario(resultsPath: workspace.root + "/out/grade/results.json")] {
            let dir = folder + "/" + scenario.name
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            try scenario.make(dir)
        }
    }

    /// File-level attacks the intake refuses before any build, each in the lesson it is in.
    func refusalChecks(_ scratch: String) throws -> [(String, Bool, String)] {
        let fm = FileManager.default
        var checks: [(String, Bool, String)] = []
        func refused(_ name: String, lesson: Int, expect: String, _ setUp: (String) throws -> Void) throws {
            let dir = scratch + "/refuse-\(checks.count)"
            try copyReference(to: dir, lessons: [lesson])
            try setUp(dir + "/Lesson\(lesson)")
            let intake = try SubmissionIntake.intake(root: dir, lesson: lesson, workspace: workspace)
            let why = intake.refusal ?? "accepted"
            checks.append(("\(name): Lesson \(lesson) refused", why.contains(expect), why))
        }
        try refused("a symbolic link into Solutions/", lesson: 2, expect: "Lesson2/PCA.swift is a symbolic link") { lesson in
            try fm.removeItem(atPath: lesson + "/PCA.swift")
            try fm.createSymbolicLink(atPath: lesson + "/PCA.swift", withDestinationPath: workspace.root + "/Solutions/Lesson2/PCA.swift")
        }
        try refused("a `\"` in a file name", lesson: 4, expect: #"Lesson4/"a\"b.swift""#) { lesson in
            try "let x = 1\n".write(toFile: lesson + "/a\"b.swift", atomically: false, encoding: .utf8)
        }
        try refused("a newline in a file name", lesson: 4, expect: #"Lesson4/"a\nb.swift""#) { lesson in
            try "let x = 1\n".write(toFile: lesson + "/a\nb.swift", atomically: false, encoding: .utf8)
        }
        try refused("a FIFO", lesson: 5, expect: "Lesson5/pipe.swift is not a regular file") { lesson in
            guard mkfifo(lesson + "/pipe.swift", 0o644) == 0 else { throw GradingError("mkfifo failed") }
        }
        try refused("a file the lesson does not have", lesson: 6, expect: "Lesson6/Extra.swift is not a file of Lesson 6") { lesson in
            try "public func XCTAssertEqual(_ a: [[Int]], _ b: [[Int]]) {}\n".write(toFile: lesson + "/Extra.swift", atomically: false, encoding: .utf8)
        }
        try refused("a link to /etc/passwd", lesson: 5, expect: "Lesson5/passwd.swift is a symbolic link") { lesson in
            try fm.createSymbolicLink(atPath: lesson + "/passwd.swift", withDestinationPath: "/etc/passwd")
        }
        return checks
    }

    /// `make grade` with a path that is a make function and a shell command: nothing runs.
    func makefileCheck(_ scratch: String) throws -> (Bool, String) {
        let marker = scratch + "/make-injection"
        let path = "/nonexistent$(shell touch \(marker))\"; touch \(marker); echo \""
        let make = Subprocess("make", ["-s", "-C", workspace.root, "grade", "SUBMISSION=\(path)"], workingDirectory: workspace.root, timeLimit: 600)
        let result = try make.run()
        let ran = FileManager.default.fileExists(atPath: marker)
        return (!ran && result.output.contains("is not a folder"),
                ran ? "the command in the path ran" : "unexpected output: \(result.output.suffix(300))")
    }

    // MARK: - Making submissions

    func copyReference(to dir: String, lessons: [Int]) throws {
        for lesson in lessons {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: "\(workspace.root)/Solutions/Lesson\(lesson)", toPath: "\(dir)/Lesson\(lesson)")
        }
    }

    /// The lines between `// BEGIN SOLUTION: <region>` and its END replaced by `code`.
    func replaceRegion(_ path: String, _ region: String, with code: String) throws {
        var lines = try String(contentsOfFile: path, encoding: .utf8).components(separatedBy: "\n")
        guard let begin = lines.firstIndex(where: { $0.contains("// BEGIN SOLUTION: \(region) (") || $0.hasSuffix("// BEGIN SOLUTION: \(region)") }),
              let end = lines[begin...].firstIndex(where: { $0.contains("// END SOLUTION") }) else {
            throw GradingError("\(path) has no region \(region)")
        }
        lines.replaceSubrange((begin + 1)..<end, with: code.components(separatedBy: "\n").filter { !$0.isEmpty })
        try lines.joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
    }

    func append(_ path: String, _ text: String) throws {
        try (String(contentsOfFile: path, encoding: .utf8) + text + "\n").write(toFile: path, atomically: true, encoding: .utf8)
    }

    func addImport(_ path: String, _ module: String) throws {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        guard !text.contains("import \(module)\n") else { return }
        try text.replacingOccurrences(of: "import TensorCore\n", with: "import \(module)\nimport TensorCore\n")
            .write(toFile: path, atomically: true, encoding: .utf8)
    }

    func temporaryFolder() throws -> String {
        var template = Array((NSTemporaryDirectory() + "/course-attacks-XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else { throw GradingError("cannot create a temporary folder") }
        return String(cString: made)
    }
}
