// A file read through one fixed buffer, plain or compressed: gzip (word vectors, Zhang's
// archives) and bzip2 (Kaggle's train.ft.txt.bz2) are decompressed by /bin/gzip -dc or
// /bin/bzip2 -dc through a pipe, so no compression library is linked. Memory stays at the buffer's size
// whatever the file's size; readers either copy what they keep or look at a line in place.
//
// ByteStream is a struct so that parsers holding it in their own state touch its fields without
// the dynamic exclusivity checks a class's stored properties get (they cost a fifth of the CSV
// reader's time). The file, the decompressing process and the memory belong to a class, ByteSource, that
// frees them when the last copy goes; do not read from two copies of one stream.

import Foundation
import TensorCore

public struct ByteStream {
    /// The path, used in every error message.
    public var path: String { source.path }
    /// Bytes delivered so far (after decompression).
    public private(set) var bytesRead = 0

    let source: ByteSource
    /// Unread bytes are storage[start..<end].
    private(set) var storage: UnsafeMutablePointer<UInt8>
    private(set) var capacity: Int
    var start = 0
    var end = 0
    private(set) var atEOF = false

    /// Opens `path`; a name ending in .gz or .bz2, or a file starting with gzip's or bzip2's
    /// magic bytes, is decompressed on the fly.
    public init(path: String, bufferSize: Int = 1 << 20) throws {
        source = try ByteSource(path: path, capacity: max(bufferSize, 16))
        storage = source.storage
        capacity = source.capacity
    }

    var available: Int { end - start }

    /// Reads more input after the unread bytes, moving them to the front and growing the
    /// buffer only when the unread bytes fill it. Returns false at the end of the input.
    mutating func fill() throws -> Bool {
        if atEOF { return false }
        if start > 0 {
            if end > start { memmove(storage, storage + start, end - start) }
            end -= start
            start = 0
        }
        if end == capacity {
            source.grow(keeping: end)
            storage = source.storage
            capacity = source.capacity
        }
        let n = try source.read(into: storage + end, count: capacity - end)
        if n == 0 {
            atEOF = true
            try source.finish()
            return false
        }
        end += n
        bytesRead += n
        return true
    }

    /// Calls `body` with the next line (without its "\n" or "\r\n"), in place in the buffer:
    /// the pointer is valid only during the call. Returns nil at the end of the input. A last
    /// line without a newline counts as a line.
    public mutating func nextLine<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) throws -> R? {
        var searched = 0
        while true {
            let base = storage + start
            if let hit = memchr(base + searched, 0x0A, available - searched) {
                let length = UnsafeMutableRawPointer(hit) - UnsafeMutableRawPointer(base)
                start += length + 1
                let trimmed = length > 0 && base[length - 1] == 0x0D ? length - 1 : length
                return try body(UnsafeBufferPointer(start: base, count: trimmed))
            }
            searched = available
            if try !fill() {
                guard available > 0 else { return nil }
                let base = storage + start
                let length = available
                start = end
                let trimmed = base[length - 1] == 0x0D ? length - 1 : length
                return try body(UnsafeBufferPointer(start: base, count: trimmed))
            }
        }
    }
}

/// The open file (or decompressor's pipe) and the buffer memory behind a ByteStream.
final class ByteSource {
    let path: String
    private let fd: Int32
    private let ownsDescriptor: Bool
    private let decompressor: Process?
    private let decompressedOutput: Pipe?
    private let decompressorErrors: Pipe?
    private(set) var storage: UnsafeMutablePointer<UInt8>
    private(set) var capacity: Int

    init(path: String, capacity: Int) throws {
        self.path = path
        self.capacity = capacity
        let raw = open(path, O_RDONLY)
        guard raw >= 0 else {
            throw InputError(file: path, "cannot open: \(String(cString: strerror(errno)))")
        }
        var magic: (UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0)
        let n = pread(raw, &magic, 4, 0)
        let gzipped = path.hasSuffix(".gz") || (n >= 2 && magic.0 == 0x1F && magic.1 == 0x8B)
        // "BZh" and a block size digit.
        let bzipped = path.hasSuffix(".bz2") || (n == 4 && magic.0 == 0x42 && magic.1 == 0x5A && magic.2 == 0x68 && (0x31...0x39).contains(magic.3))
        if gzipped || bzipped {
            close(raw)
            let tool = gzipped ? "gzip" : "bzip2"
            let toolPath = ["/bin/\(tool)", "/usr/bin/\(tool)"].first { FileManager.default.isExecutableFile(atPath: $0) }
            guard let toolPath else { throw InputError(file: path, "\(tool)-compressed, but no \(tool) program in /bin or /usr/bin") }
            let process = Process()
            process.executableURL = URL(fileURLWithPath: toolPath)
            process.arguments = ["-dc", path]
            let output = Pipe()
            let errors = Pipe()
            process.standardOutput = output
            process.standardError = errors
            do { try process.run() } catch { throw InputError(file: path, "cannot run \(toolPath): \(error)") }
            decompressor = process
            decompressedOutput = output
            decompressorErrors = errors
            fd = output.fileHandleForReading.fileDescriptor
            ownsDescriptor = false
        } else {
            decompressor = nil
            decompressedOutput = nil
            decompressorErrors = nil
            fd = raw
            ownsDescriptor = true
        }
        storage = .allocate(capacity: capacity)
    }

    deinit {
        if ownsDescriptor { close(fd) }
        if let decompressor, decompressor.isRunning {
            // Stopped early (an error, or a caller that wanted only the first rows).
            decompressor.terminate()
            decompressor.waitUntilExit()
        }
        storage.deallocate()
    }

    /// Doubles the buffer, keeping its first `count` bytes.
    func grow(keeping count: Int) {
        let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity * 2)
        bigger.update(from: storage, count: count)
        storage.deallocate()
        storage = bigger
        capacity *= 2
    }

    /// Up to `count` bytes; 0 at the end of the input.
    func read(into buffer: UnsafeMutablePointer<UInt8>, count: Int) throws -> Int {
        while true {
            let n = Foundation.read(fd, buffer, count)
            if n >= 0 { return n }
            if errno == EINTR { continue }
            throw InputError(file: path, "read failed: \(String(cString: strerror(errno)))")
        }
    }

    /// At the end of the input: a decompressor that failed (a truncated or corrupt file) is an error.
    func finish() throws {
        guard let decompressor else { return }
        let message = decompressorErrors?.fileHandleForReading.readDataToEndOfFile() ?? Data()
        decompressor.waitUntilExit()
        if decompressor.terminationStatus != 0 {
            let text = String(decoding: message, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            let tool = decompressor.executableURL?.lastPathComponent ?? "decompressor"
            throw InputError(file: path, "\(tool) -dc failed with status \(decompressor.terminationStatus): \(text)")
        }
    }
}
