import Foundation
import Synchronization

/// UUIDv7 identifiers (RFC 9562): a millisecond timestamp then random bits, so ids sort by
/// capture time and a database index on them stays append-only.
public enum LeadID {
    public static func make(at date: Date = Date()) -> String {
        let bits = randomBits.withLock { state -> (UInt64, UInt64) in (state.next(), state.next()) }
        var generator = FixedBits(values: [bits.0, bits.1])
        return make(at: date, using: &generator)
    }

    /// The random part of ids: SplitMix64 seeded once from the system, because asking the
    /// kernel for 16 bytes per id was a tenth of an import's system time. Ids need to be
    /// unique, not secret.
    private static let randomBits: Mutex<SplitMix64> = {
        var system = SystemRandomNumberGenerator()
        return Mutex(SplitMix64(seed: system.next()))
    }()

    /// SplitMix64 (Steele, Lea, Flood 2014): fast, small, and good enough for id bits and tests.
    public struct SplitMix64: RandomNumberGenerator {
        var state: UInt64
        public init(seed: UInt64) { state = seed }
        public mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    struct FixedBits: RandomNumberGenerator {
        var values: [UInt64]
        var index = 0
        mutating func next() -> UInt64 {
            defer { index += 1 }
            return values[index % values.count]
        }
    }

    public static func make(at date: Date, using generator: inout some RandomNumberGenerator) -> String {
        let ms = UInt64(max(0, date.timeIntervalSince1970 * 1000))
        var bytes = [UInt8](repeating: 0, count: 16)
        for i in 0..<6 { bytes[i] = UInt8(truncatingIfNeeded: ms >> (40 - 8 * UInt64(i))) }
        let random = generator.next() as UInt64, random2 = generator.next() as UInt64
        for i in 6..<16 {
            let source = i < 14 ? random : random2
            bytes[i] = UInt8(truncatingIfNeeded: source >> (8 * UInt64(i % 8)))
        }
        bytes[6] = 0x70 | (bytes[6] & 0x0F)  // version 7
        bytes[8] = 0x80 | (bytes[8] & 0x3F)  // RFC 9562 variant
        let hex = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(36)
        for (i, b) in bytes.enumerated() {
            if i == 4 || i == 6 || i == 8 || i == 10 { out.append(0x2D) }
            out.append(hex[Int(b >> 4)])
            out.append(hex[Int(b & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// True for the canonical 36-character form.
    public static func isValid(_ id: String) -> Bool {
        let u = Array(id.utf8)
        guard u.count == 36 else { return false }
        for (i, c) in u.enumerated() {
            if i == 8 || i == 13 || i == 18 || i == 23 { if c != 0x2D { return false } }
            else if !((c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66)) { return false }
        }
        return true
    }
}
