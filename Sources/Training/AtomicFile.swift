// Writing a file so that a reader (or a rerun after a crash) sees either the old file or the
// complete new one, never half of each: write a temporary file in the same folder, fsync it,
// rename it over the target (rename is atomic within one file system), then fsync the folder so
// the rename itself survives a power cut.

import Foundation
import TensorCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

public enum AtomicFile {
    /// Replaces `path` with `data` atomically, creating the folder if needed.
    public static func write(_ data: Data, to path: String) throws {
        let url = URL(fileURLWithPath: path)
        let dir = url.deletingLastPathComponent().path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let temporary = "\(dir)/.\(url.lastPathComponent).tmp-\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw InputError(file: temporary, "cannot create: \(String(cString: strerror(errno)))") }
        var ok = true
        var failure = ""
        data.withUnsafeBytes { raw in
            var done = 0
            while done < raw.count {
                let n = Foundation.write(fd, raw.baseAddress! + done, raw.count - done)
                if n < 0 {
                    if errno == EINTR { continue }
                    ok = false; failure = String(cString: strerror(errno)); return
                }
                done += n
            }
        }
        if ok && fsync(fd) != 0 { ok = false; failure = "fsync: " + String(cString: strerror(errno)) }
        close(fd)
        guard ok else {
            unlink(temporary)
            throw InputError(file: path, "cannot write: \(failure)")
        }
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw InputError(file: path, "cannot rename \(temporary) into place: \(reason)")
        }
        let dirfd = open(dir, O_RDONLY)
        if dirfd >= 0 { fsync(dirfd); close(dirfd) }
    }

    /// Writes text (UTF-8) atomically.
    public static func write(_ text: String, to path: String) throws {
        try write(Data(text.utf8), to: path)
    }
}
