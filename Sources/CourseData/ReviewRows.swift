// The loop every row-based loader shares: read a row, turn it into a Review, and on a bad row
// either stop (the default) or count it and go on.

import TensorCore

enum ReviewRows {
    /// Calls `row` until it returns nil (end of input). An InputError from `row` stops the load,
    /// or with `.skip` is counted and `recover` is called to get past the bad input.
    static func collect(policy: BadRowPolicy, limit: Int? = nil, row: () throws -> Review??,
                        recover: (InputError) throws -> Void = { _ in }) throws -> LoadResult {
        var result = LoadResult()
        while limit.map({ result.reviews.count < $0 }) ?? true {
            do {
                guard let next = try row() else { break }
                if let review = next { result.reviews.append(review) }
            } catch let error as InputError {
                if policy == .fail { throw error }
                result.skip(error)
                try recover(error)
            }
        }
        return result
    }

    /// The whole text is whitespace (or nothing).
    static func isBlank(_ text: String) -> Bool {
        !text.contains { !$0.isWhitespace }
    }

    /// Reads CSV records and maps each through `convert`, with the bad-row policy: a record
    /// that `convert` rejects is skipped whole; a record the CSV parser rejects is skipped to
    /// the end of its line.
    static func csv(_ path: String, policy: BadRowPolicy, skipHeader: ((StreamingCSVReader) throws -> Void)? = nil,
                    convert: @escaping (StreamingCSVReader) throws -> Review) throws -> LoadResult {
        let reader = try StreamingCSVReader(path: path)
        if let skipHeader { try skipHeader(reader) }
        var parsed = true
        return try collect(policy: policy, row: {
            parsed = false
            guard try reader.nextRecord() else { return .none }
            parsed = true
            return .some(try convert(reader))
        }, recover: { _ in
            if !parsed { try reader.skipRestOfLine() }
        })
    }
}
