extension NDEFRecord {
    /// The URI of a well-known URI record (`U`), its identifier code expanded; `nil` for other records.
    ///
    /// Throws when the record is a URI record whose payload is malformed. The type of an
    /// absolute-URI record (TNF 3) is in ``typeName``, not here.
    public var uri: String? {
        get throws(NDEFError) {
            guard isWellKnown("U") else { return nil }
            return try Self.decodeURI(payload)
        }
    }

    /// The text and language of a well-known Text record (`T`); `nil` for other records.
    ///
    /// Throws when the record is a Text record whose payload is malformed.
    public var text: TextPayload? {
        get throws(NDEFError) {
            guard isWellKnown("T") else { return nil }
            return try TextPayload(decoding: payload)
        }
    }

    /// The content of a well-known Smart Poster record (`Sp`); `nil` for other records.
    ///
    /// Throws when the record is a Smart Poster whose payload is malformed.
    public var smartPoster: SmartPoster? {
        get throws(NDEFError) {
            guard isWellKnown("Sp") else { return nil }
            return try SmartPoster(payload: payload, depth: 1)
        }
    }

    static func decodeURI(_ payload: [UInt8]) throws(NDEFError) -> String {
        guard let code = payload.first else {
            throw NDEFError(.invalidURIRecord, "URI record has no identifier code", at: 0)
        }
        guard Int(code) < URIPrefix.table.count else {
            throw NDEFError(.invalidURIRecord, "URI record identifier code \(code) is reserved", at: 0)
        }
        guard let rest = String(validating: payload[1...], as: UTF8.self) else {
            throw NDEFError(.invalidURIRecord, "URI record text is not UTF-8", at: 1)
        }
        return URIPrefix.table[Int(code)] + rest
    }
}
