import Foundation

/// A value that finds a person in an event's attendee roster: a badge's tag UID, a
/// registration or barcode code, or an email address. Values are normalized so that the
/// roster's spelling and the tag's meet: UIDs as upper-case hex without separators, codes
/// trimmed and upper-cased, emails lower-cased.
public struct RosterKey: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable, CaseIterable, Codable {
        case uid, code, email
    }

    public var kind: Kind
    public var value: String

    public init(_ kind: Kind, _ value: String) {
        self.kind = kind
        self.value = value
    }

    /// The key for a UID written any way (`04:a1:b2`, `04 A1 B2`, `04-a1-b2`, `0x04A1B2`), or
    /// nil when it is not 4 to 10 bytes of hex: the UIDs ISO 14443 tags have.
    public static func uid(_ text: String) -> RosterKey? {
        var digits: [UInt8] = []
        digits.reserveCapacity(20)
        var previous: UInt8 = 0
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "A")...UInt8(ascii: "F"): digits.append(byte)
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digits.append(byte - 0x20)
            case UInt8(ascii: "x"), UInt8(ascii: "X") where digits == [UInt8(ascii: "0")] && previous == UInt8(ascii: "0"):
                digits.removeAll()
            case UInt8(ascii: ":"), UInt8(ascii: " "), UInt8(ascii: "-"), 0x09: break
            default: return nil
            }
            previous = byte
        }
        guard digits.count % 2 == 0, (8...20).contains(digits.count) else { return nil }
        return RosterKey(.uid, String(decoding: digits, as: UTF8.self))
    }

    /// The key for a registration or barcode code: trimmed, upper-cased; nil when blank or
    /// longer than 128 characters (no badge code is; a tag's text may be anything).
    public static func code(_ text: String) -> RosterKey? {
        // Most codes are plain ASCII without surrounding space: no Foundation calls for those
        // (a roster import makes 200,000 of them).
        guard let first = text.utf8.first, let last = text.utf8.last else { return nil }
        let trimmed = first <= 0x20 || last <= 0x20 || first >= 0x80 || last >= 0x80
            ? text.trimmingCharacters(in: .whitespacesAndNewlines) : text
        guard !trimmed.isEmpty, trimmed.utf8.count <= 128 else { return nil }
        let lower = trimmed.utf8.contains { ($0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z")) || $0 >= 0x80 }
        return RosterKey(.code, lower ? trimmed.uppercased() : trimmed)
    }

    /// The key for an email address, or nil when it is not one.
    public static func email(_ text: String) -> RosterKey? {
        guard case .valid(let address) = EmailAddress.normalize(text) else { return nil }
        return RosterKey(.email, address.lowercased())
    }
}

/// Which roster key found a lead's person: `source.matched` in the lead JSON.
public struct RosterMatch: Sendable, Hashable, Codable {
    /// `uid`, `code` or `email`.
    public var key: String
    /// The normalized key value that matched.
    public var value: String

    public init(key: String, value: String) {
        self.key = key
        self.value = value
    }

    public init(_ key: RosterKey) {
        self.init(key: key.kind.rawValue, value: key.value)
    }
}
