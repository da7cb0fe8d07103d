// A seeded random number generator that gives the same numbers on every machine and every
// Swift version (the standard library's SystemRandomNumberGenerator cannot be seeded, and its
// algorithms for random(in:) are not promised to stay the same). xoshiro256** seeded by
// SplitMix64, as Vigna recommends; floats come from the top bits, normals from Box-Muller.

public struct SeededRNG: RandomNumberGenerator, Sendable {
    private var s: (UInt64, UInt64, UInt64, UInt64)

    public init(seed: UInt64) {
        var x = seed
        func splitMix() -> UInt64 {
            x &+= 0x9E37_79B9_7F4A_7C15
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s = (splitMix(), splitMix(), splitMix(), splitMix())
    }

    @inlinable
    static func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    public mutating func next() -> UInt64 {
        let result = SeededRNG.rotl(s.1 &* 5, 7) &* 9
        let t = s.1 << 17
        s.2 ^= s.0
        s.3 ^= s.1
        s.1 ^= s.2
        s.0 ^= s.3
        s.2 ^= t
        s.3 = SeededRNG.rotl(s.3, 45)
        return result
    }

    /// Uniform in [0, 1) with 53 random bits.
    public mutating func nextUnit() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// Uniform in [low, high).
    public mutating func uniform(_ low: Double, _ high: Double) -> Double {
        low + (high - low) * nextUnit()
    }

    /// A standard normal draw (Box-Muller; one of the pair is discarded to stay stateless).
    public mutating func normal(mean: Double = 0, std: Double = 1) -> Double {
        var u1 = nextUnit()
        while u1 <= .leastNormalMagnitude { u1 = nextUnit() }
        let u2 = nextUnit()
        return mean + std * (-2 * _log(u1)).squareRoot() * _cos(2 * .pi * u2)
    }

    /// A uniform integer in 0..<n without modulo bias (Lemire's method).
    public mutating func int(below n: Int) -> Int {
        precondition(n > 0, "SeededRNG.int(below:): n must be positive, got \(n)")
        var m = next().multipliedFullWidth(by: UInt64(n))
        if m.low < UInt64(n) {
            let threshold = (0 &- UInt64(n)) % UInt64(n)
            while m.low < threshold { m = next().multipliedFullWidth(by: UInt64(n)) }
        }
        return Int(m.high)
    }

    /// Fisher-Yates shuffle with this generator's own integers (portable, unlike shuffle(using:)).
    public mutating func shuffle<C: MutableCollection & RandomAccessCollection>(_ c: inout C) where C.Index == Int {
        guard c.count > 1 else { return }
        for i in stride(from: c.count - 1, to: 0, by: -1) {
            let j = int(below: i + 1)
            c.swapAt(c.startIndex + i, c.startIndex + j)
        }
    }

    /// A permutation of 0..<n.
    public mutating func permutation(_ n: Int) -> [Int] {
        var p = Array(0..<n)
        shuffle(&p)
        return p
    }
}

import Foundation
@inline(__always) private func _log(_ x: Double) -> Double { Foundation.log(x) }
@inline(__always) private func _cos(_ x: Double) -> Double { Foundation.cos(x) }
