// Temporary folders and small files for the CourseData tests.

import Foundation
import XCTest

/// A fresh folder under the system temporary directory, removed by `remove()`.
struct DataTempDir {
    let path: String

    init(_ name: String = #function) throws {
        let safe = name.filter { $0.isLetter || $0.isNumber }
        path = NSTemporaryDirectory() + "coursedata-\(safe)-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    /// Writes `bytes` to `relative` (creating folders) and returns the absolute path.
    @discardableResult
    func write(_ relative: String, bytes: [UInt8]) throws -> String {
        let file = "\(path)/\(relative)"
        try FileManager.default.createDirectory(atPath: (file as NSString).deletingLastPathComponent,
                                                withIntermediateDirectories: true)
        guard FileManager.default.createFile(atPath: file, contents: Data(bytes)) else {
            throw NSError(domain: "DataTempDir", code: 1, userInfo: [NSLocalizedDescriptionKey: "cannot write \(file)"])
        }
        return file
    }

    @discardableResult
    func write(_ relative: String, _ text: String) throws -> String {
        try write(relative, bytes: Array(text.utf8))
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }
}

/// Runs `body`, which must throw an InputError, and returns it (failing the test otherwise).
func expectInputError<R>(_ what: String, file: StaticString = #filePath, line: UInt = #line,
                         _ body: () throws -> R) -> InputErrorLike? {
    do {
        _ = try body()
        XCTFail("\(what): expected an InputError, nothing was thrown", file: file, line: line)
    } catch let error as InputErrorLike {
        return error
    } catch {
        XCTFail("\(what): expected an InputError, got \(error)", file: file, line: line)
    }
    return nil
}

import TensorCore
typealias InputErrorLike = InputError

/// Runs `command` with `arguments`, failing when it exits non-zero.
func runTool(_ command: String, _ arguments: [String]) throws {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: command)
    p.arguments = arguments
    try p.run()
    p.waitUntilExit()
    guard p.terminationStatus == 0 else {
        throw NSError(domain: "runTool", code: Int(p.terminationStatus),
                      userInfo: [NSLocalizedDescriptionKey: "\(command) \(arguments) exited \(p.terminationStatus)"])
    }
}
