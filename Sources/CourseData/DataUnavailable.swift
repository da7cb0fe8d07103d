// Thrown when a data set is not on this machine, as opposed to InputError for a file that is
// there but wrong. Callers catch it to fall back to the generated data set.

public struct DataUnavailable: Error, CustomStringConvertible, Sendable {
    /// The data set, e.g. "IMDB (aclImdb)".
    public let dataset: String
    /// Every place that was looked at.
    public let searched: [String]
    /// Where to get it and where to put it.
    public let download: String

    public init(dataset: String, searched: [String], download: String) {
        self.dataset = dataset
        self.searched = searched
        self.download = download
    }

    public var description: String {
        "\(dataset) not found (looked for \(searched.joined(separator: ", "))). \(download)"
    }
}
