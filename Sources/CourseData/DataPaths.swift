// Where the data live. Real data sets are shared, read-only and never committed: they are read
// from $COURSE_DATA, or from ../shared/data next to this checkout. Anything derived from them
// (an extracted tarball) goes to data-cache/ inside the checkout, which git ignores.

import Foundation
import TensorCore

public enum DataPaths {
    /// The shared, read-only data folder: $COURSE_DATA when set, else <courseRoot>/../shared/data.
    public static var shared: String {
        if let dir = ProcessInfo.processInfo.environment["COURSE_DATA"], !dir.isEmpty { return dir }
        return URL(fileURLWithPath: courseRoot).deletingLastPathComponent()
            .appendingPathComponent("shared/data").standardizedFileURL.path
    }

    /// The cache for derived files: <courseRoot>/data-cache (git-ignored).
    public static var cache: String {
        "\(courseRoot)/data-cache"
    }

    /// `shared + "/" + relative`, or nil when no such file or folder exists.
    public static func sharedFile(_ relative: String) -> String? {
        let path = "\(shared)/\(relative)"
        return FileManager.default.fileExists(atPath: path) ? path : nil
    }

    /// Extracts a .tar.gz once into `<cacheDirectory>/<name>` and returns that folder.
    ///
    /// tar writes into a fresh temporary folder next to the destination, which is renamed into
    /// place only when tar has succeeded: a killed extraction leaves a `.partial` folder (removed
    /// on the next run), never a half-filled `cache/<name>` that looks finished. An exclusive
    /// lock on `.<name>.lock` makes concurrent processes (the test runner starts one per test)
    /// wait for the first one's extraction instead of repeating it; the kernel drops the lock of
    /// a killed process.
    /// - Parameter excluding: archive members to leave out (tar `--exclude` patterns).
    public static func extractOnce(archive: String, into name: String, excluding: [String] = [],
                                   cacheDirectory: String = DataPaths.cache) throws -> String {
        let fm = FileManager.default
        let cache = cacheDirectory
        let destination = "\(cache)/\(name)"
        if fm.fileExists(atPath: destination) { return destination }
        guard fm.fileExists(atPath: archive) else {
            throw InputError(file: archive, "archive not found")
        }
        try fm.createDirectory(atPath: cache, withIntermediateDirectories: true)
        let lock = open("\(cache)/.\(name).lock", O_CREAT | O_RDWR, 0o644)
        guard lock >= 0 else {
            throw InputError(file: "\(cache)/.\(name).lock", "cannot create the lock file: \(String(cString: strerror(errno)))")
        }
        defer { close(lock) }                      // closing releases the lock
        while flock(lock, LOCK_EX) != 0 && errno == EINTR {}
        if fm.fileExists(atPath: destination) { return destination }   // another process finished it
        // Holding the lock, no one else is extracting: any partial folder is a killed run's.
        for entry in (try? fm.contentsOfDirectory(atPath: cache)) ?? [] where entry.hasPrefix(".\(name).partial-") {
            try? fm.removeItem(atPath: "\(cache)/\(entry)")
        }
        let partial = "\(cache)/.\(name).partial-\(ProcessInfo.processInfo.processIdentifier)-\(UInt32.random(in: 0 ... .max))"
        try fm.createDirectory(atPath: partial, withIntermediateDirectories: true)
        defer { try? fm.removeItem(atPath: partial) }

        let tar = Process()
        tar.executableURL = URL(fileURLWithPath: "/usr/bin/tar")
        tar.arguments = ["-xzf", archive, "-C", partial] + excluding.map { "--exclude=\($0)" }
        let errors = Pipe()
        tar.standardError = errors
        do {
            try tar.run()
        } catch {
            throw InputError(file: archive, "cannot run /usr/bin/tar: \(error)")
        }
        let message = errors.fileHandleForReading.readDataToEndOfFile()
        tar.waitUntilExit()
        guard tar.terminationStatus == 0 else {
            let text = String(decoding: message, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            throw InputError(file: archive, "tar failed with status \(tar.terminationStatus): \(text)")
        }
        guard rename(partial, destination) == 0 else {
            throw InputError(file: destination, "cannot move the extracted archive into place: \(String(cString: strerror(errno)))")
        }
        return destination
    }
}
