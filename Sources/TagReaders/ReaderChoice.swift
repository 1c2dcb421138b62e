import Logging

/// What a `--reader` value means: `nfc` or `nfc:CONNSTRING` a libnfc device, any other name
/// the PC/SC readers it picks, and none at all every PC/SC reader and every device libnfc's
/// own scan finds.
public struct ReaderChoice: Sendable {
    public let reader: any TagReader
    public let selection: ReaderSelection

    public init(_ name: String?, logger: Logger) {
        if let connstring = Self.libNFCConnstring(name) {
            reader = LibNFCBackend(connstring: connstring.isEmpty ? nil : connstring, logger: logger)
            selection = .all
        } else if let name {
            reader = PCSCBackend(logger: logger)
            selection = .named(name)
        } else {
            reader = AllReadersBackend(logger: logger)
            selection = .all
        }
    }

    /// The connection string in `nfc:CONNSTRING`, empty for `nfc` alone; `nil` for a PC/SC name.
    public static func libNFCConnstring(_ name: String?) -> String? {
        guard let name else { return nil }
        if name == "nfc" { return "" }
        guard name.hasPrefix("nfc:") else { return nil }
        return String(name.dropFirst(4))
    }

    /// Stops every backend's threads and closes their devices; call it before the process exits.
    public static func shutDown() async {
        async let pcsc = PCSCBackend.shutDown()
        async let nfc = LibNFCBackend.shutDown()
        _ = await (pcsc, nfc)
    }
}
