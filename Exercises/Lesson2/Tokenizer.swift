// Your copy of Solutions/Lesson2/Tokenizer.swift (made by `make exercises`): replace each unimplemented(...) line with your code.
// Lesson 2, section 2: from a raw review to a list of tokens.
//
// IMDB reviews were scraped from web pages: paragraphs are separated by `<br /><br />`, some
// reviews carry `<i>...</i>`, and characters such as & and " may arrive as the entities
// `&amp;` and `&quot;`. The tokenizer works in three steps, each its own exercise:
//
//   clean             lowercase; HTML tags become spaces; entities become their characters;
//                     typographic apostrophes (’) become ' so "don’t" and "don't" agree
//   split             words are runs of letters and digits (inner ' and - and the . of "7.5"
//                     stay inside); every other visible character is a token of its own
//   splitContraction  clitics become tokens of their own, as spaCy and the Penn Treebank do:
//                     "didn't" -> "did" "n't", "it's" -> "it" "'s", "can't" -> "can" "n't"
//
//   "I didn't like it.<br /><br />Not &quot;great&quot;!"
//     -> ["i", "did", "n't", "like", "it", ".", "not", "\"", "great", "\"", "!"]
//
// Why "n't" as a token: every negation ("don't", "isn't", "wasn't", "can't") then shares one
// vocabulary entry, and the stems ("do", "is", "was") are words the vocabulary has anyway.

import TensorCore

public struct Tokenizer: Sendable {
    public init() {}

    /// The tokens of `text`: split(clean(text)), contractions split.
    public func tokenize(_ text: String) -> [String] {
        split(clean(text))
    }

    /// Lowercases, replaces every HTML tag by a space, decodes entities (section 2.1).
    ///
    /// A tag is `<` followed by a letter, `/` or `!`, up to the next `>`; a `<` that starts no
    /// tag ("a < b", "<3") is kept. Entities: `&amp; &lt; &gt; &quot; &apos; &nbsp;` and the
    /// numeric forms `&#39;` and `&#x27;`; an unknown entity is left as it is.
    /// Typographic apostrophes (’ and ‘) become '.
    /// Given helpers: `tagEnd(_:from:)` and `entity(_:from:)` (below the struct).
    public func clean(_ text: String) -> String {
        unimplemented("Tokenizer.clean", lesson: 2, see: "section 2.1")
    }

    /// Splits cleaned text into words and punctuation, then splits contractions (section 2.2).
    ///
    /// A word is a run of letters and digits. Inside a word (a letter or digit on both sides)
    /// an apostrophe or a hyphen stays part of it ("don't", "well-made"), and so does a full
    /// stop between two digits ("7.5"). Whitespace separates; any other character is a token
    /// by itself, so "!!" gives "!" "!". Every word goes through `splitContraction`.
    /// Given helpers: `isWordScalar(_:)` and `isDigit(_:)` (below the struct).
    public func split(_ cleaned: String) -> [String] {
        unimplemented("Tokenizer.split", lesson: 2, see: "section 2.2")
    }

    /// Splits one word into its stem and clitic (section 2.3).
    ///
    /// - "n't" splits off before the n: "didn't" -> "did" "n't". Three stems are irregular and
    ///   restored: "can't" -> "can" "n't", "won't" -> "will" "n't", "shan't" -> "shall" "n't".
    /// - "'s", "'re", "'ve", "'ll", "'d", "'m" split off with their apostrophe:
    ///   "it's" -> "it" "'s", "they're" -> "they" "'re", "i'm" -> "i" "'m".
    /// - Any other word stays whole ("rock'n'roll", "o'brien").
    /// A word that is only a clitic ("'s") stays whole, so no empty token appears.
    public func splitContraction(_ word: String) -> [String] {
        unimplemented("Tokenizer.splitContraction", lesson: 2, see: "section 2.3")
    }

    /// Stems that "n't" changes: can't, won't, shan't.
    static let irregularNegations = ["can't": "can", "won't": "will", "shan't": "shall"]
    /// Clitics that split off with their apostrophe, longest first so "'ll" wins over "'l".
    static let clitics = ["'re", "'ve", "'ll", "'s", "'d", "'m"]
    /// The named entities `clean` decodes.
    static let namedEntities: [String: Unicode.Scalar] = [
        "amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'", "nbsp": " ",
    ]
}

// Helpers for `clean` and `split`, on Unicode scalars so "é" and "ß" count as letters.

@inline(__always)
func isDigit(_ s: Unicode.Scalar) -> Bool { s.value >= 48 && s.value <= 57 }

/// Letters and digits in any script (ASCII checked first: it is almost all of the text).
@inline(__always)
func isWordScalar(_ s: Unicode.Scalar) -> Bool {
    let v = s.value
    if v < 128 { return (v >= 97 && v <= 122) || (v >= 65 && v <= 90) || (v >= 48 && v <= 57) }
    return s.properties.isAlphabetic || s.properties.numericType != nil
}

/// The index of the `>` that closes a tag opening at `start`, or nil when no tag starts there.
func tagEnd(_ s: [Unicode.Scalar], from start: Int) -> Int? {
    guard start + 1 < s.count else { return nil }
    let first = s[start + 1]
    guard first == "/" || first == "!" || (first.value < 128 && isWordScalar(first) && !isDigit(first)) else { return nil }
    var j = start + 1
    while j < s.count {
        if s[j] == ">" { return j }
        if s[j] == "<" { return nil }  // "<b <i>": the first < opened nothing
        j += 1
    }
    return nil
}

/// The character an entity at `start` stands for and the index of its `;`, or nil.
func entity(_ s: [Unicode.Scalar], from start: Int) -> (Unicode.Scalar, Int)? {
    // Entities are short; looking 10 scalars ahead covers "&#x1F600;".
    var j = start + 1
    var name = ""
    while j < s.count, j - start <= 10, s[j] != ";" {
        name.unicodeScalars.append(s[j])
        j += 1
    }
    guard j < s.count, s[j] == ";", !name.isEmpty else { return nil }
    if let named = Tokenizer.namedEntities[name] { return (named, j) }
    if name.hasPrefix("#x"), let v = UInt32(name.dropFirst(2), radix: 16), let u = Unicode.Scalar(v) { return (u, j) }
    if name.hasPrefix("#"), let v = UInt32(name.dropFirst(1)), let u = Unicode.Scalar(v) { return (u, j) }
    return nil
}
