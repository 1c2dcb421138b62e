extension TypeTwoMemory {
    /// A Type 2 tag's capability container: bytes 12 to 15, page 3 of its memory.
    public struct CapabilityContainer: Sendable, Hashable {
        /// The mapping version; only major version 1 is defined.
        public var majorVersion: UInt8
        public var minorVersion: UInt8
        /// The size of the data area in bytes, from byte 16; byte 14 of memory times 8.
        public var dataAreaSize: Int
        /// 0 grants read access; other values are reserved or proprietary.
        public var readAccess: UInt8
        /// 0 grants write access, 0xF denies it.
        public var writeAccess: UInt8

        public init(majorVersion: UInt8 = 1, minorVersion: UInt8 = 0, dataAreaSize: Int,
                    readAccess: UInt8 = 0, writeAccess: UInt8 = 0) {
            self.majorVersion = majorVersion
            self.minorVersion = minorVersion
            self.dataAreaSize = dataAreaSize
            self.readAccess = readAccess
            self.writeAccess = writeAccess
        }

        /// Decodes the 4 bytes of page 3; error offsets are memory addresses (12 to 15).
        public init(decoding page: some Collection<UInt8>) throws(NDEFError) {
            let bytes = Array(page)
            guard bytes.count == 4 else {
                throw NDEFError(.invalidTypeTwoCapabilityContainer, "Type 2 capability container has \(bytes.count) bytes, not 4", at: 12)
            }
            guard bytes[0] == 0xE1 else {
                throw NDEFError(.invalidTypeTwoCapabilityContainer, "Type 2 capability container starts with \(hex(bytes[0])), not the NDEF magic number 0xE1", at: 12)
            }
            guard bytes[1] >> 4 == 1 else {
                throw NDEFError(.invalidTypeTwoCapabilityContainer, "Type 2 capability container has version \(bytes[1] >> 4).\(bytes[1] & 0x0F); only major version 1 is supported", at: 13)
            }
            self.init(majorVersion: 1, minorVersion: bytes[1] & 0x0F, dataAreaSize: Int(bytes[2]) * 8,
                      readAccess: bytes[3] >> 4, writeAccess: bytes[3] & 0x0F)
        }

        /// Whether the capability container grants write access.
        public var isWritable: Bool { writeAccess == 0 }
    }
}
