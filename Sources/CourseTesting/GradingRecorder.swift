// The course's own record of a graded test run, which the autograder trusts instead of the test
// process's exit status or output (lesson code runs in that process and could fake either).
//
// `course grade` and `course check` start each test bundle with COURSE_GRADER_CHANNEL=<in>,<out>:
// two inherited file descriptors. <in> holds a secret the grader made for this one run; <out> is
// where the record goes. Before XCTest's main runs (CourseTestingStartup's constructor calls
// `course_testing_start`), the recorder reads the secret, closes <in>, removes the variable from
// the environment and marks <out> close-on-exec. From then on the secret lives only in this
// object, and every record line starts with it:
//
//     <secret> ready
//     <secret> start LinearTests.testLinearForward
//     <secret> issue LinearTests.testLinearForward        (one per failed assertion)
//     <secret> skip LinearTests.testLinearForward
//     <secret> finish LinearTests.testLinearForward 0     (assertion failures counted here)
//     <secret> end 1                                      (tests started in the whole run)
//
// The grader passes a test only when the record shows exactly that one test, started and
// finished with no failure, and a run that ended normally. Without the variable (swift test,
// Xcode) the recorder does nothing.

import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Called once by CourseTestingStartup's constructor when the bundle is loaded.
@_cdecl("course_testing_start")
public func courseTestingStart() {
    GradingRecorder.startIfGrading()
}

final class GradingRecorder: XCTestObservation {
    /// The environment variable that names the two descriptors (the grader sets it).
    static let channelVariable = "COURSE_GRADER_CHANNEL"

    private let secret: String
    private let output: Int32
    private var issues = 0
    private var started = 0

    private init(secret: String, output: Int32) {
        self.secret = secret
        self.output = output
    }

    static func startIfGrading() {
        guard let raw = getenv(channelVariable) else { return }
        let value = String(cString: raw)
        unsetenv(channelVariable)
        let descriptors = value.split(separator: ",").compactMap { Int32($0) }
        guard descriptors.count == 2, descriptors[0] > 2, descriptors[1] > 2 else { return }
        let secret = readAll(descriptors[0])
        close(descriptors[0])
        // A malformed secret means no record at all, which the grader reads as "not passed".
        guard secret.count >= 32, secret.allSatisfy({ $0.isHexDigit }) else { return }
        _ = fcntl(descriptors[1], F_SETFD, FD_CLOEXEC)
        let recorder = GradingRecorder(secret: secret, output: descriptors[1])
        XCTestObservationCenter.shared.addTestObserver(recorder)
        recorder.record("ready")
    }

    private static func readAll(_ fd: Int32) -> String {
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 256)
        while bytes.count < 1024 {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            bytes += buffer[0..<n]
        }
        return String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// One line, written at once (unbuffered): what was recorded survives a crash after it.
    private func record(_ event: String) {
        let line = Array("\(secret) \(event)\n".utf8)
        var offset = 0
        while offset < line.count {
            let n = line[offset...].withUnsafeBytes { write(output, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return }
            offset += n
        }
    }

    /// `LinearTests.testLinearForward`: the name without spaces or newlines, whatever XCTest gives.
    private func name(_ testCase: XCTestCase) -> String {
        String(testCase.name.map { $0.isWhitespace ? "_" : $0 })
    }

    func testCaseWillStart(_ testCase: XCTestCase) {
        started += 1
        issues = 0
        record("start \(name(testCase))")
    }

    func testCase(_ testCase: XCTestCase, didFailWithDescription description: String, inFile filePath: String?, atLine lineNumber: Int) {
        issues += 1
        record("issue \(name(testCase))")
    }

    func testCaseDidFinish(_ testCase: XCTestCase) {
        // A skipped test proved nothing.
        if testCase.testRun?.hasBeenSkipped ?? false { record("skip \(name(testCase))") }
        record("finish \(name(testCase)) \(issues)")
    }

    func testBundleDidFinish(_ testBundle: Bundle) {
        record("end \(started)")
    }
}
