// Lesson 2, section 2: cleaning and tokenising reviews. Expected tokens are written out by
// hand from the rules in Lessons/Lesson2/README.md (sections 2.1 to 2.3).

import Lesson2
import XCTest

final class TokenizerTests: XCTestCase {
    let tokenizer = Tokenizer()

    /// Shows the first differing position, so a failure says which token is wrong.
    func assertTokens(_ got: [String], _ expected: [String], _ input: String,
                      file: StaticString = #filePath, line: UInt = #line) {
        guard got != expected else { return }
        let i = (0..<min(got.count, expected.count)).first { got[$0] != expected[$0] } ?? min(got.count, expected.count)
        XCTFail("""
            tokens of \(input.debugDescription):
              got      \(got)
              expected \(expected)
              first difference at token \(i): got \(i < got.count ? got[i].debugDescription : "nothing"), \
            expected \(i < expected.count ? expected[i].debugDescription : "nothing")
            """, file: file, line: line)
    }

    func testTokenizerClean_lowercasesAndReplacesTagsBySpaces() {
        let input = "GREAT Film.<br /><br />I <i>loved</i> it"
        XCTAssertEqual(tokenizer.clean(input), "great film.  i  loved  it",
                       "clean(\(input.debugDescription)): lowercase, every tag becomes one space")
    }

    func testTokenizerClean_decodesEntities() {
        let input = "Tom &amp; Jerry &quot;rocks&quot; &lt;3 it&#39;s &#x27;ok&#x27;&nbsp;&copy;"
        // &copy; is not in the table, so it stays as it is.
        XCTAssertEqual(tokenizer.clean(input), "tom & jerry \"rocks\" <3 it's 'ok' &copy;",
                       "clean(\(input.debugDescription))")
    }

    func testTokenizerClean_keepsAngleBracketsThatOpenNoTag() {
        let input = "5 < 7 and <3 but <b>bold</b>"
        XCTAssertEqual(tokenizer.clean(input), "5 < 7 and <3 but  bold ",
                       "clean(\(input.debugDescription)): '< ' and '<3' are text, '<b>' is a tag")
    }

    func testTokenizerClean_typographicApostrophe() {
        XCTAssertEqual(tokenizer.clean("Don\u{2019}t"), "don't", "clean: ’ must become '")
    }

    func testTokenizerSplit_punctuationIsSeparateTokens() {
        let input = "wow!! (really), 10/10..."
        assertTokens(tokenizer.split(input),
                     ["wow", "!", "!", "(", "really", ")", ",", "10", "/", "10", ".", ".", "."], input)
    }

    func testTokenizerSplit_keepsInnerApostropheHyphenAndDecimalPoint() {
        let input = "a well-made rock'n'roll film, 7.5 stars - 'classic' -ish"
        assertTokens(tokenizer.split(input),
                     ["a", "well-made", "rock'n'roll", "film", ",", "7.5", "stars", "-", "'", "classic", "'", "-", "ish"],
                     input)
    }

    func testTokenizerSplit_lettersOutsideASCII() {
        let input = "café naïve straße 東京!"
        assertTokens(tokenizer.split(input), ["café", "naïve", "straße", "東京", "!"], input)
    }

    func testTokenizerSplitContraction_negations() {
        let cases: [(String, [String])] = [
            ("didn't", ["did", "n't"]), ("isn't", ["is", "n't"]), ("don't", ["do", "n't"]),
            ("can't", ["can", "n't"]), ("won't", ["will", "n't"]), ("shan't", ["shall", "n't"]),
            ("n't", ["n't"]),
        ]
        for (word, expected) in cases {
            assertTokens(tokenizer.splitContraction(word), expected, word)
        }
    }

    func testTokenizerSplitContraction_cliticsAndWholeWords() {
        let cases: [(String, [String])] = [
            ("it's", ["it", "'s"]), ("they're", ["they", "'re"]), ("we've", ["we", "'ve"]),
            ("you'll", ["you", "'ll"]), ("i'd", ["i", "'d"]), ("i'm", ["i", "'m"]),
            ("director's", ["director", "'s"]), ("o'brien", ["o'brien"]), ("rock'n'roll", ["rock'n'roll"]),
            ("movie", ["movie"]), ("'s", ["'s"]), ("'re", ["'re"]),
        ]
        for (word, expected) in cases {
            assertTokens(tokenizer.splitContraction(word), expected, word)
        }
    }

    func testTokenizerTokenize_imdbReview() {
        let review = "I didn't like it.<br /><br />Not &quot;great&quot;! The director's cut? It's 2/10."
        assertTokens(tokenizer.tokenize(review),
                     ["i", "did", "n't", "like", "it", ".", "not", "\"", "great", "\"", "!",
                      "the", "director", "'s", "cut", "?", "it", "'s", "2", "/", "10", "."],
                     review)
    }

    func testTokenizerTokenize_emptyAndWhitespaceOnly() {
        XCTAssertEqual(tokenizer.tokenize("  <br /> \n\t "), [], "a review of only tags and spaces has no tokens")
        XCTAssertEqual(tokenizer.tokenize("OK"), ["ok"], "tokenize(\"OK\")")
    }
}
