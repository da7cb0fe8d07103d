import Foundation
import XCTest
@testable import Grading

/// The pieces of `make student-dist` and grading.json's visibility and hint tiers; the whole
/// edition is built and used by `make test`'s section 4.
final class StudentEditionTests: XCTestCase {
    func testInstructorRegionsGoWithTheirMarkers() throws {
        let text = """
        keep 1
        # BEGIN INSTRUCTOR
        drop (make)
        # END INSTRUCTOR
            // BEGIN INSTRUCTOR
            drop (swift)
            // END INSTRUCTOR
        <!-- BEGIN INSTRUCTOR -->
        drop (markdown)
        <!-- END INSTRUCTOR -->
        a line that mentions BEGIN INSTRUCTOR in passing stays
        keep 2
        """
        XCTAssertEqual(try StudentEdition.withoutInstructorRegions(text, file: "F"),
                       "keep 1\na line that mentions BEGIN INSTRUCTOR in passing stays\nkeep 2")
    }

    func testUnbalancedInstructorMarkersAreErrors() {
        XCTAssertThrowsError(try StudentEdition.withoutInstructorRegions("# BEGIN INSTRUCTOR\nx", file: "Makefile")) { error in
            XCTAssertEqual("\(error)", "Makefile:1: BEGIN INSTRUCTOR without an END INSTRUCTOR")
        }
        XCTAssertThrowsError(try StudentEdition.withoutInstructorRegions("x\n// END INSTRUCTOR", file: "F.swift")) { error in
            XCTAssertEqual("\(error)", "F.swift:2: END INSTRUCTOR without a BEGIN INSTRUCTOR before it")
        }
    }

    private let config = """
    {
      "lesson": 3,
      "title": "T",
      "tests": [
        {"name": "HiddenA/testA", "points": 2, "visibility": "hidden",
         "hint": "a { brace \\" quote"},
        {"name": "VisibleB/testB", "points": 1, "hint": "b",
         "moreHints": ["b2", "b3"]},
        {"name": "HiddenA/testC", "points": 1, "visibility": "after_due_date"},
        {"name": "VisibleB/testD", "points": 1}
      ]
    }

    """

    func testVisibleEntriesKeepTheFileAsWritten() throws {
        let edition = StudentEdition(workspace: Workspace(root: "/nonexistent"))
        let kept = String(decoding: try edition.visibleEntries(of: Data(config.utf8), file: "grading.json"), as: UTF8.self)
        XCTAssertEqual(kept, """
        {
          "lesson": 3,
          "title": "T",
          "tests": [
            {"name": "VisibleB/testB", "points": 1, "hint": "b",
             "moreHints": ["b2", "b3"]},
            {"name": "VisibleB/testD", "points": 1}
          ]
        }

        """)
    }

    func testVisibilityAndHintTiers() throws {
        let decoded = try GradingConfig.decode(Data(config.utf8), file: "grading.json")
        XCTAssertEqual(decoded.tests.map(\.isVisible), [false, true, false, true])
        XCTAssertEqual(decoded.tests[1].hintTiers, ["b", "b2", "b3"])
        XCTAssertEqual(decoded.tests[3].hintTiers, [])
        let reconciled = GradingConfig.reconcile(decoded, lesson: 3, tests: [
            TestID(module: "Lesson3Tests", className: "HiddenA", method: "testA"),
            TestID(module: "Lesson3Tests", className: "VisibleB", method: "testB"),
        ])
        XCTAssertEqual(reconciled.tests.map(\.visibility), ["hidden", "visible"])

        let bad = config.replacingOccurrences(of: "after_due_date", with: "secret")
        XCTAssertThrowsError(try GradingConfig.decode(Data(bad.utf8), file: "grading.json")) { error in
            XCTAssertTrue("\(error)".contains("HiddenA/testC has visibility \"secret\""), "\(error)")
        }
    }

    func testDeclaredClasses() {
        let text = """
        final class HiddenShapesTests: XCTestCase {}
        private struct NotAClass {}
          class Other {}
        // class InAComment is not matched at the start of a line
        """
        XCTAssertEqual(StudentEdition.declaredClasses(text), ["HiddenShapesTests", "Other"])
    }
}
