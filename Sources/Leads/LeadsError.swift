/// Why a `Leads` operation failed.
///
/// The description names the failing call and the reason but never the value that failed,
/// since values here are personal data (DESIGN.md: logs carry no names, emails or phones).
public struct LeadsError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong; extensible without breaking exhaustive switches elsewhere.
    public struct Code: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// The text has no digits, or nothing libphonenumber can read as a number.
        public static let notAPhoneNumber = Code(rawValue: "not a phone number")
        /// No known country calling code, from "+" or from the default region.
        public static let invalidCountryCode = Code(rawValue: "invalid country calling code")
        /// Too few digits after an international prefix such as "00".
        public static let tooShortAfterInternationalPrefix = Code(rawValue: "too short after international prefix")
        /// Too few digits for any number of the country.
        public static let phoneNumberTooShort = Code(rawValue: "phone number too short")
        /// Too many digits, or a text longer than libphonenumber reads.
        public static let phoneNumberTooLong = Code(rawValue: "phone number too long")
        /// Parsed, but no number of that country has this length.
        public static let phoneNumberNotPossible = Code(rawValue: "phone number not possible")
        /// The shim failed in a way that is a bug or resource exhaustion, not bad input.
        public static let internalFailure = Code(rawValue: "internal failure")
    }

    public let code: Code
    /// The C function that reported the failure, when one did.
    public let function: String?

    public init(code: Code, function: String? = nil) {
        self.code = code
        self.function = function
    }

    public var description: String {
        guard let function else { return code.rawValue }
        return "\(code.rawValue) (\(function))"
    }
}
