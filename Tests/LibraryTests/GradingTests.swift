import Foundation
import XCTest
@testable import Grading

final class ExerciseGeneratorTests: XCTestCase {
    func testRegionBecomesStubAtTheMarkersIndent() throws {
        let solution = """
        public func f() -> Int {
            // BEGIN SOLUTION: Linear.backward (section 3)
            let x = 1
            return x
            // END SOLUTION
        }

        """
        let exercise = try ExerciseGenerator.exercise(fromSolution: solution, lesson: 1, file: "Solutions/Lesson1/F.swift")
        XCTAssertEqual(exercise, """
        public func f() -> Int {
            unimplemented("Linear.backward", lesson: 1, see: "section 3")
        }

        """)
    }

    func testWhatWithParenthesesAndNoSection() throws {
        let solution = """
          // BEGIN SOLUTION: Linear.init(inputSize:outputSize:rng:) (section 2)
          body()
          // END SOLUTION
        // BEGIN SOLUTION: sigmoid
        body()
        // END SOLUTION
        """
        let exercise = try ExerciseGenerator.exercise(fromSolution: solution, lesson: 4, file: "x.swift")
        XCTAssertEqual(exercise.components(separatedBy: "\n"), [
            #"  unimplemented("Linear.init(inputSize:outputSize:rng:)", lesson: 4, see: "section 2")"#,
            #"unimplemented("sigmoid", lesson: 4)"#,
        ])
    }

    func testTextWithoutRegionsIsUnchangedByteForByte() throws {
        let text = "import TensorCore\n\n// A comment.\nlet x = 1  \n"
        XCTAssertEqual(try ExerciseGenerator.exercise(fromSolution: text, lesson: 1, file: "x.swift"), text)
    }

    func testUnclosedBeginNamesFileAndLine() {
        let text = "a\n// BEGIN SOLUTION: f (section 1)\nb\n"
        XCTAssertThrowsError(try ExerciseGenerator.exercise(fromSolution: text, lesson: 1, file: "Solutions/Lesson1/F.swift")) { error in
            XCTAssertEqual("\(error)", "Solutions/Lesson1/F.swift:2: BEGIN SOLUTION without an END SOLUTION")
        }
    }

    func testStrayEndNamesFileAndLine() {
        let text = "a\nb\n    // END SOLUTION\n"
        XCTAssertThrowsError(try ExerciseGenerator.exercise(fromSolution: text, lesson: 1, file: "G.swift")) { error in
            XCTAssertEqual("\(error)", "G.swift:3: END SOLUTION without a BEGIN SOLUTION before it")
        }
    }

    func testNestedBeginNamesBothLines() {
        let text = "// BEGIN SOLUTION: f\n// BEGIN SOLUTION: g\n// END SOLUTION\n"
        XCTAssertThrowsError(try ExerciseGenerator.exercise(fromSolution: text, lesson: 1, file: "H.swift")) { error in
            XCTAssertTrue("\(error)".hasPrefix("H.swift:2: // BEGIN SOLUTION: g inside the region opened at line 1"), "\(error)")
        }
    }

    func testDriftListsDifferingMissingAndExtraFiles() throws {
        let root = NSTemporaryDirectory() + "/grading-drift-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: root) }
        let fm = FileManager.default
        try fm.createDirectory(atPath: root + "/Solutions/Lesson1", withIntermediateDirectories: true)
        try fm.createDirectory(atPath: root + "/Exercises/Lesson1", withIntermediateDirectories: true)
        let solution = "func f() {\n    // BEGIN SOLUTION: f (section 1)\n    work()\n    // END SOLUTION\n}\n"
        try solution.write(toFile: root + "/Solutions/Lesson1/A.swift", atomically: true, encoding: .utf8)
        try solution.write(toFile: root + "/Solutions/Lesson1/B.swift", atomically: true, encoding: .utf8)
        try "stale".write(toFile: root + "/Exercises/Lesson1/A.swift", atomically: true, encoding: .utf8)
        try "old".write(toFile: root + "/Exercises/Lesson1/Old.swift", atomically: true, encoding: .utf8)

        XCTAssertEqual(try ExerciseGenerator.drift(root: root, lessons: [1]), [
            .differs("Exercises/Lesson1/A.swift"), .missing("Exercises/Lesson1/B.swift"), .extra("Exercises/Lesson1/Old.swift"),
        ])
        try ExerciseGenerator.write(root: root, lessons: [1])
        XCTAssertEqual(try ExerciseGenerator.drift(root: root, lessons: [1]), [])
        XCTAssertEqual(try String(contentsOfFile: root + "/Exercises/Lesson1/B.swift", encoding: .utf8),
                       "// Your copy of Solutions/Lesson1/B.swift (made by `make exercises`): replace each unimplemented(...) line with your code.\n"
                       + "func f() {\n    unimplemented(\"f\", lesson: 1, see: \"section 1\")\n}\n")
        XCTAssertFalse(fm.fileExists(atPath: root + "/Exercises/Lesson1/Old.swift"))
    }
}

final class XCTestOutputTests: XCTestCase {
    func testListParsesOnlyTestLines() {
        let output = """
        Listing 3 tests in debug.xctest:

        LibraryTests.TensorTests/testMatmul
        Lesson1Tests.LinearTests/testLinearForward
        Lesson12Tests.X_Tests/test_b2
        """
        let list = XCTestOutput.testList(output)
        XCTAssertEqual(list.map(\.description), ["LibraryTests.TensorTests/testMatmul",
                                                 "Lesson1Tests.LinearTests/testLinearForward",
                                                 "Lesson12Tests.X_Tests/test_b2"])
        XCTAssertEqual(list.map(\.lesson), [nil, 1, 12])
        XCTAssertEqual(list[1].configName, "LinearTests/testLinearForward")
        XCTAssertNil(TestID("Listing 3 tests in debug.xctest:"))
    }

    func testEqualityFailureReadsAsGotExpected() {
        let output = """
        Test Case 'SigmoidTests.testSigmoid' started at 2026-11-24 18:23:58.164
        /work/main/Tests/Lesson1Tests/SigmoidTests.swift:13: error: SigmoidTests.testSigmoid : XCTAssertEqual failed: ("0.5") is not equal to ("0.25") - sigmoid(0) at index 0
        Test Case 'SigmoidTests.testSigmoid' failed (0.004 seconds)
        """
        let failures = XCTestOutput.failures(output)
        XCTAssertEqual(failures, [TestFailure(file: "/work/main/Tests/Lesson1Tests/SigmoidTests.swift", line: 13,
                                              message: "sigmoid(0) at index 0: got 0.5, expected 0.25")])
    }

    func testMultiLineMessageEndsAtXCTestsNextLine() {
        let output = """
        /r/T.swift:7: error: GradTests.testGrad : XCTAssertTrue failed - gradient check failed for weight (tolerance 1e-06):
        NOT OK weight [2, 3]: relative error 0.5 at [1, 2]
        OK     bias [2]: relative error 1e-09 at [0]
        Test Case 'GradTests.testGrad' failed (0.010 seconds)
        /r/T.swift:9: error: GradTests.testGrad : failed - second
        """
        let failures = XCTestOutput.failures(output)
        XCTAssertEqual(failures.count, 2)
        XCTAssertEqual(failures[0].message, """
        gradient check failed for weight (tolerance 1e-06):
        NOT OK weight [2, 3]: relative error 0.5 at [1, 2]
        OK     bias [2]: relative error 1e-09 at [0]
        """)
        XCTAssertEqual(failures[1], TestFailure(file: "/r/T.swift", line: 9, message: "second"))
    }

    func testOtherAssertionsAreMadePlain() {
        XCTAssertEqual(XCTestOutput.readable(#"XCTAssertEqualWithAccuracy failed: ("1.5") is not equal to ("1.0") +/- ("0.1") - loss"#),
                       "loss: got 1.5, expected 1.0 (± 0.1)")
        XCTAssertEqual(XCTestOutput.readable(#"XCTAssertNil failed: "3" - cache must be empty"#), #"cache must be empty ("3")"#)
        XCTAssertEqual(XCTestOutput.readable(#"failed: caught error: "InputError: bad.csv:3: no label""#),
                       #"caught error: "InputError: bad.csv:3: no label""#)
        XCTAssertEqual(XCTestOutput.readable("something else"), "something else")
    }

    func testStubMessageAndExecutedCount() {
        let output = """

        ✋ Lesson 1: Linear.backward is not written yet (Lesson1/Linear.swift:74).
           Read Lessons/Lesson1/README.md, section 3, then fill it in.
        """
        XCTAssertEqual(XCTestOutput.stubMessage(output), "Lesson 1: Linear.backward is not written yet (Lesson1/Linear.swift:74)")
        XCTAssertEqual(XCTestOutput.executedCount("\t Executed 0 tests, with 0 failures (0 unexpected) in 0.0 (0.0) seconds"), 0)
        XCTAssertEqual(XCTestOutput.executedCount("\t Executed 1 test, with 1 failure (0 unexpected) in 0.004 (0.004) seconds"), 1)
        XCTAssertNil(XCTestOutput.executedCount("no summary"))
    }

    func testCrashSummaryNamesRuntimeMessageAndCourseFrame() {
        let output = """
        Swift/ContiguousArrayBuffer.swift:692: Fatal error: Index out of range
        *** Program crashed: Illegal instruction at 0x00007f0738b6df7f ***
        2 [ra] 0x000055ed specialized Array.subscript.getter + 84 in libswiftSwiftOnoneSupport.so
        3 [ra] 0x000055ed Linear.backward() + 200 in LSTMCoursePackageTests.xctest at /c/Exercises/Lesson1/Linear.swift:31:14
        4 [ra] 0x000055ed test() + 2 in LSTMCoursePackageTests.xctest at /c/Tests/Lesson1Tests/LinearTests.swift:9:5
        """
        XCTAssertEqual(XCTestOutput.crashSummary(output, root: "/c"),
                       "Fatal error: Index out of range (at Exercises/Lesson1/Linear.swift:31)")
        XCTAssertEqual(XCTestOutput.crashSummary("Lesson1/Linear.swift:20: Precondition failed: shape [2] vs [3]", root: "/c"),
                       "Precondition failed: shape [2] vs [3] (at Lesson1/Linear.swift:20)")
    }

    func testClassifyEveryKindOfEnding() {
        let id = TestID(module: "Lesson1Tests", className: "LinearTests", method: "testForward")
        func result(_ t: Termination, _ out: String, verdict: String? = nil) -> TestResult {
            classify(id, ProcessResult(termination: t, output: out, seconds: 0.5), verdict: verdict, root: "/c", timeLimit: 60)
        }
        let passed = result(.exited(0), "\t Executed 1 test, with 0 failures (0 unexpected) in 0.1 (0.1) seconds")
        XCTAssertEqual(passed.status, .passed)
        // Exit 0 and XCTest's success lines are not enough: the grading record decides.
        let forged = result(.exited(0), "\t Executed 1 test, with 0 failures (0 unexpected) in 0.1 (0.1) seconds",
                            verdict: "the test did not finish (the process ended in the middle of it)")
        XCTAssertEqual(forged.status, .failed)
        XCTAssertEqual(forged.summary, "not passed: the test did not finish (the process ended in the middle of it)")
        let exitedAfter = result(.exited(3), "")
        XCTAssertEqual(exitedAfter.status, .failed)
        XCTAssertEqual(exitedAfter.summary, "the test passed, then the process exited with status 3")
        let missing = result(.exited(0), "\t Executed 0 tests, with 0 failures (0 unexpected) in 0.0 (0.0) seconds")
        XCTAssertEqual(missing.status, .failed)
        XCTAssertEqual(missing.summary, "the test bundle has no test Lesson1Tests.LinearTests/testForward (renamed or removed?)")
        let failed = result(.exited(1), #"/c/Tests/Lesson1Tests/LinearTests.swift:12: error: LinearTests.testForward : XCTAssertEqual failed: ("1") is not equal to ("2") - y[0]"#)
        XCTAssertEqual(failed.status, .failed)
        XCTAssertEqual(failed.summary, "y[0]: got 1, expected 2 (Tests/Lesson1Tests/LinearTests.swift:12)")
        let stub = result(.exited(86), "✋ Lesson 1: Linear.forward is not written yet (Lesson1/Linear.swift:59).")
        XCTAssertEqual(stub.status, .unimplemented)
        XCTAssertEqual(stub.summary, "Lesson 1: Linear.forward is not written yet (Lesson1/Linear.swift:59)")
        let crash = result(.signalled(4), "Swift/Array.swift:1: Fatal error: Index out of range")
        XCTAssertEqual(crash.status, .crashed)
        XCTAssertEqual(crash.summary, "crashed (SIGILL, a Swift runtime trap): Fatal error: Index out of range")
        let slow = result(.timedOut, "")
        XCTAssertEqual(slow.status, .timedOut)
        XCTAssertEqual(slow.summary, "did not finish within 60 s (an endless loop?)")
    }
}

final class GradescopeResultsTests: XCTestCase {
    func testEncodesGradescopesKeysAndSums() throws {
        let results = GradescopeResults(tests: [
            .init(name: "Lesson 1 · LinearTests/testForward", score: 2, maxScore: 2, passed: true, output: "Passed in 0.1 s."),
            .init(name: "Lesson 1 · LinearTests/testBackward", score: 0, maxScore: 1.5, passed: false, output: "FAIL: y"),
        ], executionTime: 12.345, output: "Graded Exercises/")
        let json = try JSONSerialization.jsonObject(with: try results.encoded()) as? [String: Any]
        XCTAssertEqual(json?["score"] as? Double, 2)
        XCTAssertEqual(json?["max_score"] as? Double, 3.5)
        XCTAssertEqual(json?["execution_time"] as? Double, 12.3)
        XCTAssertEqual(json?["output"] as? String, "Graded Exercises/")
        let tests = json?["tests"] as? [[String: Any]]
        XCTAssertEqual(tests?.count, 2)
        XCTAssertEqual(Set(tests?[1].keys.map { $0 } ?? []), ["name", "score", "max_score", "status", "output", "visibility"])
        XCTAssertEqual(tests?[1]["status"] as? String, "failed")
        XCTAssertEqual(tests?[1]["max_score"] as? Double, 1.5)
        XCTAssertEqual(tests?[0]["status"] as? String, "passed")
        XCTAssertEqual(tests?[0]["visibility"] as? String, "visible")
        XCTAssertEqual(try JSONDecoder().decode(GradescopeResults.self, from: try results.encoded()), results)
    }
}

final class GradingConfigTests: XCTestCase {
    let json = """
    {"lesson": 1, "title": "Gradients by hand", "timeLimit": 30,
     "tests": [{"name": "LinearTests/testForward", "points": 2, "hint": "y = x W^T + b"},
               {"name": "LinearTests/testGone", "points": 1, "hint": "", "timeLimit": 5}]}
    """

    func testReadsEntries() throws {
        let config = try GradingConfig.decode(Data(json.utf8), file: "g.json")
        XCTAssertEqual(config.lesson, 1)
        XCTAssertEqual(config.title, "Gradients by hand")
        XCTAssertEqual(config.timeLimit, 30)
        XCTAssertEqual(config.tests, [GradingConfig.Entry(name: "LinearTests/testForward", points: 2, hint: "y = x W^T + b"),
                                      GradingConfig.Entry(name: "LinearTests/testGone", points: 1, hint: "", timeLimit: 5)])
    }

    func testMissingTestsGetOnePointAndUnknownEntriesAreReported() throws {
        let config = try GradingConfig.decode(Data(json.utf8), file: "g.json")
        let tests = [TestID("Lesson1Tests.LinearTests/testForward"), TestID("Lesson1Tests.LinearTests/testBackward")].compactMap { $0 }
        let (graded, warnings) = GradingConfig.reconcile(config, lesson: 1, tests: tests)
        XCTAssertEqual(graded.map(\.points), [2, 1])
        XCTAssertEqual(graded.map(\.hint), ["y = x W^T + b", nil])
        XCTAssertEqual(graded.map(\.timeLimit), [30, 30])
        XCTAssertEqual(warnings, [
            "Tests/Lesson1Tests/grading.json does not list LinearTests/testBackward; it counts 1 point",
            "Tests/Lesson1Tests/grading.json lists LinearTests/testGone, which is not a test of Lesson1Tests",
        ])
    }

    func testConfigOfAnotherLessonIsReported() throws {
        let config = try GradingConfig.decode(Data(json.utf8), file: "g.json")
        let (graded, warnings) = GradingConfig.reconcile(config, lesson: 2, tests: [])
        XCTAssertEqual(graded, [])
        XCTAssertEqual(warnings.first, #"Tests/Lesson2Tests/grading.json says "lesson": 1; it belongs to Lesson 2"#)
    }

    func testBadConfigSaysWhere() {
        XCTAssertThrowsError(try GradingConfig.decode(Data(#"{"lesson": 1, "title": "t", "tests": [{"name": "A/b"}]}"#.utf8), file: "g.json")) {
            XCTAssertEqual("\($0)", #"g.json: missing "points" at .tests[0]"#)
        }
        XCTAssertThrowsError(try GradingConfig.decode(Data(#"{"lesson": 1, "title": "t", "tests": [{"name": "A/b", "points": -1}]}"#.utf8), file: "g.json")) {
            XCTAssertEqual("\($0)", "g.json: test A/b has points -1.0; points are >= 0")
        }
    }
}

final class SubprocessTests: XCTestCase {
    func testExitStatusAndOutputAreCaptured() throws {
        let result = try Subprocess("sh", ["-c", "echo out; echo err >&2; exit 86"], workingDirectory: "/tmp").run()
        XCTAssertEqual(result.termination, .exited(86))
        XCTAssertEqual(result.output, "out\nerr\n")
    }

    func testTimeLimitKillsTheWholeProcessGroup() throws {
        let marker = NSTemporaryDirectory() + "/grading-orphan-\(UUID().uuidString)"
        // The child starts a grandchild that would write the marker after 1.5 s.
        let script = "(sleep 1.5; touch \(marker)) & while true; do :; done"
        let start = Date()
        let result = try Subprocess("sh", ["-c", script], workingDirectory: "/tmp", timeLimit: 0.5).run()
        XCTAssertEqual(result.termination, .timedOut)
        XCTAssertLessThan(Date().timeIntervalSince(start), 1.4, "the run must end soon after its limit")
        Thread.sleep(forTimeInterval: 1.5)
        XCTAssertFalse(FileManager.default.fileExists(atPath: marker), "the grandchild outlived the time limit")
    }

    func testSignalIsReported() throws {
        let result = try Subprocess("sh", ["-c", "kill -SEGV $$"], workingDirectory: "/tmp").run()
        XCTAssertEqual(result.termination, .signalled(11))
    }
}

final class UncompiledLessonTests: XCTestCase {
    func testFailingLessonIsTheLowestLessonAnErrorPointsInto() {
        let output = """
        [12/80] Compiling Lesson4 LSTMLayer.swift
        /work/.grade/submission/Lesson4/LSTMLayer.swift:10:5: error: cannot find 'x' in scope
        /work/.grade/submission/Lesson3/LSTMCell.swift:73:27: error: cannot convert value of type 'String' to specified type 'Int'
        /work/.grade/submission/Lesson12/Other.swift:1:1: warning: unused
        error: emit-module command failed with exit code 1
        """
        XCTAssertEqual(Autograder.failingLesson(output, lessons: [1, 2, 3, 4, 5]), 3)
        // A test file that no longer compiles against the student's API counts for its lesson.
        XCTAssertEqual(Autograder.failingLesson("/w/Tests/Lesson2Tests/VocabularyTests.swift:5:1: error: x", lessons: [1, 2, 3]), 2)
        // Lesson1 must not match Lesson12's paths, nor a warning count as an error.
        XCTAssertNil(Autograder.failingLesson("/w/Lesson12/A.swift:1:1: error: x\n/w/Lesson1/B.swift:1:1: warning: y", lessons: [1]))
        XCTAssertNil(Autograder.failingLesson("error: the package manifest is broken", lessons: [1, 2]))
    }
}
