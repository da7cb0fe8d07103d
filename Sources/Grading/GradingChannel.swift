// The grader's side of CourseTesting's GradingRecorder: for one test run, a secret and a record
// file, handed to the test process as two inherited file descriptors, and the verdict read from
// the record afterwards.
//
// The secret goes through a pipe the recorder drains and closes before XCTest starts, so lesson
// code never sees it; the record file is created in the grader's private folder and unlinked at
// once, so nothing can open it by name. A test passes only when every line of the record carries
// the secret and the record shows exactly the one test that was asked for, started and finished
// without a failure, in a run that ended normally. What the process printed or how it exited can
// make a test fail, never pass.

import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

public final class GradingChannel {
    /// The descriptor numbers the test process sees (COURSE_GRADER_CHANNEL=3,4).
    public static let secretDescriptor: Int32 = 3
    public static let recordDescriptor: Int32 = 4
    public static let environmentVariable = "COURSE_GRADER_CHANNEL"

    let secret: String
    /// The read end of the pipe that holds the secret; the child gets it as descriptor 3.
    let secretReader: Int32
    /// The unlinked record file, which the grader reads afterwards.
    let record: Int32
    /// The same file opened write-only and append-only: the child's descriptor 4, which can
    /// neither read the record (and the secret in it) nor rewrite what is already there.
    let recordWriter: Int32

    /// `directory` is a folder only the grader can read (the record file lives there for an
    /// instant); nil makes one in the temporary folder for that instant.
    public init(directory: String?) throws {
        var generator = SystemRandomNumberGenerator()
        secret = (0..<4).map { _ in String(format: "%016llx", generator.next() as UInt64) }.joined()

        var pipeEnds: [Int32] = [0, 0]
        guard pipe(&pipeEnds) == 0 else { throw GradingError("cannot make a pipe: \(String(cString: strerror(errno)))") }
        let bytes = Array((secret + "\n").utf8)
        let written = bytes.withUnsafeBytes { write(pipeEnds[1], $0.baseAddress, $0.count) }
        close(pipeEnds[1])
        guard written == bytes.count else {
            close(pipeEnds[0])
            throw GradingError("cannot write to a pipe: \(String(cString: strerror(errno)))")
        }

        var folder = directory
        if folder == nil {
            var template = Array((NSTemporaryDirectory() + "/course-record-XXXXXX").utf8CString)
            folder = mkdtemp(&template).map { String(cString: $0) }
        }
        let path = (folder ?? NSTemporaryDirectory()) + "/record-\(UUID().uuidString)"
        let fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        let openError = errno
        let writer = fd >= 0 ? open(path, O_WRONLY | O_APPEND | O_CLOEXEC) : -1
        unlink(path)
        if directory == nil, let folder { rmdir(folder) }
        guard fd >= 0, writer >= 0 else {
            close(pipeEnds[0])
            if fd >= 0 { close(fd) }
            throw GradingError("cannot create \(path): \(String(cString: strerror(fd >= 0 ? errno : openError)))")
        }
        // Above the numbers the child will see, and closed on exec: a test started at the same
        // time by another thread must not inherit this one's descriptors.
        secretReader = Self.movedHigh(pipeEnds[0])
        record = Self.movedHigh(fd)
        recordWriter = Self.movedHigh(writer)
    }

    deinit {
        close(secretReader)
        close(record)
        close(recordWriter)
    }

    private static func movedHigh(_ fd: Int32) -> Int32 {
        let high = fcntl(fd, F_DUPFD_CLOEXEC, 10)
        guard high >= 0 else { return fd }
        close(fd)
        return high
    }

    /// The value of COURSE_GRADER_CHANNEL.
    public var environmentValue: String { "\(Self.secretDescriptor),\(Self.recordDescriptor)" }

    /// (descriptor in the grader, number in the child).
    var inherited: [(source: Int32, target: Int32)] {
        [(secretReader, Self.secretDescriptor), (recordWriter, Self.recordDescriptor)]
    }

    /// What the recorder wrote (at most 1 MB).
    public func recordText() -> String {
        var data = [UInt8](repeating: 0, count: 1 << 20)
        let n = data.withUnsafeMutableBytes { pread(record, $0.baseAddress, $0.count, 0) }
        return String(decoding: data.prefix(max(0, n)), as: UTF8.self)
    }

    /// The verdict on `test` from the record: nil when it passed, else why not.
    public func problem(for test: TestID) -> String? {
        Self.problem(record: recordText(), secret: secret, test: test)
    }

    static func problem(record: String, secret: String, test: TestID) -> String? {
        var ready = false, ended: Int?
        var started: [String] = [], finished: [(name: String, issues: Int)] = []
        var issues = 0, skipped = false
        for line in record.split(separator: "\n") {
            guard line.hasPrefix(secret + " ") else {
                return "the test's record has a line the course's test harness did not write"
            }
            let words = line.dropFirst(secret.count + 1).split(separator: " ").map(String.init)
            switch (words.first, words.count) {
            case ("ready", 1): ready = true
            case ("start", 2): started.append(words[1])
            case ("issue", 2): issues += 1
            case ("skip", 2): skipped = true
            case ("finish", 3): finished.append((words[1], Int(words[2]) ?? 1))
            case ("end", 2): ended = Int(words[1])
            default: return "the test's record has a line the course's test harness did not write"
            }
        }
        guard ready else { return "the course's test harness did not start (no record)" }
        guard let name = started.first else { return "the test never started (renamed or removed?)" }
        guard started.count == 1 else { return "\(started.count) tests ran where one was asked for" }
        guard matches(name, test) else { return "the test that ran was \(name), not \(test.configName)" }
        guard let finish = finished.first, finished.count == 1, finish.name == name else {
            return "the test did not finish (the process ended in the middle of it)"
        }
        guard finish.issues == 0, issues == 0 else { return "the test recorded \(max(issues, finish.issues)) failure(s)" }
        guard !skipped else { return "the test was skipped" }
        guard ended == 1 else { return "the test run did not end normally after the test" }
        return nil
    }

    /// XCTest names a test `Class.method` (some versions `Module.Class.method`).
    static func matches(_ name: String, _ test: TestID) -> Bool {
        name == "\(test.className).\(test.method)" || name == "\(test.module).\(test.className).\(test.method)"
    }
}
