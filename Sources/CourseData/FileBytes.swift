// Whole small files as bytes, through POSIX calls: the IMDB tree is 50,000 files of a few KB,
// and per-file overhead (Data, FileHandle) would dominate the time to load it.

import Foundation
import TensorCore

enum FileBytes {
    /// The whole file. Throws InputError when it cannot be opened or read.
    static func read(_ path: String) throws -> [UInt8] {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw InputError(file: path, "cannot open: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw InputError(file: path, "cannot stat: \(String(cString: strerror(errno)))") }
        var bytes = [UInt8](repeating: 0, count: Int(info.st_size))
        var filled = 0
        while filled < bytes.count {
            let n = bytes.withUnsafeMutableBytes { buffer in
                Foundation.read(fd, buffer.baseAddress! + filled, buffer.count - filled)
            }
            if n < 0 {
                if errno == EINTR { continue }
                throw InputError(file: path, "cannot read: \(String(cString: strerror(errno)))")
            }
            if n == 0 { break }    // the file shrank while we read it
            filled += n
        }
        if filled < bytes.count { bytes.removeLast(bytes.count - filled) }
        return bytes
    }
}
