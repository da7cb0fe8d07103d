import CourseTesting
import XCTest

/// The helpers that compare a run's files byte for byte (Sources/CourseTesting/ReproducibleFiles.swift).
final class ReproducibleFilesTests: XCTestCase {
    func testFirstUnsortedKeyLooksIntoEveryObjectButNotIntoStrings() {
        XCTAssertNil(firstUnsortedKey(inJSON: #"{"a": 1, "b": {"c": [{"d": 1, "e": 2}], "f": "{\"z\": 1, \"y\": 2}"}}"#))
        XCTAssertEqual(firstUnsortedKey(inJSON: #"{"b": 1, "a": 2}"#), #""a" after "b""#)
        XCTAssertEqual(firstUnsortedKey(inJSON: #"{"a": [{"y": 1, "x": 2}], "b": 3}"#), #""x" after "y""#, "an object in an array")
        XCTAssertEqual(firstUnsortedKey(inJSON: #"{"a": {"p": 1}, "b": {"q": 1, "p": 2}}"#), #""p" after "q""#, "each object on its own")
        XCTAssertEqual(firstUnsortedKey(inJSON: #"{"a\"b": 1, "a": 2}"#), #""a" after "a\"b""#, "escaped quotes in keys")
    }

    func testBlankingWallClockReplacesOnlyTimingValues() {
        let metrics = """
        {
          "seconds_per_epoch" : [
            1.5,
            2.25
          ],
          "test_accuracy" : 0.875,
          "tokens_per_second" : 12345.6,
          "training_minutes" : 1e-05
        }
        """
        XCTAssertEqual(blankingWallClock(metrics), """
        {
          "seconds_per_epoch" : <wall clock>,
          "test_accuracy" : 0.875,
          "tokens_per_second" : <wall clock>,
          "training_minutes" : <wall clock>
        }
        """)
        // Inside a checkpoint header the training state is JSON kept in a string.
        let header = #"{"metadata":"{\"history\":[{\"seconds\":3.5,\"tokens\":10,\"tokensPerSecond\":2.8}],\"partial\":{\"trainSeconds\":0.25}}"}"#
        XCTAssertEqual(blankingWallClock(header),
                       #"{"metadata":"{\"history\":[{\"seconds\":<wall clock>,\"tokens\":10,\"tokensPerSecond\":<wall clock>}],\"partial\":{\"trainSeconds\":<wall clock>}}"}"#)
    }
}
