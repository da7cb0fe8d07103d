// The error every loader throws for bad input: which file, which line, what was expected and
// what was found. Its description is the message a user reads.

public struct InputError: Error, CustomStringConvertible, Equatable, Sendable {
    public let file: String
    /// 1-based line (or record) number; nil when the problem is the file as a whole.
    public let line: Int?
    public let message: String

    public init(file: String, line: Int? = nil, _ message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    public var description: String {
        if let line { return "\(file):\(line): \(message)" }
        return "\(file): \(message)"
    }
}
