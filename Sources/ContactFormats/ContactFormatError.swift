/// Why a payload could not be read as contact data, and where.
public struct ContactFormatError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong; a struct of constants rather than an enum so codes can be added
    /// without breaking callers that switch over them.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        public let rawValue: String
        public init(_ rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// No `BEGIN:VCARD` line anywhere in the input.
        public static let notAVCard = Code("no BEGIN:VCARD line")
        /// The input ended inside a card: the card is returned, flagged as torn.
        public static let missingEnd = Code("card has no END:VCARD")
        /// An `END:VCARD` with no card open.
        public static let unexpectedEnd = Code("END:VCARD without BEGIN:VCARD")
        /// A content line with no `:` between its name and value.
        public static let malformedLine = Code("content line has no ':'")
        /// `MECARD:`/`BIZCARD:`/KDDI marker missing or nothing after it.
        public static let notAMECARD = Code("not a MECARD")
        public static let notABIZCARD = Code("not a BIZCARD")
        public static let notAKDDICard = Code("not a KDDI/au address book entry")
        /// Text with neither a card format nor an email or phone number in it.
        public static let noContactInText = Code("no email address or phone number in the text")
        /// Bytes that are not text in any charset we read.
        public static let notText = Code("input is binary, not text")
        /// More cards nested inside each other than any real exporter writes.
        public static let nestingTooDeep = Code("AGENT cards nested too deeply")
        /// A line longer than the parser accepts.
        public static let lineTooLong = Code("content line too long")
        /// A value longer than `CardLimits.maximumValueBytes`: its start is kept.
        public static let valueTruncated = Code("value longer than 64 KiB cut to its first 64 KiB")
        /// More values of one property than `CardLimits.maximumValuesPerProperty`: the first are kept.
        public static let tooManyValues = Code("more than 1000 values of one property: the rest skipped")
        /// A card with more text than `CardLimits.maximumCardTextBytes`: later values skipped.
        public static let cardTooLarge = Code("card holds more than 256 KiB of text: the rest skipped")

        /// Codes for what was cut to a bound: the card is read, only the excess is left out.
        public var isTruncation: Bool {
            self == .valueTruncated || self == .tooManyValues || self == .cardTooLarge || self == .lineTooLong
        }

        /// The last issue of an input with more than `CardLimits.maximumIssues`.
        public static func moreIssues(_ count: Int) -> Code { Code("\(count) more problem(s) not listed") }
    }

    public let code: Code
    /// Byte offset in the input where the problem was found.
    public let offset: Int?

    public init(_ code: Code, offset: Int? = nil) {
        self.code = code
        self.offset = offset
    }

    public var description: String {
        if let offset { return "\(code) at byte \(offset)" }
        return code.description
    }
}
