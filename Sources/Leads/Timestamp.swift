import Foundation

/// ISO 8601 UTC times with milliseconds (`2026-11-22T10:15:03.123Z`), as the lead JSON uses.
///
/// Hand-written because Foundation's ISO8601DateFormatter costs microseconds a call and an
/// import formats several times per lead; the civil-date arithmetic is Howard Hinnant's.
public enum Timestamp {
    public static func format(_ date: Date) -> String {
        String(unsafeUninitializedCapacity: length) { write(date, to: $0.baseAddress!) }
    }

    /// Characters in a formatted timestamp.
    public static let length = 24

    /// Writes the `length` bytes of the formatted time at `p`.
    @discardableResult
    public static func write(_ date: Date, to p: UnsafeMutablePointer<UInt8>) -> Int {
        let ms = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
        var days = ms >= 0 ? ms / 86_400_000 : (ms - 86_399_999) / 86_400_000
        let msOfDay = ms - days * 86_400_000
        // days since 1970-01-01 -> y/m/d
        days += 719_468
        let era = (days >= 0 ? days : days - 146_096) / 146_097
        let doe = days - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        var y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        if m <= 2 { y += 1 }
        let h = msOfDay / 3_600_000, mi = msOfDay / 60_000 % 60, s = msOfDay / 1000 % 60, milli = msOfDay % 1000
        func put(_ v: Int64, _ at: Int, _ width: Int) {
            var x = v < 0 ? 0 : v
            for i in stride(from: at + width - 1, through: at, by: -1) { p[i] = 0x30 + UInt8(x % 10); x /= 10 }
        }
        put(y, 0, 4); p[4] = 0x2D; put(m, 5, 2); p[7] = 0x2D; put(d, 8, 2); p[10] = 0x54
        put(h, 11, 2); p[13] = 0x3A; put(mi, 14, 2); p[16] = 0x3A; put(s, 17, 2); p[19] = 0x2E; put(milli, 20, 3)
        p[23] = 0x5A
        return length
    }

    /// Parses `YYYY-MM-DDTHH:MM:SS[.fff]Z` or with a `+HH:MM` offset; nil for anything else.
    public static func parse(_ text: String) -> Date? {
        let u = Array(text.utf8)
        func num(_ from: Int, _ count: Int) -> Int64? {
            guard from + count <= u.count else { return nil }
            var v: Int64 = 0
            for i in from..<(from + count) {
                guard u[i] >= 0x30 && u[i] <= 0x39 else { return nil }
                v = v * 10 + Int64(u[i] - 0x30)
            }
            return v
        }
        guard u.count >= 20, u[4] == 0x2D, u[7] == 0x2D, u[10] == 0x54 || u[10] == 0x20, u[13] == 0x3A, u[16] == 0x3A,
              let y = num(0, 4), let mo = num(5, 2), let d = num(8, 2), let h = num(11, 2), let mi = num(14, 2),
              let s = num(17, 2), (1...12).contains(mo), (1...31).contains(d), h < 24, mi < 60, s < 61 else { return nil }
        var i = 19
        var fraction = 0.0
        if i < u.count && u[i] == 0x2E {
            i += 1
            var scale = 0.1
            while i < u.count && u[i] >= 0x30 && u[i] <= 0x39 {
                fraction += Double(u[i] - 0x30) * scale
                scale /= 10
                i += 1
            }
        }
        var offset: Int64 = 0
        guard i < u.count else { return nil }
        if u[i] == 0x5A { i += 1 } else if u[i] == 0x2B || u[i] == 0x2D {
            guard let oh = num(i + 1, 2), i + 3 < u.count, u[i + 3] == 0x3A, let om = num(i + 4, 2) else { return nil }
            offset = (oh * 60 + om) * 60 * (u[i] == 0x2B ? 1 : -1)
            i += 6
        } else { return nil }
        guard i == u.count else { return nil }
        // y/m/d -> days since 1970-01-01
        let yy = mo <= 2 ? y - 1 : y
        let era = (yy >= 0 ? yy : yy - 399) / 400
        let yoe = yy - era * 400
        let doy = (153 * (mo > 2 ? mo - 3 : mo + 9) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        let days = era * 146_097 + doe - 719_468
        let seconds = days * 86_400 + h * 3600 + mi * 60 + s - offset
        return Date(timeIntervalSince1970: Double(seconds) + fraction)
    }
}
