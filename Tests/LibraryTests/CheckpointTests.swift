import CourseTesting
import Foundation
import TensorCore
import XCTest
@testable import Training

final class CheckpointTests: XCTestCase {
    private var dir = ""

    override func setUpWithError() throws {
        dir = NSTemporaryDirectory() + "checkpoint-tests-\(getpid())-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }

    override func tearDown() {
        try? FileManager.default.removeItem(atPath: dir)
    }

    private func sample() throws -> Checkpoint {
        let a = Tensor<Float>(shape: [2, 3], scalars: [1, -2, 3.5, .leastNonzeroMagnitude, 0, -0.25])
        let b = Tensor<Float>(shape: [4], scalars: [9, 8, 7, 6])
        let empty = Tensor<Float>(shape: [0, 5])
        return try Checkpoint(tensors: [("a", a), ("b", b), ("empty", empty)], metadata: ["epoch": 3, "step": 17])
    }

    func testCRC32MatchesZlibCheckValue() {
        let crc = Array("123456789".utf8).withUnsafeBytes { CRC32.checksum($0) }
        XCTAssertEqual(crc, 0xCBF4_3926, "CRC-32 of '123456789' should be zlib's check value cbf43926, got \(String(crc, radix: 16))")
    }

    func testRoundTripKeepsNamesShapesValuesAndMetadata() throws {
        let path = dir + "/model.ckpt"
        let original = try sample()
        try original.write(to: path)
        let read = try Checkpoint.read(from: path)
        XCTAssertEqual(read.names, ["a", "b", "empty"])
        for (x, y) in zip(original.tensors, read.tensors) {
            XCTAssertEqual(x.tensor, y.tensor, "tensor \(x.name) changed in the round trip")
        }
        XCTAssertEqual(try read.decodeMetadata([String: Int].self), ["epoch": 3, "step": 17])
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0 != "model.ckpt" }
        XCTAssertEqual(leftovers, [], "the atomic write left temporary files behind")
    }

    func testLayoutIsMagicVersionHeaderPayloadChecksum() throws {
        let data = try sample().encoded()
        XCTAssertEqual(Array(data.prefix(8)), Array("LSTMCKPT".utf8))
        XCTAssertEqual(Array(data[8..<12]), [1, 0, 0, 0], "format version 1, little-endian")
        let body = data.prefix(data.count - 4)
        let crc = body.withUnsafeBytes { CRC32.checksum($0) }
        let stored = data.suffix(4).withUnsafeBytes { UInt32(littleEndian: $0.loadUnaligned(as: UInt32.self)) }
        XCTAssertEqual(stored, crc, "the last 4 bytes should be the CRC-32 of everything before them")
    }

    /// The header's keys come out sorted, so a checkpoint's bytes do not depend on the process
    /// that wrote it (Swift seeds its dictionaries, and so an encoder's key order, per process).
    func testHeaderKeysAreSortedAndBytesRepeat() throws {
        let path = dir + "/sorted.ckpt"
        let data = try sample().encoded()
        try data.write(to: URL(fileURLWithPath: path))
        let header = try CheckpointBytes(path).header
        XCTAssertTrue(header.hasPrefix(#"{"metadata":"{\"epoch\":3,\"step\":17}","payloadBytes":"#), header)
        assertKeysSorted(header, "checkpoint header")
        XCTAssertEqual(try sample().encoded(), data, "the same checkpoint must encode to the same bytes")
    }

    func testTruncatedFileIsRefusedWithItsName() throws {
        let path = dir + "/cut.ckpt"
        let data = try sample().encoded()
        try data.prefix(data.count - 10).write(to: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try Checkpoint.read(from: path)) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains(path) && text.contains("truncated"), "message should name the file and say truncated: \(text)")
        }
    }

    func testFlippedByteIsRefusedAsCorrupted() throws {
        let path = dir + "/flip.ckpt"
        var data = try sample().encoded()
        data[data.count - 12] ^= 0x40  // inside the payload
        try data.write(to: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try Checkpoint.read(from: path)) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains(path) && text.contains("corrupted") && text.contains("checksum"), "got: \(text)")
        }
    }

    func testOtherVersionIsRefused() throws {
        let path = dir + "/v2.ckpt"
        var data = try sample().encoded()
        data[8] = 2
        try data.write(to: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try Checkpoint.read(from: path)) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains(path) && text.contains("version 2"), "got: \(text)")
        }
    }

    func testOtherFileIsRefused() throws {
        let path = dir + "/notes.txt"
        try "hello, this is not a checkpoint".write(toFile: path, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try Checkpoint.read(from: path)) { error in
            XCTAssertTrue("\(error)".contains("not a checkpoint"), "got: \(error)")
        }
        XCTAssertThrowsError(try Checkpoint.read(from: dir + "/missing.ckpt")) { error in
            XCTAssertTrue("\(error)".contains("not found"), "got: \(error)")
        }
    }

    func testMissingTensorErrorListsNames() throws {
        XCTAssertThrowsError(try sample().tensor("c")) { error in
            XCTAssertTrue("\(error)".contains("a, b, empty"), "got: \(error)")
        }
    }

    func testAtomicWriteReplacesWholeFile() throws {
        let path = dir + "/x.txt"
        try AtomicFile.write("first version, longer than the second", to: path)
        try AtomicFile.write("second", to: path)
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "second")
    }
}
