import Foundation
import Synchronization

/// UUIDv7 identifiers (RFC 9562): a millisecond timestamp then random bits, so ids sort by
/// capture time and a database index on them stays append-only.
public enum LeadID {
    public static func make(at date: Date = Date()) -> String {
        let bits = randomBits.withLock { state -> (UInt64, UInt64) in (state.next(), state.next()) }
        return format(milliseconds: UInt64(max(0, date.timeIntervalSince1970 * 1000)), random: bits.0, bits.1)
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

    public static func make(at date: Date, using generator: inout some RandomNumberGenerator) -> String {
        let random = generator.next() as UInt64, random2 = generator.next() as UInt64
        return format(milliseconds: UInt64(max(0, date.timeIntervalSince1970 * 1000)), random: random, random2)
    }

    /// Characters in an id.
    public static let length = 36

    /// Writes a new id for `date` (its `length` bytes) at `out`, with no String made.
    public static func write(at date: Date, to out: UnsafeMutablePointer<UInt8>) {
        let bits = randomBits.withLock { state -> (UInt64, UInt64) in (state.next(), state.next()) }
        write(milliseconds: UInt64(max(0, date.timeIntervalSince1970 * 1000)), random: bits.0, bits.1, to: out)
    }

    static func format(milliseconds ms: UInt64, random: UInt64, _ random2: UInt64) -> String {
        String(unsafeUninitializedCapacity: length) { out in
            write(milliseconds: ms, random: random, random2, to: out.baseAddress!)
            return length
        }
    }

    /// 48 bits of time, then the version, 12 random bits, the variant and 62 random bits.
    private static func write(milliseconds ms: UInt64, random: UInt64, _ random2: UInt64, to out: UnsafeMutablePointer<UInt8>) {
        var o = 0
        for i in 0..<16 {
            if i == 4 || i == 6 || i == 8 || i == 10 { out[o] = 0x2D; o += 1 }
            var b: UInt8
            if i < 6 {
                b = UInt8(truncatingIfNeeded: ms >> (40 - 8 * UInt64(i)))
            } else {
                b = UInt8(truncatingIfNeeded: (i < 14 ? random : random2) >> (8 * UInt64(i % 8)))
                if i == 6 { b = 0x70 | (b & 0x0F) }  // version 7
                if i == 8 { b = 0x80 | (b & 0x3F) }  // RFC 9562 variant
            }
            out[o] = SHA256.hexDigit(b >> 4)
            out[o + 1] = SHA256.hexDigit(b & 0x0F)
            o += 2
        }
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
