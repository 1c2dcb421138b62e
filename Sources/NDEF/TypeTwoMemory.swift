/// The NDEF content of an NFC Forum Type 2 tag (NTAG21x, MIFARE Ultralight), read from a
/// memory image that starts at page 0, 4 bytes a page.
///
/// The capability container is page 3. TLVs start at byte 16: NULL (0x00), Lock Control
/// (0x01), Memory Control (0x02), NDEF (0x03), proprietary (0xFD) and Terminator (0xFE).
/// The lock and reserved areas that control TLVs describe are skipped when reading the bytes
/// of any later TLV, so an NDEF message that spans them comes out whole. The first NDEF TLV
/// is the one read.
public struct TypeTwoMemory: Sendable, Hashable {
    /// The tag's capability container, page 3.
    public let capabilityContainer: CapabilityContainer
    /// The lock and reserved areas, as byte addresses, that control TLVs before the NDEF TLV declare.
    public let reservedAreas: [Range<Int>]
    /// The bytes of the NDEF message: `nil` when the tag has no NDEF TLV, empty when its length is 0.
    public let ndefMessageBytes: [UInt8]?

    /// Reads a whole memory image.
    ///
    /// The image must reach at least to the end of the NDEF TLV (or of the TLVs, if there is
    /// none); it may stop there, or go on to the end of memory.
    public init(image: some Collection<UInt8>) throws(NDEFError) {
        let bytes = Array(image)
        switch try Self.walk(bytes) {
        case .complete(let memory):
            self = memory
        case .needsBytes(let end):
            throw NDEFError(.truncatedMemory, "Type 2 memory image of \(bytes.count) bytes ends before byte \(end), which its TLVs need", at: bytes.count)
        }
    }

    init(capabilityContainer: CapabilityContainer, reservedAreas: [Range<Int>], ndefMessageBytes: [UInt8]?) {
        self.capabilityContainer = capabilityContainer
        self.reservedAreas = reservedAreas
        self.ndefMessageBytes = ndefMessageBytes
    }

    /// The decoded NDEF message, or `nil` when the tag has no NDEF TLV or an empty one.
    public func message() throws(NDEFError) -> NDEFMessage? {
        guard let ndefMessageBytes, !ndefMessageBytes.isEmpty else { return nil }
        return try NDEFMessage(decoding: ndefMessageBytes)
    }
}

extension TypeTwoMemory {
    /// How far reading a tag has got: more bytes are needed, or the NDEF content is known.
    public enum Progress: Sendable, Hashable {
        /// The image must hold bytes up to, not including, this address before the walk can go on.
        case needsBytes(upTo: Int)
        /// The TLVs have been read as far as they need to be.
        case complete(TypeTwoMemory)
    }

    /// Reads as much of the tag's TLVs as a partial memory image (a prefix from page 0) allows.
    ///
    /// A reader uses it to issue no more `READ` commands than the NDEF TLV needs: start with an
    /// empty image, and while the answer is `.needsBytes(upTo: end)`, read the next 16 bytes (4
    /// pages, from page `image.count / 4`) and append them, until the answer is `.complete`:
    ///
    /// ```swift
    /// var image: [UInt8] = []
    /// while true {
    ///     switch try TypeTwoMemory.walk(image) {
    ///     case .needsBytes(let end):
    ///         while image.count < end { image += try tag.read(page: image.count / 4) }
    ///     case .complete(let memory):
    ///         return try memory.message()
    ///     }
    /// }
    /// ```
    ///
    /// Each call walks from the start again, which costs little for at most 2 KB of TLVs and
    /// keeps no state between reads. Lengths are checked against the data area that the
    /// capability container declares, so a forged length fails here, before anything is read
    /// for it; proprietary TLVs are stepped over without asking for their bytes.
    public static func walk(_ prefix: some Collection<UInt8>) throws(NDEFError) -> Progress {
        let bytes = Array(prefix)
        guard bytes.count >= 16 else { return .needsBytes(upTo: 16) }
        let capabilityContainer = try CapabilityContainer(decoding: bytes[12 ..< 16])
        let dataEnd = 16 + capabilityContainer.dataAreaSize
        var areas = ReservedAreas()
        var position = 16
        while true {
            position = areas.skip(position)
            guard position < dataEnd else { break }
            guard position < bytes.count else { return .needsBytes(upTo: position + 1) }
            let tag = bytes[position]
            if tag == 0x00 {
                position += 1
                continue
            }
            if tag == 0xFE { break }

            let lengthAddress = areas.skip(position + 1)
            guard lengthAddress < dataEnd else { throw beyondDataArea(tag: tag, at: position, dataEnd: dataEnd) }
            guard lengthAddress < bytes.count else { return .needsBytes(upTo: lengthAddress + 1) }
            var length = Int(bytes[lengthAddress])
            var valueStart = lengthAddress + 1
            if length == 0xFF {
                let high = areas.skip(lengthAddress + 1)
                let low = areas.skip(high + 1)
                guard low < dataEnd else { throw beyondDataArea(tag: tag, at: position, dataEnd: dataEnd) }
                guard low < bytes.count else { return .needsBytes(upTo: low + 1) }
                length = Int(bytes[high]) << 8 | Int(bytes[low])
                valueStart = low + 1
            }
            let valueEnd = areas.advance(from: valueStart, by: length)
            guard valueEnd <= dataEnd else {
                throw NDEFError(.invalidTypeTwoTLV, "Type 2 TLV \(hex(tag)) length \(length) runs past the end of the data area (byte \(dataEnd))", at: lengthAddress)
            }

            switch tag {
            case 0x01, 0x02:
                guard length == 3 else {
                    throw NDEFError(.invalidTypeTwoTLV, "Type 2 control TLV \(hex(tag)) has length \(length), not 3", at: lengthAddress)
                }
                guard valueEnd <= bytes.count else { return .needsBytes(upTo: valueEnd) }
                let value = areas.bytes(of: bytes, from: valueStart, count: 3)
                areas.insert(controlArea(tag: tag, value: value))
            case 0x03:
                guard valueEnd <= bytes.count else { return .needsBytes(upTo: valueEnd) }
                let message = areas.bytes(of: bytes, from: valueStart, count: length)
                return .complete(TypeTwoMemory(capabilityContainer: capabilityContainer,
                                               reservedAreas: areas.ranges, ndefMessageBytes: message))
            default:
                // Proprietary (0xFD) and unknown TLVs are skipped by their length, as the
                // Type 2 Tag specification asks of a reader.
                break
            }
            position = valueEnd
        }
        return .complete(TypeTwoMemory(capabilityContainer: capabilityContainer,
                                       reservedAreas: areas.ranges, ndefMessageBytes: nil))
    }

    /// The area a Lock Control (0x01) or Memory Control (0x02) TLV's 3 value bytes describe.
    private static func controlArea(tag: UInt8, value: [UInt8]) -> Range<Int> {
        let pageAddress = Int(value[0] >> 4)
        let byteOffset = Int(value[0] & 0x0F)
        let bytesPerPageExponent = Int(value[2] & 0x0F)
        // A size of 0 stands for 256, in bits for lock control and in bytes for memory control.
        let size = value[1] == 0 ? 256 : Int(value[1])
        let byteCount = tag == 0x01 ? (size + 7) / 8 : size
        let start = pageAddress << bytesPerPageExponent + byteOffset
        return start ..< start + byteCount
    }

    private static func beyondDataArea(tag: UInt8, at position: Int, dataEnd: Int) -> NDEFError {
        NDEFError(.invalidTypeTwoTLV, "Type 2 TLV \(hex(tag)) has no length before the end of the data area (byte \(dataEnd))", at: position)
    }
}

/// The lock and reserved areas met so far, sorted by start, which TLV bytes jump over.
private struct ReservedAreas {
    var ranges: [Range<Int>] = []

    mutating func insert(_ area: Range<Int>) {
        let index = ranges.firstIndex { $0.lowerBound > area.lowerBound } ?? ranges.endIndex
        ranges.insert(area, at: index)
    }

    /// The first address at or after `address` outside every area.
    func skip(_ address: Int) -> Int {
        var address = address
        // One pass is enough: sorted by start, an area passed over can only end before the
        // address, which only grows.
        for area in ranges {
            if area.lowerBound > address { break }
            if area.upperBound > address { address = area.upperBound }
        }
        return address
    }

    /// The address just past `count` usable bytes starting at `address`.
    func advance(from address: Int, by count: Int) -> Int {
        var address = address
        var count = count
        while count > 0 {
            address = skip(address)
            let run = min(count, nextStart(after: address) - address)
            address += run
            count -= run
        }
        return address
    }

    /// The `count` usable bytes of `memory` from `address`, copied a run at a time.
    func bytes(of memory: [UInt8], from address: Int, count: Int) -> [UInt8] {
        var result: [UInt8] = []
        result.reserveCapacity(count)
        var address = address
        var count = count
        while count > 0 {
            address = skip(address)
            let run = min(count, nextStart(after: address) - address)
            result.append(contentsOf: memory[address ..< address + run])
            address += run
            count -= run
        }
        return result
    }

    private func nextStart(after address: Int) -> Int {
        ranges.first { $0.lowerBound > address }?.lowerBound ?? Int.max
    }
}

func hex(_ byte: UInt8) -> String {
    let digits = String(byte, radix: 16, uppercase: true)
    return byte < 0x10 ? "0x0" + digits : "0x" + digits
}
