import NDEF

extension TagSession {
    /// Reads a Type 2 tag's NDEF message 16 bytes (4 pages) at a time from page 3, stopping
    /// as soon as ``TypeTwoMemory/walk(_:)`` has the whole NDEF TLV or the terminator. Where
    /// the channel can, the pages after the first read come in FAST_READs of up to 60 pages.
    ///
    /// Pages 0 to 2 (UID and static lock bytes) are never read: the walk looks at nothing
    /// before the capability container, so they are zeros in the image. The kind of chip comes
    /// from the capability container's size byte, which the first read brings anyway; it is
    /// set in `type` as soon as known, so a tag pulled away later still has its kind.
    func readTypeTwo(_ link: inout Link, type: inout TagType,
                     issues: inout [String]) throws(TagReaderError) -> [UInt8]? {
        let family = type
        var image = [UInt8](repeating: 0, count: 12)
        while true {
            let progress: TypeTwoMemory.Progress
            do {
                progress = try TypeTwoMemory.walk(image)
            } catch {
                // No NDEF magic number: a blank or non-NDEF tag, which carries its UID only.
                if error.code != .invalidTypeTwoCapabilityContainer {
                    issues.append("Type 2 memory: \(error)")
                }
                return nil
            }
            switch progress {
            case .needsBytes(let end):
                while image.count < end {
                    image += try readPages(&link, from: image.count / 4, through: (end - 1) / 4, type: type)
                    link.bytesRead = Array(image[12...])
                    if image.count >= 16, image[12] == 0xE1, family == .mifareUltralight {
                        type = TagType.typeTwo(dataAreaSizeByte: image[14])
                    }
                }
            case .complete(let memory):
                return memory.ndefMessageBytes
            }
        }
    }

    /// The most pages one FAST_READ asks for: 240 bytes, within a PN532 frame's 252.
    static let largestFastRead = 60

    /// `FF B0 00 PP 10`: 16 bytes from page PP. On a channel that can send FAST_READ (libnfc)
    /// and an NTAG21x, which has it, every page through `last` in one command instead.
    private func readPages(_ link: inout Link, from page: Int, through last: Int,
                           type: TagType) throws(TagReaderError) -> [UInt8] {
        if last >= page + 4, [.ntag213, .ntag215, .ntag216].contains(type), link.channel is any FastReadChannel {
            return try link.fastRead(from: page, through: min(last, page + Self.largestFastRead - 1))
        }
        let command: [UInt8] = [0xFF, 0xB0, UInt8(truncatingIfNeeded: page >> 8), UInt8(truncatingIfNeeded: page), 0x10]
        let response = try link.send(command)
        let status = StatusWord(response)
        if status == .readerOperationFailed { throw Self.tagLost(command, status) }
        guard status == .success else { throw Self.refused(command, status) }
        let data = response.dropLast(2)
        // The image grows by whole pages, or the next page number would be wrong.
        guard !data.isEmpty, data.count % 4 == 0, data.count <= 16 else {
            throw TagReaderError(.tagRefused, "the reader answered a 16-byte page read with \(data.count) bytes")
        }
        return Array(data)
    }
}
