/// How much of one card leadgate keeps: bounds that no real card comes near, so that no input
/// makes a parser hold more than a small multiple of its size, and no lead grows past 1 MB.
///
/// What goes past a bound is cut (a value) or skipped (values past the count), with an issue
/// naming where; the input's raw bytes keep everything (the quarantine stores them).
public enum CardLimits {
    /// The most UTF-8 bytes of one text value (a name, a note, an address...); longer ones
    /// are cut at a character boundary. The notes of a card together count as one value.
    public static let maximumValueBytes = 64 << 10
    /// The most values of one property on a card (TEL, EMAIL, URL, ADR, NOTE); more are skipped.
    public static let maximumValuesPerProperty = 1_000
    /// The most text of one card, all values together; values past it are skipped.
    public static let maximumCardTextBytes = 256 << 10
    /// The most issues listed for one input; the rest are counted in one last issue.
    public static let maximumIssues = 100

    /// The length of the longest prefix of `bytes` that is at most `limit` bytes and does not
    /// end inside a UTF-8 sequence.
    @inlinable
    public static func utf8Prefix(_ bytes: UnsafeBufferPointer<UInt8>, limit: Int) -> Int {
        guard bytes.count > limit else { return bytes.count }
        var end = limit
        // Step back over continuation bytes (10xxxxxx) to the start of the cut sequence.
        while end > 0 && bytes[end] & 0xC0 == 0x80 { end -= 1 }
        return end
    }

    /// `text` cut to at most `limit` UTF-8 bytes at a character boundary; nil when it fits.
    public static func truncated(_ text: String, limit: Int = maximumValueBytes) -> String? {
        guard text.utf8.count > limit else { return nil }
        var text = text
        return text.withUTF8 { bytes in
            String(decoding: UnsafeBufferPointer(rebasing: bytes[..<utf8Prefix(bytes, limit: limit)]), as: UTF8.self)
        }
    }
}
