import ContactFormats

/// The size bounds of one lead: it is stored, exported and forwarded whole, so none may grow
/// past a megabyte whatever a card held.
public enum LeadLimits {
    /// The most bytes of a lead's JSON.
    public static let maximumJSONBytes = 1 << 20
    /// The most raw bytes a lead carries (base64 in its JSON); a card's bytes past this stay
    /// in the quarantine, not in the lead.
    public static let maximumRawBytes = 256 << 10
    /// The most earlier captures a lead lists (`merged_captures`); the lead's events keep
    /// every one of them (a `merged` event each).
    public static let maximumMergedCaptures = 1_000

    /// What `fit` took out of a lead.
    public struct Cut: Sendable {
        /// The raw bytes moved out of the lead, if they were.
        public var raw: [UInt8]?
        /// Whether contact fields had to be cut as well.
        public var shortenedFields: Bool
        /// Earlier captures whose raw bytes were moved out of the lead (with those bytes),
        /// and how many of the oldest captures were taken off its list.
        public var captures: [Capture] = []
        public var droppedCaptures = 0

        var isEmpty: Bool { raw == nil && !shortenedFields && captures.isEmpty && droppedCaptures == 0 }

        /// In words, for a warning.
        public var description: String {
            var parts: [String] = []
            if let raw { parts.append("its \(raw.count) raw bytes (over \(LeadLimits.maximumRawBytes)) are kept in the quarantine, not in the lead") }
            if droppedCaptures > 0 {
                parts.append("its \(droppedCaptures) oldest capture(s) past the \(LeadLimits.maximumMergedCaptures) a lead lists were taken off the list (its events keep them)")
            }
            if !captures.isEmpty { parts.append("the raw bytes of \(captures.count) earlier capture(s) are kept in the quarantine, not in the lead") }
            if shortenedFields { parts.append("its fields were shortened to keep the lead under \(LeadLimits.maximumJSONBytes) bytes") }
            return parts.joined(separator: "; ")
        }
    }

    /// Keeps `lead` within the bounds: moves out raw bytes over `maximumRawBytes`, takes the
    /// oldest captures past `maximumMergedCaptures` off its list, then, if its JSON would
    /// still be over `maximumJSONBytes`, moves out the raw bytes of earlier captures (oldest
    /// first) and shortens its text until it is not. Nil when the lead fit as it was (nearly
    /// always, and then only a sum is computed).
    public static func fit(_ lead: inout Lead) -> Cut? {
        var cut = Cut(raw: nil, shortenedFields: false)
        if lead.raw.bytes.count > maximumRawBytes {
            cut.raw = lead.raw.bytes
            lead.raw.bytes = []
        }
        if lead.mergedCaptures.count > maximumMergedCaptures {
            let extra = lead.mergedCaptures.count - maximumMergedCaptures
            cut.captures += lead.mergedCaptures[..<extra].filter { !$0.raw.bytes.isEmpty }
            lead.mergedCaptures.removeFirst(extra)
            cut.droppedCaptures = extra
        }
        if jsonUpperBound(lead) > maximumJSONBytes {
            // The bound assumed every byte escaped six-fold: encode for the true size.
            var size = LeadJSON.encodeUTF8(lead).count
            if size > maximumJSONBytes {
                // A lead merged many times: earlier captures' bytes go before any text.
                var excess = size - maximumJSONBytes
                for index in lead.mergedCaptures.indices where excess > 0 && !lead.mergedCaptures[index].raw.bytes.isEmpty {
                    excess -= (lead.mergedCaptures[index].raw.bytes.count + 2) / 3 * 4
                    cut.captures.append(lead.mergedCaptures[index])
                    lead.mergedCaptures[index].raw.bytes = []
                }
                if !cut.captures.isEmpty { size = LeadJSON.encodeUTF8(lead).count }
            }
            var limit = 16 << 10
            while size > maximumJSONBytes && limit >= 16 {
                shorten(&lead, to: limit)
                cut.shortenedFields = true
                limit /= 4
                size = LeadJSON.encodeUTF8(lead).count
            }
        }
        return cut.isEmpty ? nil : cut
    }

    /// At least the JSON's size: text counted as if every byte were escaped (`\u00XX`),
    /// raw bytes as base64, and room for keys and times.
    static func jsonUpperBound(_ lead: Lead) -> Int {
        // One statement a value: a long sum of optionals kept the type checker busy for
        // minutes. Lists are read in place: this runs for every card, and copying the
        // contact (or each phone) out of the lead cost a retain per string.
        var text = 0, values = 0, raw = lead.raw.bytes.count
        func add(_ s: String?) { text += s?.utf8.count ?? 0 }
        func add(_ list: [String]) {
            values += list.count
            list.withUnsafeBufferPointer { for i in $0.indices { text += $0[i].utf8.count } }
        }
        add(lead.id); add(lead.event); add(lead.rep); add(lead.owner); add(lead.nextAction.action); add(lead.note)
        add(lead.contact.fullName); add(lead.contact.givenName); add(lead.contact.familyName)
        add(lead.contact.organization); add(lead.contact.title); add(lead.contact.note)
        add(lead.source.file); add(lead.source.reader)
        add(lead.tags)
        add(lead.contact.emails)
        add(lead.contact.urls)
        add(lead.contact.addresses)
        add(lead.contact.invalidEmails)
        lead.contact.phones.withUnsafeBufferPointer { phones in
            for i in phones.indices {
                add(phones[i].number)
                add(phones[i].e164)
                add(phones[i].types)
                values += 2
            }
        }
        lead.mergedCaptures.withUnsafeBufferPointer { captures in
            for i in captures.indices {
                raw += captures[i].raw.bytes.count
                add(captures[i].source.file)
                add(captures[i].source.reader)
                values += 16
            }
        }
        return 6 * text + (raw + 2) / 3 * 4 + 8 * values + 2048
    }

    /// Every text of the contact and the rep's note cut to `limit` bytes, lists to 100 values.
    static func shorten(_ lead: inout Lead, to limit: Int) {
        func cut(_ s: inout String) {
            if let shorter = CardLimits.truncated(s, limit: limit) { s = shorter }
        }
        func cut(_ s: inout String?) { if var v = s { cut(&v); s = v } }
        func cut(_ list: inout [String]) {
            if list.count > 100 { list.removeSubrange(100...) }
            for i in list.indices { cut(&list[i]) }
        }
        cut(&lead.note)
        cut(&lead.tags)
        cut(&lead.contact.fullName)
        cut(&lead.contact.givenName)
        cut(&lead.contact.familyName)
        cut(&lead.contact.organization)
        cut(&lead.contact.title)
        cut(&lead.contact.note)
        cut(&lead.contact.emails)
        cut(&lead.contact.urls)
        cut(&lead.contact.addresses)
        cut(&lead.contact.invalidEmails)
        if lead.contact.phones.count > 100 { lead.contact.phones.removeSubrange(100...) }
        for i in lead.contact.phones.indices { cut(&lead.contact.phones[i].number) }
    }
}
