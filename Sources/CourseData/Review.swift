// One labelled review, whatever file it came from. Every loader in CourseData returns these,
// so a lesson can switch between IMDB, Amazon and the generated set without other changes.

import TensorCore

public struct Review: Sendable, Equatable {
    /// The review as written (HTML such as `<br />` kept: cleaning is Lesson 2's job). For Amazon
    /// the title and the body are joined as "Title: body", as the fastText files have them.
    public var text: String
    /// 0 negative, 1 positive.
    public var label: Int
    /// IMDB's 1-10 star rating from the file name `ID_RATING.txt`; nil where a format has none.
    public var rating: Int?
    /// Where it came from: "path" for one file a review, "path:line" for a row of a larger file.
    public var source: String
    /// What the review is about, where a format says (IMDB: the film's title id, "tt0111161"):
    /// reviews of one film share words no other film's reviews have (its title, its cast), so
    /// a validation split that is to judge reviews of other films keeps each film on one side.
    public var subject: String?

    public init(text: String, label: Int, rating: Int? = nil, source: String, subject: String? = nil) {
        self.text = text
        self.label = label
        self.rating = rating
        self.source = source
        self.subject = subject
    }
}

/// What a loader returns when asked to skip bad rows instead of stopping at the first one.
public struct LoadResult: Sendable {
    public var reviews: [Review]
    /// How many rows were skipped (malformed, unknown label, empty text, invalid UTF-8).
    public var skipped: Int
    /// The first few problems, each with its file and line, so a report can show what was wrong.
    public var problems: [InputError]

    public init(reviews: [Review] = [], skipped: Int = 0, problems: [InputError] = []) {
        self.reviews = reviews
        self.skipped = skipped
        self.problems = problems
    }

    /// How many problems are kept for the report; the count goes on past it.
    public static let keptProblems = 20

    mutating func skip(_ problem: InputError) {
        skipped += 1
        if problems.count < Self.keptProblems { problems.append(problem) }
    }
}

/// What to do with a row that cannot be read. The default stops: a wrong label must never pass
/// silently. `.skip` is the explicit opt-in for large scraped files, and the count is reported.
public enum BadRowPolicy: Sendable {
    case fail
    case skip
}
