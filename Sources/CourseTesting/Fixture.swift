// Reference values computed by PyTorch, stored as JSON next to the tests.
//
// Format (version 1), written by Tools/fixtures/make_fixtures.py:
//   {
//     "format": "lstm-course-fixture", "version": 1,
//     "name": "lesson3/lstm_cell_b2_h5", "description": "...",
//     "torch_version": "2.15.0", "seed": 0, "dtype": "float64",
//     "tensors": { "x": {"shape": [2, 3], "data": [ ...row-major... ]}, ... },
//     "scalars": { "loss": 0.123, ... },
//     "config":  { "hidden": 5, ... }          (integers and strings describing the case)
//   }
// Values are float64 so Double code compares to ~1e-12 and Float code to its own tolerance.
//
// Fixtures hold the expected answers, so only tests (and the walkthroughs that compare with
// PyTorch) can load them: lesson code does not depend on this module.

import Foundation
import TensorCore

public struct Fixture: Sendable {
    public static let formatName = "lstm-course-fixture"
    public static let supportedVersion = 1

    public let name: String
    public let path: String
    public let torchVersion: String
    public let seed: Int
    public let description: String
    private let tensors: [String: Tensor<Double>]
    private let scalarValues: [String: Double]
    private let configValues: [String: ConfigValue]

    public enum ConfigValue: Codable, Sendable, Equatable {
        case int(Int), double(Double), string(String), bool(Bool), ints([Int])
        public init(from decoder: Decoder) throws {
            let c = try decoder.singleValueContainer()
            if let v = try? c.decode(Bool.self) { self = .bool(v) }
            else if let v = try? c.decode(Int.self) { self = .int(v) }
            else if let v = try? c.decode(Double.self) { self = .double(v) }
            else if let v = try? c.decode(String.self) { self = .string(v) }
            else { self = .ints(try c.decode([Int].self)) }
        }
        public func encode(to encoder: Encoder) throws {
            var c = encoder.singleValueContainer()
            switch self {
            case .int(let v): try c.encode(v)
            case .double(let v): try c.encode(v)
            case .string(let v): try c.encode(v)
            case .bool(let v): try c.encode(v)
            case .ints(let v): try c.encode(v)
            }
        }
    }

    private struct File: Decodable {
        struct Stored: Decodable { let shape: [Int]; let data: [Double] }
        let format: String
        let version: Int
        let name: String?
        let description: String?
        let torch_version: String?
        let seed: Int?
        let tensors: [String: Stored]?
        let scalars: [String: Double]?
        let config: [String: ConfigValue]?
    }

    /// The folder that holds the fixtures: Tests/Fixtures in this checkout (COURSE_ROOT overrides).
    public static var directory: String {
        "\(courseRoot)/Tests/Fixtures"
    }

    /// Loads `Tests/Fixtures/<name>.json`, e.g. `Fixture.load("lesson3/lstm_cell")`.
    public static func load(_ name: String) throws -> Fixture {
        try load(path: "\(directory)/\(name).json")
    }

    public static func load(path: String) throws -> Fixture {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw InputError(file: path, "fixture not found; regenerate with Tools/fixtures/make_fixtures.py (see Tools/fixtures/README.md)")
        }
        let file: File
        do {
            file = try JSONDecoder().decode(File.self, from: data)
        } catch {
            throw InputError(file: path, "not a valid fixture file: \(error)")
        }
        guard file.format == formatName else {
            throw InputError(file: path, "format is '\(file.format)', expected '\(formatName)'")
        }
        guard file.version == supportedVersion else {
            throw InputError(file: path, "fixture version \(file.version); this course reads version \(supportedVersion)")
        }
        var tensors: [String: Tensor<Double>] = [:]
        for (key, stored) in file.tensors ?? [:] {
            let expected = stored.shape.reduce(1, *)
            guard stored.data.count == expected else {
                throw InputError(file: path, "tensor '\(key)' has shape \(stored.shape) (\(expected) values) but \(stored.data.count) values")
            }
            tensors[key] = Tensor(shape: stored.shape, scalars: stored.data)
        }
        return Fixture(name: file.name ?? name(ofPath: path), path: path,
                       torchVersion: file.torch_version ?? "unknown", seed: file.seed ?? 0,
                       description: file.description ?? "", tensors: tensors,
                       scalarValues: file.scalars ?? [:], configValues: file.config ?? [:])
    }

    private static func name(ofPath path: String) -> String {
        URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
    }

    public var tensorNames: [String] { tensors.keys.sorted() }

    /// A stored tensor in Double (the fixture's own precision).
    public func tensor(_ key: String) throws -> Tensor<Double> {
        guard let t = tensors[key] else {
            throw InputError(file: path, "no tensor '\(key)'; it has \(tensorNames.joined(separator: ", "))")
        }
        return t
    }

    /// A stored tensor converted to another scalar type (Float for the fast code).
    public func tensor<T: TensorScalar>(_ key: String, as type: T.Type) throws -> Tensor<T> {
        Tensor<T>(try tensor(key))
    }

    public func scalar(_ key: String) throws -> Double {
        guard let v = scalarValues[key] else {
            throw InputError(file: path, "no scalar '\(key)'; it has \(scalarValues.keys.sorted().joined(separator: ", "))")
        }
        return v
    }

    public func int(_ key: String) throws -> Int {
        switch configValues[key] {
        case .int(let v): return v
        case .double(let v) where v == v.rounded(): return Int(v)
        default: throw InputError(file: path, "no integer config '\(key)'")
        }
    }

    public func ints(_ key: String) throws -> [Int] {
        switch configValues[key] {
        case .ints(let v): return v
        case .int(let v): return [v]
        default: throw InputError(file: path, "no integer-list config '\(key)'")
        }
    }

    public func string(_ key: String) throws -> String {
        guard case .string(let v) = configValues[key] else { throw InputError(file: path, "no string config '\(key)'") }
        return v
    }

    public func bool(_ key: String) throws -> Bool {
        guard case .bool(let v) = configValues[key] else { throw InputError(file: path, "no boolean config '\(key)'") }
        return v
    }
}
