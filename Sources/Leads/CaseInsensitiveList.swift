/// Values in first-seen order without repeats that differ only in letter case.
///
/// Cards carry a handful of emails, for which a linear scan beats hashing; a hostile card
/// with thousands switches to a set of lower-cased keys, so the work stays linear.
struct CaseInsensitiveList {
    private(set) var values: [String] = []
    private var keys: Set<String>?
    private static let scanLimit = 16

    init(capacity: Int = 0) {
        values.reserveCapacity(capacity)
    }

    /// Appends `value` unless an equal one is already there; true when it was appended.
    @discardableResult
    mutating func append(_ value: String) -> Bool {
        if keys == nil, values.count >= Self.scanLimit {
            keys = Set(values.map { $0.lowercased() })
        }
        if keys != nil {
            guard keys!.insert(value.lowercased()).inserted else { return false }
        } else if values.contains(where: { Self.sameIgnoringCase($0, value) }) {
            return false
        }
        values.append(value)
        return true
    }

    /// Same text but for letter case.
    static func sameIgnoringCase(_ a: String, _ b: String) -> Bool {
        let aBytes = a.utf8
        let bBytes = b.utf8
        // Lower-casing changes the UTF-8 length of only a few letters (the Kelvin sign, dotted
        // capital I); addresses differing by those are kept as different.
        guard aBytes.count == bBytes.count else { return false }
        for (x, y) in zip(aBytes, bBytes) {
            if x >= 0x80 || y >= 0x80 { return a.lowercased() == b.lowercased() }
            if x.asciiLowercased != y.asciiLowercased { return false }
        }
        return true
    }
}
