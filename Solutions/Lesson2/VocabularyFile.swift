// Lesson 2, section 3.4: a vocabulary saved as JSON and loaded back, checked entry by entry
// (Vocabulary.problem) so that a damaged file is an error that names it, never a wrong model.

import Foundation
import TensorCore

extension Vocabulary {
    /// Writes the vocabulary as JSON, atomically (a crash never leaves half a file).
    public func save(to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try encoder.encode(self).write(to: URL(fileURLWithPath: path), options: .atomic)
    }

    /// Reads a vocabulary written by `save`. A missing, truncated or inconsistent file throws
    /// an `InputError` that names the file and says what is wrong.
    public static func load(from path: String) throws -> Vocabulary {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw InputError(file: path, "cannot read the vocabulary file (missing or unreadable)")
        }
        do {
            return try JSONDecoder().decode(Vocabulary.self, from: data)
        } catch let error as DecodingError {
            throw InputError(file: path, "not a valid vocabulary file: \(describe(error))")
        }
    }

    private static func describe(_ error: DecodingError) -> String {
        switch error {
        case .dataCorrupted(let context):
            return context.debugDescription + (context.underlyingError.map { " (\($0.localizedDescription))" } ?? "")
        case .keyNotFound(let key, _):
            return "the field '\(key.stringValue)' is missing"
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            let field = context.codingPath.map(\.stringValue).joined(separator: ".")
            return "field '\(field)': \(context.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }
}
