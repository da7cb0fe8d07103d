// The 50,000 unlabelled IMDB reviews (aclImdb/train/unsup/ID_0.txt) that come with the official
// data set: text for learning word vectors or a language model (Lesson 7). They carry no label
// and no rating, and none of them is a test review.
//
// Found as `imdb/aclImdb/train/unsup/` under the shared data folder, or extracted once into
// `data-cache/imdb-unsup/` from `imdb/aclImdb-unsup.tar.gz` (the shared data's separate archive)
// or from the official `imdb/aclImdb_v1.tar.gz`, which holds them.

import Foundation
import TensorCore

extension IMDB {
    public static let unlabeledDownload = """
        The 50,000 unlabelled IMDB reviews are in the official aclImdb_v1.tar.gz \
        (https://ai.stanford.edu/~amaas/data/sentiment/), folder aclImdb/train/unsup/: put the archive \
        in \(DataPaths.shared)/imdb/ (or set COURSE_DATA to the folder that holds imdb/).
        """

    /// The folder of the unlabelled reviews, extracting an archive on first use.
    /// - Throws: DataUnavailable when no copy is found.
    public static func unlabeledFolder() throws -> String {
        let fm = FileManager.default
        let folder = "\(DataPaths.shared)/imdb"
        let extracted = "\(folder)/aclImdb/train/unsup"
        if fm.fileExists(atPath: extracted) { return extracted }
        let archives = ["\(folder)/aclImdb-unsup.tar.gz", "\(folder)/aclImdb_v1.tar.gz"]
        if let archive = archives.first(where: { fm.fileExists(atPath: $0) }) {
            let dir = try DataPaths.extractOnce(archive: archive, into: "imdb-unsup", excluding: ["aclImdb/test", "aclImdb/train/pos", "aclImdb/train/neg"])
            return "\(dir)/aclImdb/train/unsup"
        }
        let cached = "\(DataPaths.cache)/imdb-unsup/aclImdb/train/unsup"
        if fm.fileExists(atPath: cached) { return cached }
        throw DataUnavailable(dataset: "IMDB unlabelled reviews (aclImdb/train/unsup)", searched: [extracted] + archives,
                              download: unlabeledDownload)
    }

    /// The texts of the unlabelled reviews in the order of their ids, at most `limit` of them.
    /// - Throws: DataUnavailable when they are not there; InputError for a file that is not UTF-8.
    public static func loadUnlabeled(limit: Int? = nil) throws -> [String] {
        let folder = try unlabeledFolder()
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else {
            throw InputError(file: folder, "cannot list the folder")
        }
        var files = names.filter { $0.hasSuffix(".txt") }.map { name -> (id: Int, path: String) in
            (Int(name.split(separator: "_").first ?? "") ?? Int.max, "\(folder)/\(name)")
        }
        files.sort { $0.id != $1.id ? $0.id < $1.id : $0.path < $1.path }
        if let limit, limit < files.count { files.removeLast(files.count - max(0, limit)) }
        let slots = ResultSlots<String>(count: files.count)
        let chunk = 256
        DispatchQueue.concurrentPerform(iterations: (files.count + chunk - 1) / chunk) { c in
            for i in (c * chunk)..<min(files.count, (c + 1) * chunk) {
                do {
                    let bytes = try FileBytes.read(files[i].path)
                    let text = try bytes.withUnsafeBufferPointer { buffer -> String in
                        guard let text = UTF8Text.decode(buffer) else { throw UTF8Text.invalidError(buffer, file: files[i].path, firstLine: 1) }
                        return text
                    }
                    slots.set(i, .success(text))
                } catch let error as InputError {
                    slots.set(i, .failure(error))
                } catch {
                    slots.set(i, .failure(InputError(file: files[i].path, "\(error)")))
                }
            }
        }
        return try slots.values.map { try $0.get() }
    }
}
