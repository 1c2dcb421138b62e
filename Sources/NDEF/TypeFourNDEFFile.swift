/// The NDEF file of a Type 4 tag: the message's length, NLEN (2 bytes) or ENLEN (4 bytes, with
/// the extended File Control TLV of mapping 3.0), then the message.
public struct TypeFourNDEFFile: Sendable, Hashable {
    /// The NDEF message's bytes; empty when the length field is 0.
    public var messageBytes: [UInt8]

    public init(messageBytes: [UInt8]) {
        self.messageBytes = messageBytes
    }

    /// Decodes the file; bytes past the message's end are ignored, as a reader may read whole blocks.
    public init(decoding file: some Collection<UInt8>, isExtended: Bool = false) throws(NDEFError) {
        let bytes = Array(file)
        let length = try Self.messageLength(header: bytes, isExtended: isExtended)
        let start = isExtended ? 4 : 2
        guard length <= bytes.count - start else {
            throw NDEFError(.invalidNDEFFileLength, "Type 4 NDEF message length \(length) runs past the end of the file (\(bytes.count) bytes)", at: 0)
        }
        self.init(messageBytes: Array(bytes[start ..< start + length]))
    }

    /// The message length the file starts with, checked against the file's maximum size.
    ///
    /// A reader calls this on the first 2 (or 4) bytes it reads, then reads that many more in
    /// READ BINARY commands of at most MLe bytes each.
    public static func messageLength(header: some Collection<UInt8>,
                                     fileControl: TypeFourCapabilityContainer.FileControl) throws(NDEFError) -> Int {
        let length = try messageLength(header: Array(header), isExtended: fileControl.isExtended)
        guard length <= fileControl.maximumSize - fileControl.lengthFieldSize else {
            throw NDEFError(.invalidNDEFFileLength, "Type 4 NDEF message length \(length) exceeds the file's maximum size (\(fileControl.maximumSize) bytes)", at: 0)
        }
        return length
    }

    private static func messageLength(header bytes: [UInt8], isExtended: Bool) throws(NDEFError) -> Int {
        let size = isExtended ? 4 : 2
        guard bytes.count >= size else {
            throw NDEFError(.invalidNDEFFileLength, "Type 4 NDEF file of \(bytes.count) bytes is shorter than its \(isExtended ? "ENLEN" : "NLEN") field", at: 0)
        }
        return bytes[0 ..< size].reduce(0) { $0 << 8 | Int($1) }
    }

    /// The decoded message.
    public func message() throws(NDEFError) -> NDEFMessage {
        try NDEFMessage(decoding: messageBytes)
    }

    /// The file's bytes: the length field, then the message.
    ///
    /// - Precondition: the message fits its length field (65535 bytes for NLEN).
    public func encoded(isExtended: Bool = false) -> [UInt8] {
        let size = isExtended ? 4 : 2
        precondition(messageBytes.count < 1 << (8 * size), "an NDEF message is too long for the Type 4 length field")
        var bytes: [UInt8] = (0 ..< size).reversed().map { UInt8(truncatingIfNeeded: messageBytes.count >> (8 * $0)) }
        bytes.append(contentsOf: messageBytes)
        return bytes
    }
}
