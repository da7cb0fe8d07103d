// CourseData: the data sets the lessons train on, and the plumbing between files and batches.
// No tokenizer or vocabulary here: those are Lesson 2's student code.
//
// Where the data is
//   DataPaths.shared           $COURSE_DATA or ../shared/data (read-only, never committed)
//   DataPaths.cache            data-cache/ in the checkout (git-ignored), for extracted archives
//   DataUnavailable            thrown when a data set is absent; InputError when a file is bad
//
// Data sets (every loader returns [Review]: text, label 0/1, IMDB rating, source "path:line")
//   IMDB.loadOfficialSplit     aclImdb 25k/25k from the shared tarball, extracted once
//   IMDB.loadDirectory         any aclImdb/ tree;  IMDB.loadKaggleCSV: "IMDB Dataset.csv"
//   Amazon.loadCSV             Zhang's "2","title","text";  Amazon.loadFastText: __label__2 ...
//   Amazon.sampleCSV           class x length-bin sample of a file too large to hold
//   Amazon.sampleFullSet       the same for Zhang's full train.csv / test.csv folder ($AMAZON_POLARITY_DIR)
//   GeneratedReviews.make      order-dependent labels (negation, contrast): offline fallback
//   CourseDatasets.imdbOrGenerated   real IMDB when present, else generated + where to download
//   Each loader also takes `badRows: .skip` and returns a LoadResult with the skip count.
//
// Files
//   StreamingCSVReader         RFC 4180 in bounded memory;  ByteStream: buffered, .gz/.bz2 aware
//   WordVectors.load           GloVe / .vec (plain or gzip) against a vocabulary, with Coverage
//
// Splits and batches
//   stratifiedSplit            70/20/10 or 80/20 per class, deterministic by seed
//   stratifiedSample           equal counts per class x length quantile bin
//   deduplicate, overlap       exact duplicate texts within a set and across two sets
//   BucketedBatcher            similar lengths per batch, TokenBatch ids time-major [T, B]
//
// Measured figures and the command that produces them: Tools/bench_csv.sh.
