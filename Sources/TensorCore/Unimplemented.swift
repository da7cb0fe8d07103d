// What an exercise stub calls. It stops the program with a message that says what to write
// and where to read about it, and a distinctive exit status the course tools recognise.

import Foundation

/// Exit status of a program that reached an unfinished exercise.
public let unimplementedExitCode: Int32 = 86

/// Marks an exercise the student has not written yet. Never returns.
public func unimplemented(_ what: String, lesson: Int, see section: String = "",
                          file: StaticString = #fileID, line: UInt = #line) -> Never {
    let whereToRead = "Lessons/Lesson\(lesson)/README.md" + (section.isEmpty ? "" : ", \(section)")
    let message = """

    ✋ Lesson \(lesson): \(what) is not written yet (\(file):\(line)).
       Read \(whereToRead), then fill it in.
       \(referenceAdvice(lesson: lesson))

    """
    // Whatever the program printed before must come first, also when stdout is a pipe or a log.
    fflush(stdout)
    FileHandle.standardError.write(Data(message.utf8))
    exit(unimplementedExitCode)
}

/// Where to watch the reference run; the student edition (no Solutions/ beside Sources/) has none.
private func referenceAdvice(lesson: Int, source: String = #filePath) -> String {
    let root = URL(fileURLWithPath: source).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    return FileManager.default.fileExists(atPath: root.appendingPathComponent("Solutions").path)
        ? "To watch the reference instead: make lesson\(lesson) TRACK=solutions"
        : "(The student edition has no reference to watch: the README shows what the finished lesson prints.)"
}
