// The text a skip-gram model trains on, as word ids: every review's ids one after the other in
// one flat array, and where each review starts. A window never crosses from one review into the
// next. Ids outside the vocabulary (Lesson 2's <unk>) are left out before this point, as
// word2vec.c leaves out words below its minimum count.

public struct SkipGramCorpus: Sendable {
    /// Every review's ids, concatenated.
    public let tokens: [Int32]
    /// [reviews + 1]: review r is tokens[starts[r] ..< starts[r + 1]].
    public let starts: [Int]

    public var reviewCount: Int { starts.count - 1 }
    public var tokenCount: Int { tokens.count }

    public init(reviews: [[Int32]]) {
        var tokens: [Int32] = []
        tokens.reserveCapacity(reviews.reduce(0) { $0 + $1.count })
        var starts = [0]
        starts.reserveCapacity(reviews.count + 1)
        for review in reviews {
            tokens.append(contentsOf: review)
            starts.append(tokens.count)
        }
        self.tokens = tokens
        self.starts = starts
    }

    /// How often each id 0..<vocabularySize occurs.
    public func counts(vocabularySize: Int) -> [Int] {
        var counts = [Int](repeating: 0, count: vocabularySize)
        for id in tokens { counts[Int(id)] += 1 }
        return counts
    }
}
