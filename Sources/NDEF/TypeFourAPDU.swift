/// The command APDUs a reader sends to read a Type 4 tag, as bytes; this type does no I/O.
///
/// The order: ``selectNDEFApplication()`` (if the answer is not 90 00, try
/// ``selectNDEFApplicationVersion1()`` and use mapping version 1 below), `selectFile(0xE103)`
/// and READ BINARY the capability container, `selectFile` the NDEF file it names, READ BINARY
/// its length field, then the message in reads of at most MLe bytes.
public enum TypeFourAPDU {
    /// The NDEF Tag Application's name for mapping version 2.0 and later.
    public static let ndefApplicationID: [UInt8] = [0xD2, 0x76, 0x00, 0x00, 0x85, 0x01, 0x01]
    /// The NDEF Tag Application's name for mapping version 1.0.
    public static let ndefApplicationIDVersion1: [UInt8] = [0xD2, 0x76, 0x00, 0x00, 0x85, 0x01, 0x00]
    /// The capability container's file ID.
    public static let capabilityContainerFileID: UInt16 = 0xE103

    /// SELECT by name the NDEF Tag Application, mapping 2.0 and later: `00 A4 04 00 07 D2760000850101 00`.
    public static func selectNDEFApplication() -> [UInt8] {
        [0x00, 0xA4, 0x04, 0x00, 0x07] + ndefApplicationID + [0x00]
    }

    /// SELECT by name the NDEF Tag Application, mapping 1.0, which has no Le: `00 A4 04 00 07 D2760000850100`.
    public static func selectNDEFApplicationVersion1() -> [UInt8] {
        [0x00, 0xA4, 0x04, 0x00, 0x07] + ndefApplicationIDVersion1
    }

    /// SELECT a file by its ID: P2 is 0C (no answer data) from mapping 2.0 on, 00 in mapping 1.0.
    public static func selectFile(_ fileID: UInt16, mappingMajorVersion: UInt8 = 2) -> [UInt8] {
        [0x00, 0xA4, 0x00, mappingMajorVersion >= 2 ? 0x0C : 0x00, 0x02,
         UInt8(fileID >> 8), UInt8(truncatingIfNeeded: fileID)]
    }

    /// READ BINARY of `length` bytes at `offset` in the selected file.
    ///
    /// Offsets up to 0x7FFF use INS B0 with the offset in P1-P2; larger ones, which only the
    /// extended files of mapping 3.0 reach, use INS B1 with an offset data object (54 03).
    /// Lengths up to 256 use a short Le, longer ones an extended Le.
    ///
    /// - Precondition: `offset` is in 0...0xFFFFFF and `length` in 1...65536.
    public static func readBinary(offset: Int, length: Int) -> [UInt8] {
        precondition((0 ... 0xFF_FFFF).contains(offset), "READ BINARY offset out of range")
        precondition((1 ... 65536).contains(length), "READ BINARY length out of range")
        let isExtended = length > 256
        if offset <= 0x7FFF {
            let header: [UInt8] = [0x00, 0xB0, UInt8(offset >> 8), UInt8(truncatingIfNeeded: offset)]
            // Le of 00 (short) or 00 00 00 (extended) asks for the most, 256 or 65536 bytes.
            return isExtended
                ? header + [0x00, UInt8(truncatingIfNeeded: length >> 8), UInt8(truncatingIfNeeded: length)]
                : header + [UInt8(truncatingIfNeeded: length)]
        }
        let offsetObject: [UInt8] = [0x54, 0x03, UInt8(offset >> 16),
                                     UInt8(truncatingIfNeeded: offset >> 8), UInt8(truncatingIfNeeded: offset)]
        return isExtended
            ? [0x00, 0xB1, 0x00, 0x00, 0x00, 0x00, 0x05] + offsetObject
                + [UInt8(truncatingIfNeeded: length >> 8), UInt8(truncatingIfNeeded: length)]
            : [0x00, 0xB1, 0x00, 0x00, 0x05] + offsetObject + [UInt8(truncatingIfNeeded: length)]
    }

    /// Whether a response APDU ends in the status word 90 00.
    public static func isSuccess(_ response: some Collection<UInt8>) -> Bool {
        let bytes = Array(response.suffix(2))
        return bytes == [0x90, 0x00]
    }
}
