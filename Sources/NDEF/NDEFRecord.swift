/// One NDEF record: a type, an optional ID and a payload.
///
/// Records of a decoded message are whole: chunks have already been joined, so there is no
/// chunk flag here and `tnf` is never ``TypeNameFormat/unchanged``.
public struct NDEFRecord: Sendable, Hashable {
    /// How to read ``type``.
    public var tnf: TypeNameFormat
    /// The record type as raw bytes.
    public var type: [UInt8]
    /// The record ID; empty when the record has none.
    public var id: [UInt8]
    /// The payload, joined from all chunks.
    public var payload: [UInt8]

    public init(tnf: TypeNameFormat, type: [UInt8] = [], id: [UInt8] = [], payload: [UInt8] = []) {
        self.tnf = tnf
        self.type = type
        self.id = id
        self.payload = payload
    }

    /// The type as text: `U`, `T`, `Sp`, a media type, `domain:type`, or an absolute URI.
    ///
    /// Types are US-ASCII by specification; other bytes show as U+FFFD.
    public var typeName: String {
        String(decoding: type, as: UTF8.self)
    }

    /// Whether this is a well-known record of the given type, such as `"U"`.
    func isWellKnown(_ name: StaticString) -> Bool {
        guard tnf == .wellKnown, type.count == name.utf8CodeUnitCount else { return false }
        return name.withUTF8Buffer { type.elementsEqual($0) }
    }
}
