// A small generated data set for tests and offline demos, in which the label depends on word
// ORDER, so a bag of words cannot solve it and an LSTM can.
//
// Every review holds exactly one positive and one negative sentiment word; the template decides
// which of the two counts:
//   contrast     "good actors but a really terrible plot"               -> the word after "but"
//   although     "although the plot was good , the acting was awful"    -> the main clause
//                "the plot was good although the acting was awful"      -> the main clause
//   negation     "the plot was not good , it was bad"                   -> the word after "it was"
//                "the plot was good , not bad at all"                   -> the un-negated word
// Reviews are made in pairs with the same words in a different order and opposite labels
// ("good actors but a really terrible plot" / "terrible actors but a really good plot"), so
// every bag of words occurs equally often in both classes: no classifier that ignores order can
// beat 50% on it (checked: logistic regression on word counts scores 0.500, a one-layer LSTM
// of 64 units over 6,000 of these scores 0.99 on 2,000 others after one epoch).
// Neutral openers and closers vary the length. Everything is deterministic by seed.

import TensorCore

public enum GeneratedReviews {
    public static let positiveWords = ["good", "great", "excellent", "wonderful", "brilliant",
                                       "superb", "enjoyable", "fantastic", "solid", "charming"]
    public static let negativeWords = ["bad", "terrible", "awful", "boring", "dull",
                                       "poor", "weak", "horrible", "mediocre", "dreadful"]
    /// (noun, is plural)
    static let aspects: [(String, Bool)] = [
        ("plot", false), ("acting", false), ("actors", true), ("story", false), ("script", false),
        ("ending", false), ("music", false), ("cast", false), ("direction", false),
        ("dialogue", false), ("pacing", false), ("characters", true), ("soundtrack", false),
        ("visuals", true), ("camera work", false), ("jokes", true),
    ]
    static let openers = ["", "", "", "i saw this film last night .", "honestly ,", "overall ,",
                          "to be fair ,", "my friends and i watched it on friday .", "in short ,",
                          "i went in with no expectations .", "we rented this one .",
                          "this movie came out last year ."]
    static let closers = ["", "", "", ".", ". that is all i can say .", "in my opinion .",
                          ". make of that what you will .", ". my wife agreed .",
                          ". i watched it twice ."]

    /// `count` reviews (labels 0/1, half each when count is even), source "generated:SEED:i".
    public static func make(count: Int, seed: UInt64) -> [Review] {
        precondition(count >= 0, "GeneratedReviews.make: count must be >= 0, got \(count)")
        var rng = SeededRNG(seed: seed ^ 0x5EED_0F_0DE5)
        var texts: [(String, Int)] = []
        texts.reserveCapacity(count + 1)
        while texts.count < count {
            let pair = makePair(&rng)
            texts.append(pair.0)
            texts.append(pair.1)
        }
        if texts.count > count { texts.removeLast() }
        // Pairs next to each other would let a model learn from neighbours; shuffle them apart.
        rng.shuffle(&texts)
        return texts.enumerated().map { i, t in
            Review(text: t.0, label: t.1, rating: nil, source: "generated:\(seed):\(i)")
        }
    }

    /// Two reviews with the same words in a different order and opposite labels.
    static func makePair(_ rng: inout SeededRNG) -> ((String, Int), (String, Int)) {
        let p = positiveWords[rng.int(below: positiveWords.count)]
        let n = negativeWords[rng.int(below: negativeWords.count)]
        let a1 = aspects[rng.int(below: aspects.count)]
        var a2 = aspects[rng.int(below: aspects.count)]
        while a2.0 == a1.0 { a2 = aspects[rng.int(below: aspects.count)] }
        let opener = openers[rng.int(below: openers.count)]
        let closer = closers[rng.int(below: closers.count)]
        let template = rng.int(below: 5)
        func be(_ a: (String, Bool)) -> String { a.1 ? "were" : "was" }
        // "a really" rather than "a"/"an": the article must not depend on which adjective
        // follows, or the two reviews of a pair would differ in one word.
        func aReally(_ a: (String, Bool)) -> String { a.1 ? "really" : "a really" }

        // sentence(x, y): a review in which x and y are the two sentiment words, and the label
        // is the polarity of the word the template makes decisive. Called once with (p, n) and
        // once with (n, p): same words, opposite labels.
        func sentence(_ x: String, _ y: String) -> (String, decisive: String) {
            switch template {
            case 0: return ("\(x) \(a1.0) but \(aReally(a2)) \(y) \(a2.0)", y)
            case 1: return ("although the \(a1.0) \(be(a1)) \(x) , the \(a2.0) \(be(a2)) \(y)", y)
            case 2: return ("the \(a1.0) \(be(a1)) \(x) although the \(a2.0) \(be(a2)) \(y)", x)
            case 3: return ("the \(a1.0) \(be(a1)) not \(x) , it was \(y)", y)
            default: return ("the \(a1.0) \(be(a1)) \(x) , not \(y) at all", x)
            }
        }
        func review(_ x: String, _ y: String) -> (String, Int) {
            let (body, decisive) = sentence(x, y)
            let text = [opener, body, closer].filter { !$0.isEmpty }.joined(separator: " ")
            return (text, positiveWords.contains(decisive) ? 1 : 0)
        }
        return (review(p, n), review(n, p))
    }
}
