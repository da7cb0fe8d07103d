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

    /// Reads CSV records, maps each through `convert` and hands the review to `body`, with the
    /// bad-row policy: a record that `convert` rejects is skipped whole; a record the CSV parser
    /// rejects is skipped to the end of its line. The result holds the skip count, no reviews.
    static func forEachCSV(_ path: String, policy: BadRowPolicy, skipHeader: ((StreamingCSVReader) throws -> Void)? = nil,
                           convert: (StreamingCSVReader) throws -> Review, body: (Review) throws -> Void) throws -> LoadResult {
        let reader = try StreamingCSVReader(path: path)
        if let skipHeader { try skipHeader(reader) }
        var result = LoadResult()
        var parsed = true
        while true {
            do {
                parsed = false
                guard try reader.nextRecord() else { break }
                parsed = true
                try body(try convert(reader))
            } catch let error as InputError {
                if policy == .fail { throw error }
                result.skip(error)
                if !parsed { try reader.skipRestOfLine() }
            }
        }
        return result
    }

    /// `forEachCSV` keeping the reviews.
    static func csv(_ path: String, policy: BadRowPolicy, skipHeader: ((StreamingCSVReader) throws -> Void)? = nil,
                    convert: (StreamingCSVReader) throws -> Review) throws -> LoadResult {
        var reviews: [Review] = []
        var result = try forEachCSV(path, policy: policy, skipHeader: skipHeader, convert: convert) { reviews.append($0) }
        result.reviews = reviews
        return result
    }
}
