// The data set a lesson trains on: real IMDB when it is on this machine, otherwise the
// generated reviews, with a message that says so and where the real data is downloaded.

import TensorCore

public enum CourseDatasets {
    /// How many generated reviews a split gets when no limit is asked for.
    public static let generatedSplitSize = 5_000

    /// Real IMDB (official split, see `IMDB.loadOfficialSplit`) when present, else generated
    /// reviews (`GeneratedReviews`, `limitPerSplit ?? generatedSplitSize` a split; train from
    /// `seed`, test from `seed + 1`) and a message naming the official download and where to
    /// put it. Never throws: a broken IMDB file also falls back, and the message says what broke.
    public static func imdbOrGenerated(limitPerSplit: Int? = nil, seed: UInt64 = 0)
        -> (train: [Review], test: [Review], isReal: Bool, message: String)
    {
        do {
            let (train, test) = try IMDB.loadOfficialSplit(limitPerSplit: limitPerSplit)
            return (train, test, true, "IMDB (Maas et al. 2011): \(train.count) training and \(test.count) test reviews.")
        } catch {
            let size = limitPerSplit ?? generatedSplitSize
            let reason: String
            if error is DataUnavailable {
                reason = "IMDB is not on this machine."
            } else {
                reason = "IMDB could not be read (\(error))."
            }
            let message = """
                \(reason) Using \(size) + \(size) generated reviews instead (labels that depend on \
                word order: negation and contrast). \(IMDB.officialDownload)
                """
            return (GeneratedReviews.make(count: size, seed: seed),
                    GeneratedReviews.make(count: size, seed: seed &+ 1), false, message)
        }
    }
}
