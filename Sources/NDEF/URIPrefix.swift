/// The URI identifier codes of the NFC Forum URI record type definition (0x00 to 0x23).
enum URIPrefix {
    /// Index `n` holds the text that identifier code `n` stands for.
    static let table: [String] = [
        "",
        "http://www.",
        "https://www.",
        "http://",
        "https://",
        "tel:",
        "mailto:",
        "ftp://anonymous:anonymous@",
        "ftp://ftp.",
        "ftps://",
        "sftp://",
        "smb://",
        "nfs://",
        "ftp://",
        "dav://",
        "news:",
        "telnet://",
        "imap:",
        "rtsp://",
        "urn:",
        "pop:",
        "sip:",
        "sips:",
        "tftp:",
        "btspp://",
        "btl2cap://",
        "btgoep://",
        "tcpobex://",
        "irdaobex://",
        "file://",
        "urn:epc:id:",
        "urn:epc:tag:",
        "urn:epc:pat:",
        "urn:epc:raw:",
        "urn:epc:",
        "urn:nfc:",
    ]

    /// The code whose text is the longest prefix of `uri`, and that prefix's length in UTF-8 bytes.
    static func longestMatch(for uri: String) -> (code: UInt8, length: Int) {
        var best: (code: UInt8, length: Int) = (0, 0)
        let utf8 = uri.utf8
        for (code, prefix) in table.enumerated() where prefix.utf8.count > best.length {
            if utf8.starts(with: prefix.utf8) {
                best = (UInt8(code), prefix.utf8.count)
            }
        }
        return best
    }
}
