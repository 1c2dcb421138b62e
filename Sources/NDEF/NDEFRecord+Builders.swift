extension NDEFRecord {
    /// A well-known URI record, abbreviated with the longest matching identifier code.
    public static func uri(_ uri: String, id: [UInt8] = []) -> NDEFRecord {
        let (code, length) = URIPrefix.longestMatch(for: uri)
        var payload: [UInt8] = [code]
        payload.append(contentsOf: uri.utf8.dropFirst(length))
        return NDEFRecord(tnf: .wellKnown, type: [0x55], id: id, payload: payload)
    }

    /// A well-known Text record.
    ///
    /// - Precondition: `language` is at most 63 bytes of UTF-8.
    public static func text(_ text: String, language: String = "en", encoding: TextPayload.Encoding = .utf8,
                            id: [UInt8] = []) -> NDEFRecord {
        let payload = TextPayload(text: text, language: language, encoding: encoding).encoded()
        return NDEFRecord(tnf: .wellKnown, type: [0x54], id: id, payload: payload)
    }

    /// A well-known Smart Poster record.
    public static func smartPoster(_ poster: SmartPoster, id: [UInt8] = []) -> NDEFRecord {
        NDEFRecord(tnf: .wellKnown, type: Array("Sp".utf8), id: id, payload: poster.encoded())
    }

    /// A media-type record, such as a vCard with `mediaType` `text/vcard`.
    public static func media(_ mediaType: String, payload: [UInt8], id: [UInt8] = []) -> NDEFRecord {
        NDEFRecord(tnf: .media, type: Array(mediaType.utf8), id: id, payload: payload)
    }

    /// An NFC Forum external-type record, with a type such as `example.com:mytype`.
    public static func external(_ externalType: String, payload: [UInt8], id: [UInt8] = []) -> NDEFRecord {
        NDEFRecord(tnf: .external, type: Array(externalType.utf8), id: id, payload: payload)
    }

    /// An absolute-URI record, whose type is the URI.
    public static func absoluteURI(_ uri: String, payload: [UInt8] = [], id: [UInt8] = []) -> NDEFRecord {
        NDEFRecord(tnf: .absoluteURI, type: Array(uri.utf8), id: id, payload: payload)
    }
}
