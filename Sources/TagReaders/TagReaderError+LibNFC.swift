/// Turns a libnfc result into its non-negative value or a ``TagReaderError`` that names the call.
///
/// Every libnfc result goes through here, so each error says which call failed and why.
@discardableResult
func check(nfc result: Int32, function: String) throws(TagReaderError) -> Int {
    guard result < 0 else { return Int(result) }
    let value = Int(result)
    throw TagReaderError(LibNFCResult.code(for: value), LibNFCResult.sentence(for: value), function: function, result: value)
}

/// The libnfc error values (nfc.h) and what each means here.
enum LibNFCResult {
    static let io = -1
    static let invalidArgument = -2
    static let deviceNotSupported = -3
    static let noSuchDevice = -4
    static let overflow = -5
    static let timeout = -6
    static let aborted = -7
    static let notImplemented = -8
    static let targetReleased = -10
    static let rfTransmission = -20
    static let mifareAuthentication = -30
    static let software = -80
    static let chip = -90

    private static let names: [Int: String] = [
        io: "NFC_EIO", invalidArgument: "NFC_EINVARG", deviceNotSupported: "NFC_EDEVNOTSUPP",
        noSuchDevice: "NFC_ENOTSUCHDEV", overflow: "NFC_EOVFLOW", timeout: "NFC_ETIMEOUT",
        aborted: "NFC_EOPABORTED", notImplemented: "NFC_ENOTIMPL", targetReleased: "NFC_ETGRELEASED",
        rfTransmission: "NFC_ERFTRANS", mifareAuthentication: "NFC_EMFCAUTHFAIL", software: "NFC_ESOFT",
        chip: "NFC_ECHIP",
    ]

    static func name(of result: Int) -> String {
        names[result] ?? String(result)
    }

    static func code(for result: Int) -> TagReaderError.Code {
        switch result {
        // The serial port or USB device went away (unplugged), or it never answered.
        case io, noSuchDevice: .readerUnavailable
        // The tag left the field: no answer in time, or the chip released it.
        case timeout, targetReleased, rfTransmission: .tagRemoved
        case aborted: .cancelled
        case mifareAuthentication: .tagRefused
        default: .nfcFailure
        }
    }

    static func sentence(for result: Int) -> String {
        switch code(for: result) {
        case .readerUnavailable: "the libnfc device is unplugged or does not answer"
        case .tagRemoved: "the tag left the reader"
        case .cancelled: "the libnfc command was aborted"
        case .tagRefused: "the tag refused the command"
        default: "a libnfc call failed"
        }
    }
}
