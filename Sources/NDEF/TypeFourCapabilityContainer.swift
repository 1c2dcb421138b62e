/// The capability container file (E103) of an NFC Forum Type 4 tag, or of a phone emulating one.
///
/// Layout: CCLEN (2 bytes), mapping version, MLe (2), MLc (2), then an NDEF File Control TLV:
/// tag 04 with 6 bytes (file ID 2, maximum NDEF file size 2, read access, write access), or
/// tag 06, the extended form of mapping version 3.0, with 8 bytes (the size takes 4).
public struct TypeFourCapabilityContainer: Sendable, Hashable {
    /// What the File Control TLV says about the NDEF file.
    public struct FileControl: Sendable, Hashable {
        public var fileID: UInt16
        /// The largest the NDEF file can be, in bytes, its length field included.
        public var maximumSize: Int
        /// 0x00 grants read access; 0xFF denies it; 0x80 to 0xFE are proprietary.
        public var readAccess: UInt8
        /// 0x00 grants write access; 0xFF denies it; 0x80 to 0xFE are proprietary.
        public var writeAccess: UInt8
        /// Whether the TLV is the extended one (tag 06), whose NDEF file starts with a 4-byte ENLEN.
        public var isExtended: Bool

        public init(fileID: UInt16, maximumSize: Int, readAccess: UInt8 = 0, writeAccess: UInt8 = 0,
                    isExtended: Bool = false) {
            self.fileID = fileID
            self.maximumSize = maximumSize
            self.readAccess = readAccess
            self.writeAccess = writeAccess
            self.isExtended = isExtended
        }

        /// The size of the length field at the start of the NDEF file: 2 (NLEN) or 4 (ENLEN).
        public var lengthFieldSize: Int { isExtended ? 4 : 2 }
    }

    /// CCLEN: the size of the capability container file in bytes.
    public var length: Int
    public var majorVersion: UInt8
    public var minorVersion: UInt8
    /// MLe: the most bytes one READ BINARY may ask for.
    public var maximumReadLength: Int
    /// MLc: the most bytes one UPDATE BINARY may send.
    public var maximumWriteLength: Int
    public var ndefFile: FileControl

    public init(length: Int = 15, majorVersion: UInt8 = 2, minorVersion: UInt8 = 0, maximumReadLength: Int,
                maximumWriteLength: Int, ndefFile: FileControl) {
        self.length = length
        self.majorVersion = majorVersion
        self.minorVersion = minorVersion
        self.maximumReadLength = maximumReadLength
        self.maximumWriteLength = maximumWriteLength
        self.ndefFile = ndefFile
    }

    /// Decodes the capability container file, which may be followed by more bytes than CCLEN says.
    public init(decoding file: some Collection<UInt8>) throws(NDEFError) {
        let bytes = Array(file)
        guard bytes.count >= 9 else {
            throw Self.invalid("file of \(bytes.count) bytes is shorter than its 9-byte header", at: bytes.count)
        }
        let length = Self.uint16(bytes, 0)
        let end = min(length, bytes.count)
        let version = bytes[2]
        guard (1 ... 3).contains(version >> 4) else {
            throw Self.invalid("mapping version \(version >> 4).\(version & 0x0F) is not supported", at: 2)
        }
        let maximumReadLength = Self.uint16(bytes, 3)
        guard maximumReadLength >= 0x0F else {
            throw Self.invalid("MLe \(maximumReadLength) is below the minimum of 15", at: 3)
        }
        let maximumWriteLength = Self.uint16(bytes, 5)
        guard maximumWriteLength >= 1 else {
            throw Self.invalid("MLc is 0", at: 5)
        }
        let tag = bytes[7]
        let valueLength = Int(bytes[8])
        let isExtended: Bool
        switch (tag, valueLength) {
        case (0x04, 6): isExtended = false
        case (0x06, 8): isExtended = true
        default:
            throw Self.invalid("has TLV \(hex(tag)) of length \(valueLength) where an NDEF File Control TLV (04, 6 bytes; or 06, 8 bytes) belongs", at: 7)
        }
        guard 9 + valueLength <= end else {
            throw Self.invalid("NDEF File Control TLV runs past the end of the file (\(end) bytes)", at: 8)
        }
        let fileID = UInt16(Self.uint16(bytes, 9))
        // These IDs are reserved by ISO 7816-4 or the Type 4 specification itself.
        guard ![0x0000, 0xE102, 0xE103, 0x3F00, 0x3FFF, 0xFFFF].contains(fileID) else {
            throw Self.invalid("NDEF file ID \(fileID) is reserved", at: 9)
        }
        let maximumSize = isExtended
            ? Self.uint16(bytes, 11) << 16 | Self.uint16(bytes, 13)
            : Self.uint16(bytes, 11)
        let fileControl = FileControl(
            fileID: fileID,
            maximumSize: maximumSize,
            readAccess: bytes[isExtended ? 15 : 13],
            writeAccess: bytes[isExtended ? 16 : 14],
            isExtended: isExtended
        )
        guard maximumSize >= fileControl.lengthFieldSize else {
            throw Self.invalid("maximum NDEF file size \(maximumSize) cannot hold its own length field", at: 11)
        }
        self.init(length: length, majorVersion: version >> 4, minorVersion: version & 0x0F,
                  maximumReadLength: maximumReadLength, maximumWriteLength: maximumWriteLength,
                  ndefFile: fileControl)
    }

    private static func uint16(_ bytes: [UInt8], _ offset: Int) -> Int {
        Int(bytes[offset]) << 8 | Int(bytes[offset + 1])
    }

    private static func invalid(_ problem: String, at offset: Int) -> NDEFError {
        NDEFError(.invalidTypeFourCapabilityContainer, "Type 4 capability container \(problem)", at: offset)
    }
}
