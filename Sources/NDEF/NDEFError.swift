/// An error found while decoding NDEF data or a tag's memory layout.
///
/// `offset` is the byte position of the fault within the bytes that were being decoded:
/// the message for ``NDEFMessage``, the memory image for ``TypeTwoMemory``, the file for the
/// Type 4 helpers, and the record's payload for the typed views of ``NDEFRecord``.
/// The description names lengths and positions only, never tag content, so it is safe to log.
public struct NDEFError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong, as a stable, machine-readable identifier.
    public let code: Code
    /// The byte position of the fault, when there is one.
    public let offset: Int?
    /// The sentence the description starts with; made at the throw site, where the lengths are known.
    let reason: String

    init(_ code: Code, _ reason: String, at offset: Int?) {
        self.code = code
        self.reason = reason
        self.offset = offset
    }

    public var description: String {
        guard let offset else { return reason }
        return "\(reason) at byte \(offset)"
    }
}

extension NDEFError {
    /// An identifier for a kind of NDEF error; new codes can be added without breaking callers.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// The code's name, as written in Swift, for logs and JSON.
        public let name: String

        init(_ name: String) {
            self.name = name
        }

        public var description: String { name }

        // Records and messages.

        /// A record header or one of its length fields is cut short.
        public static let truncatedHeader = Code("truncatedHeader")
        /// A type, ID or payload length runs past the end of the bytes present.
        public static let lengthBeyondEnd = Code("lengthBeyondEnd")
        /// A record uses TNF 7, which the NDEF specification reserves.
        public static let reservedTNF = Code("reservedTNF")
        /// The first record lacks the Message Begin flag.
        public static let missingMessageBegin = Code("missingMessageBegin")
        /// A record after the first has the Message Begin flag.
        public static let unexpectedMessageBegin = Code("unexpectedMessageBegin")
        /// The bytes end before a record with the Message End flag.
        public static let missingMessageEnd = Code("missingMessageEnd")
        /// Bytes follow the record with the Message End flag.
        public static let bytesAfterMessageEnd = Code("bytesAfterMessageEnd")
        /// Chunks of a chunked record break the chunking rules.
        public static let badChunk = Code("badChunk")
        /// A record of TNF empty or unknown has a type, or an empty record has an ID or payload.
        public static let invalidTypeLength = Code("invalidTypeLength")

        // Record types.

        /// A well-known URI record has no identifier code, a reserved one, or text that is not UTF-8.
        public static let invalidURIRecord = Code("invalidURIRecord")
        /// A well-known Text record's status byte, language code or text is malformed.
        public static let invalidTextRecord = Code("invalidTextRecord")
        /// A Smart Poster lacks its URI record or has a malformed action, size or type record.
        public static let invalidSmartPoster = Code("invalidSmartPoster")
        /// Smart Posters are nested deeper than ``SmartPoster/maximumNestingDepth``.
        public static let nestingTooDeep = Code("nestingTooDeep")

        // Tag memory.

        /// A Type 2 capability container lacks the E1 magic number or has an unsupported major version.
        public static let invalidTypeTwoCapabilityContainer = Code("invalidTypeTwoCapabilityContainer")
        /// A Type 2 TLV runs past the data area the capability container declares, or is malformed.
        public static let invalidTypeTwoTLV = Code("invalidTypeTwoTLV")
        /// A Type 2 memory image ends before the TLVs that it declares.
        public static let truncatedMemory = Code("truncatedMemory")
        /// A Type 4 capability container file is short, inconsistent or of an unsupported mapping version.
        public static let invalidTypeFourCapabilityContainer = Code("invalidTypeFourCapabilityContainer")
        /// A Type 4 NDEF file's NLEN or ENLEN is cut short or exceeds the file.
        public static let invalidNDEFFileLength = Code("invalidNDEFFileLength")
    }
}
