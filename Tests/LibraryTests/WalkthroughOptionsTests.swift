// The walkthroughs' shared command line (Sources/WalkthroughSupport): what `course lesson N
// --smoke` and `make test` pass must give a smoke run whose outputs never land in out/lessonN.

import Foundation
import TensorCore
import WalkthroughSupport
import XCTest

final class WalkthroughOptionsTests: XCTestCase {
    /// The temporary folders smoke runs made, removed after each test.
    private var made: [String] = []

    override func tearDown() {
        for folder in made { try? FileManager.default.removeItem(atPath: folder) }
        super.tearDown()
    }

    private func parse(_ arguments: [String], _ environment: [String: String] = [:]) throws -> WalkthroughOptions {
        let options = try WalkthroughOptions.parse(lesson: 4, arguments: arguments, environment: environment)
        if options.smoke && !arguments.contains("--out") { made.append(options.outputDirectory) }
        return options
    }

    func testWalkthroughOptions_defaultIsTheLessonsOutFolder() throws {
        let options = try parse([])
        XCTAssertFalse(options.smoke)
        XCTAssertEqual(options.outputDirectory, "\(courseRoot)/out/lesson4")
        XCTAssertEqual(options.sized(400, smoke: 40), 400)
    }

    func testWalkthroughOptions_smokeWritesToAFreshTemporaryFolder() throws {
        let a = try parse(["--smoke"]), b = try parse(["--smoke"])
        XCTAssertTrue(a.smoke)
        XCTAssertEqual(a.sized(400, smoke: 40), 40)
        XCTAssertNotEqual(a.outputDirectory, b.outputDirectory, "two smoke runs must not share a folder")
        XCTAssertFalse(a.outputDirectory.hasPrefix(courseRoot + "/out"), "a smoke run must not overwrite out/")
        var isDirectory: ObjCBool = false
        XCTAssertTrue(FileManager.default.fileExists(atPath: a.outputDirectory, isDirectory: &isDirectory) && isDirectory.boolValue)
    }

    func testWalkthroughOptions_environmentAsksForSmokeToo() throws {
        XCTAssertTrue(try parse([], ["COURSE_SMOKE": "1"]).smoke)
        XCTAssertFalse(try parse([], ["COURSE_SMOKE": "0"]).smoke)
        XCTAssertFalse(try parse([], ["COURSE_SMOKE": ""]).smoke)
    }

    func testWalkthroughOptions_outChoosesTheFolder() throws {
        let folder = NSTemporaryDirectory() + "walkthrough-options-\(UUID().uuidString)/nested"
        let options = try parse(["--smoke", "--out", folder])
        XCTAssertTrue(options.smoke)
        XCTAssertEqual(options.outputDirectory, URL(fileURLWithPath: folder).standardizedFileURL.path)
    }

    func testWalkthroughOptions_badArgumentsAreUsageErrors() {
        XCTAssertThrowsError(try parse(["--smok"])) { XCTAssertNotNil(($0 as? WalkthroughUsageError)?.message) }
        XCTAssertThrowsError(try parse(["--out"])) { XCTAssertNotNil(($0 as? WalkthroughUsageError)?.message) }
        XCTAssertThrowsError(try parse(["--help"])) { XCTAssertEqual($0 as? WalkthroughUsageError, WalkthroughUsageError(nil)) }
    }
}
