/// An error from a tag reader: a PC/SC or libnfc call that failed, a tag that left or refused a command,
/// or a simulated tag file that could not be read.
///
/// The description names the failing call, its result and lengths, never tag content or UIDs,
/// so it is safe to log at any level.
public struct TagReaderError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong, as a stable identifier.
    public let code: Code
    /// The PC/SC function that failed, such as `SCardTransmit`; `nil` when no call failed.
    public let function: String?
    /// The PC/SC result of that call (a `SCARD_E_...` or `SCARD_W_...` value).
    public let result: Int?
    /// The sentence the description starts with, made where the details are known.
    let reason: String

    init(_ code: Code, _ reason: String, function: String? = nil, result: Int? = nil) {
        self.code = code
        self.reason = reason
        self.function = function
        self.result = result
    }

    public var description: String {
        guard let call = failedCall else { return reason }
        return "\(reason) (\(call))"
    }

    /// The failing call and its result, such as `SCardEstablishContext returned SCARD_E_NO_SERVICE`.
    public var failedCall: String? {
        guard let function else { return nil }
        // libnfc's calls are all named nfc_...; its results are small negative numbers.
        let name = function.hasPrefix("nfc_") ? result.map(LibNFCResult.name(of:)) : result.map(PCSCResult.name(of:))
        return "\(function) returned \(name ?? "an error")"
    }
}

extension TagReaderError {
    /// An identifier for a kind of tag reader error; new codes can be added without breaking callers.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// The code's name, as written in Swift, for logs and JSON.
        public let name: String

        init(_ name: String) {
            self.name = name
        }

        public var description: String { name }

        /// pcscd is not running, stopped, or cannot be reached.
        public static let serviceUnavailable = Code("serviceUnavailable")
        /// pcscd refused this user (polkit or socket permissions).
        public static let accessDenied = Code("accessDenied")
        /// The reader was unplugged or is not known to pcscd.
        public static let readerUnavailable = Code("readerUnavailable")
        /// Another program holds the card exclusively.
        public static let sharingViolation = Code("sharingViolation")
        /// The tag left the reader, or stopped answering, before the read was done.
        public static let tagRemoved = Code("tagRemoved")
        /// The tag (or the reader on its behalf) answered a command with an error status word.
        public static let tagRefused = Code("tagRefused")
        /// The wait was cancelled, as when the tap stream ends.
        public static let cancelled = Code("cancelled")
        /// A wait for a change ran out of time.
        public static let timeout = Code("timeout")
        /// Any other PC/SC failure.
        public static let pcscFailure = Code("pcscFailure")
        /// Any other libnfc failure.
        public static let nfcFailure = Code("nfcFailure")
        /// A file for the simulated backend is missing, too large or not a tag it can play.
        public static let invalidTagFile = Code("invalidTagFile")
        /// A simulated reader name that the backend does not have.
        public static let unknownReader = Code("unknownReader")
    }
}
