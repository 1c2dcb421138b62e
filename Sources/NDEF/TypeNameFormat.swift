/// How an NDEF record's type field is to be read (the TNF, three bits of the record header).
public enum TypeNameFormat: UInt8, Sendable, Hashable, CaseIterable {
    /// No type, ID or payload: a placeholder record.
    case empty = 0
    /// An NFC Forum well-known type such as `U`, `T` or `Sp`.
    case wellKnown = 1
    /// A media type such as `text/vcard`.
    case media = 2
    /// The type field is an absolute URI.
    case absoluteURI = 3
    /// An NFC Forum external type, `domain:type`.
    case external = 4
    /// The payload's type is unknown; the type field is empty.
    case unknown = 5
    /// A continuation chunk of a chunked record; never seen in ``NDEFMessage/records``.
    case unchanged = 6
}
