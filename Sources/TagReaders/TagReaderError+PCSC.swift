/// Turns a PC/SC result into success or a ``TagReaderError`` that names the call.
///
/// Every libpcsclite result goes through here, so each error says which call failed and why.
func check(_ result: Int, function: String) throws(TagReaderError) {
    guard result != PCSCResult.success else { return }
    throw TagReaderError(PCSCResult.code(for: result), PCSCResult.sentence(for: result), function: function, result: result)
}

/// The pcsc-lite result values leadgate tells apart (pcsclite.h), and what each means here.
enum PCSCResult {
    static let success = 0
    static let cancelled = 0x8010_0002
    static let invalidHandle = 0x8010_0003
    static let insufficientBuffer = 0x8010_0008
    static let unknownReader = 0x8010_0009
    static let timeout = 0x8010_000A
    static let sharingViolation = 0x8010_000B
    static let noSmartcard = 0x8010_000C
    static let notTransacted = 0x8010_0016
    static let readerUnavailable = 0x8010_0017
    static let noService = 0x8010_001D
    static let serviceStopped = 0x8010_001E
    static let noReadersAvailable = 0x8010_002E
    static let noAccess = 0x8010_0027
    static let communicationError = 0x8010_0013
    static let unresponsiveCard = 0x8010_0066
    static let unpoweredCard = 0x8010_0067
    static let resetCard = 0x8010_0068
    static let removedCard = 0x8010_0069

    private static let names: [Int: String] = [
        cancelled: "SCARD_E_CANCELLED", invalidHandle: "SCARD_E_INVALID_HANDLE",
        insufficientBuffer: "SCARD_E_INSUFFICIENT_BUFFER", unknownReader: "SCARD_E_UNKNOWN_READER",
        timeout: "SCARD_E_TIMEOUT", sharingViolation: "SCARD_E_SHARING_VIOLATION",
        noSmartcard: "SCARD_E_NO_SMARTCARD", notTransacted: "SCARD_E_NOT_TRANSACTED",
        readerUnavailable: "SCARD_E_READER_UNAVAILABLE", noService: "SCARD_E_NO_SERVICE",
        serviceStopped: "SCARD_E_SERVICE_STOPPED", noReadersAvailable: "SCARD_E_NO_READERS_AVAILABLE",
        noAccess: "SCARD_E_NO_ACCESS", communicationError: "SCARD_F_COMM_ERROR",
        unresponsiveCard: "SCARD_W_UNRESPONSIVE_CARD", unpoweredCard: "SCARD_W_UNPOWERED_CARD",
        resetCard: "SCARD_W_RESET_CARD", removedCard: "SCARD_W_REMOVED_CARD",
    ]

    static func name(of result: Int) -> String {
        names[result] ?? "0x" + String(UInt32(truncatingIfNeeded: result), radix: 16, uppercase: true)
    }

    static func code(for result: Int) -> TagReaderError.Code {
        switch result {
        case noService, serviceStopped, communicationError, invalidHandle: .serviceUnavailable
        case noAccess: .accessDenied
        case unknownReader, readerUnavailable, noReadersAvailable: .readerUnavailable
        case sharingViolation: .sharingViolation
        // A tag leaving the field mid-command shows up as any of these, depending on the reader.
        case noSmartcard, removedCard, resetCard, notTransacted, unresponsiveCard, unpoweredCard: .tagRemoved
        case cancelled: .cancelled
        case timeout: .timeout
        default: .pcscFailure
        }
    }

    static func sentence(for result: Int) -> String {
        switch code(for: result) {
        case .serviceUnavailable: "the PC/SC service (pcscd) is not running or cannot be reached"
        case .accessDenied: "pcscd refused access to this user"
        case .readerUnavailable: "the reader is unplugged or unknown"
        case .sharingViolation: "another program holds the tag exclusively"
        case .tagRemoved: "the tag left the reader"
        case .cancelled: "the wait was cancelled"
        case .timeout: "the wait timed out"
        default: "a PC/SC call failed"
        }
    }
}
