/// Keeps a card read from key-value text (MECARD, BIZCARD, KDDI, plain text) within
/// `CardLimits`, listing what was cut; each kind of cut is listed once per card.
struct CardBudget {
    private(set) var issues: [ContactFormatError] = []
    private var textBytes = 0
    private var reported: Set<ContactFormatError.Code> = []

    /// `value` as the card may keep it: cut to `CardLimits.maximumValueBytes`, or nil when
    /// the card holds `existing` values of its kind already (the most it may) or its text
    /// is spent. `wasCut` says the reader cut it already.
    mutating func admit(_ value: String, existing: Int = 0, wasCut: Bool = false) -> String? {
        if existing >= CardLimits.maximumValuesPerProperty {
            report(.tooManyValues)
            return nil
        }
        var value = value
        if let cut = CardLimits.truncated(value) {
            value = cut
            report(.valueTruncated)
        } else if wasCut {
            report(.valueTruncated)
        }
        let count = value.utf8.count
        guard textBytes + count <= CardLimits.maximumCardTextBytes else {
            report(.cardTooLarge)
            return nil
        }
        textBytes += count
        return value
    }

    /// The notes of a card joined into one value, cut to the bound of one.
    mutating func joinedNote(_ notes: [String]) -> String? {
        guard !notes.isEmpty else { return nil }
        let joined = notes.joined(separator: "\n")
        guard let cut = CardLimits.truncated(joined) else { return joined }
        report(.valueTruncated)
        return cut
    }

    mutating func report(_ code: ContactFormatError.Code) {
        if reported.insert(code).inserted { issues.append(ContactFormatError(code, offset: nil)) }
    }
}
