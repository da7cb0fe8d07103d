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
    /// on the next run), never a half-filled `cache/<name>` that looks finished. Two processes
    /// extracting at once both finish; the second rename fails and its copy is deleted.
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
        removeStalePartials(of: name, in: cache)
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
        if rename(partial, destination) != 0 {
            // Someone else finished first; theirs is complete, so use it.
            guard fm.fileExists(atPath: destination) else {
                throw InputError(file: destination, "cannot move the extracted archive into place: \(String(cString: strerror(errno)))")
            }
        }
        return destination
    }

    /// Partial folders left by extractions that were killed more than an hour ago. A younger one
    /// may belong to a process that is still running, so it is left alone.
    private static func removeStalePartials(of name: String, in cache: String) {
        let fm = FileManager.default
        guard let entries = try? fm.contentsOfDirectory(atPath: cache) else { return }
        for entry in entries where entry.hasPrefix(".\(name).partial-") {
            let path = "\(cache)/\(entry)"
            if let modified = (try? fm.attributesOfItem(atPath: path))?[.modificationDate] as? Date,
               Date().timeIntervalSince(modified) > 3600 {
                try? fm.removeItem(atPath: path)
            }
        }
    }
}
