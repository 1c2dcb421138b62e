/// A simulated tag answering commands as a PC/SC reader relays them: `FF CA` and `FF B0` for
/// storage cards, SELECT and READ BINARY for Type 4; used by ``SimulatedBackend``.
final class SimulatedCard: CardChannel {
    struct TypeTwoLayout {
        var pages: Int
        var sizeByte: UInt8
        var dataAreaSize: Int { Int(sizeByte) * 8 }
    }

    /// MLe of the simulated Type 4 tag: that of a DESFire EV1.
    static let maximumReadLength = 0x3B

    let tag: SimulatedTag
    let atr: [UInt8]
    private var memory: [UInt8] = []
    private var capabilityContainerFile: [UInt8] = []
    private var ndefFile: [UInt8] = []
    private var isApplicationSelected = false
    private var selectedFile: [UInt8]?
    private(set) var commandsAnswered = 0

    init(tag: SimulatedTag) {
        self.tag = tag
        if tag.type.isTypeTwo {
            atr = Self.storageCardATR(name: tag.type == .mifareUltralightC ? 0x003A : tag.type == .mifareUltralightEV1 ? 0x003D : 0x0003)
            memory = Self.typeTwoImage(tag)
        } else if tag.type == .mifareClassic1K || tag.type == .mifareClassic4K {
            atr = Self.storageCardATR(name: tag.type == .mifareClassic1K ? 0x0001 : 0x0002)
        } else {
            atr = [0x3B, 0x81, 0x80, 0x01, 0x80, 0x80]
            if tag.type == .type4, let message = tag.ndefMessage {
                ndefFile = [UInt8(message.count >> 8), UInt8(truncatingIfNeeded: message.count)] + message
                let size = max(ndefFile.count, 1024)
                capabilityContainerFile = [0x00, 0x0F, 0x20, 0x00, UInt8(Self.maximumReadLength), 0x00, 0x34,
                                           0x04, 0x06, 0xE1, 0x04, UInt8(size >> 8), UInt8(truncatingIfNeeded: size), 0x00, 0x00]
            }
        }
    }

    static func typeTwoLayout(_ type: TagType) -> TypeTwoLayout {
        switch type {
        case .ntag213, .mifareUltralightC: TypeTwoLayout(pages: 45, sizeByte: 0x12)
        case .ntag215: TypeTwoLayout(pages: 135, sizeByte: 0x3E)
        case .mifareUltralight, .mifareUltralightEV1: TypeTwoLayout(pages: 16, sizeByte: 0x06)
        default: TypeTwoLayout(pages: 231, sizeByte: 0x6D)
        }
    }

    func transmit(_ command: [UInt8]) throws(TagReaderError) -> [UInt8] {
        if let limit = tag.commandsBeforeRemoval, commandsAnswered >= limit {
            throw TagReaderError(.tagRemoved, "the simulated tag left the reader after \(limit) commands")
        }
        commandsAnswered += 1
        guard command.count >= 4 else { return [0x67, 0x00] }
        switch (command[0], command[1]) {
        case (0xFF, 0xCA):
            return tag.uid + [0x90, 0x00]
        case (0xFF, 0xB0):
            guard !memory.isEmpty, command.count >= 5 else { return [0x69, 0x82] }
            let page = Int(command[2]) << 8 | Int(command[3])
            guard page * 4 < memory.count else { return [0x63, 0x00] }
            let count = command[4] == 0 ? 16 : Int(command[4])
            // Type 2 reads roll over to page 0 past the last page.
            return (0 ..< count).map { memory[(page * 4 + $0) % memory.count] } + [0x90, 0x00]
        case (0x00, 0xA4):
            return select(command)
        case (0x00, 0xB0):
            guard let file = selectedFile, command.count >= 5 else { return [0x69, 0x86] }
            let offset = Int(command[2] & 0x7F) << 8 | Int(command[3])
            let length = command[4] == 0 ? 256 : Int(command[4])
            guard length <= Self.maximumReadLength else { return [0x67, 0x00] }
            guard offset <= file.count else { return [0x6B, 0x00] }
            return Array(file[offset ..< min(file.count, offset + length)]) + [0x90, 0x00]
        default:
            return [0x6D, 0x00]
        }
    }

    private func select(_ command: [UInt8]) -> [UInt8] {
        guard tag.type == .type4, !ndefFile.isEmpty, command.count >= 5 else { return [0x6A, 0x82] }
        let body = Array(command.dropFirst(5).prefix(Int(command[4])))
        if command[2] == 0x04 {
            isApplicationSelected = body == [0xD2, 0x76, 0x00, 0x00, 0x85, 0x01, 0x01]
            selectedFile = nil
            return isApplicationSelected ? [0x90, 0x00] : [0x6A, 0x82]
        }
        guard isApplicationSelected else { return [0x6A, 0x82] }
        switch body {
        case [0xE1, 0x03]: selectedFile = capabilityContainerFile
        case [0xE1, 0x04]: selectedFile = ndefFile
        default: return [0x6A, 0x82]
        }
        return [0x90, 0x00]
    }

    /// `3B 8F 80 01 80 4F 0C A0 00 00 03 06 03 NN NN 00 00 00 00 TCK`.
    static func storageCardATR(name: UInt16) -> [UInt8] {
        let body: [UInt8] = [0x3B, 0x8F, 0x80, 0x01, 0x80, 0x4F, 0x0C, 0xA0, 0x00, 0x00, 0x03, 0x06, 0x03,
                             UInt8(name >> 8), UInt8(truncatingIfNeeded: name), 0x00, 0x00, 0x00, 0x00]
        return body + [body.dropFirst().reduce(0, ^)]
    }

    /// Pages 0 to 2 from the UID, the capability container, then the NDEF TLV and a terminator.
    private static func typeTwoImage(_ tag: SimulatedTag) -> [UInt8] {
        let layout = typeTwoLayout(tag.type)
        var image = [UInt8](repeating: 0, count: layout.pages * 4)
        let uid = Array((tag.uid + [UInt8](repeating: 0, count: 7)).prefix(7))
        image.replaceSubrange(0 ..< 12, with: [uid[0], uid[1], uid[2], 0x88 ^ uid[0] ^ uid[1] ^ uid[2],
                                               uid[3], uid[4], uid[5], uid[6],
                                               uid[3] ^ uid[4] ^ uid[5] ^ uid[6], 0x48, 0x00, 0x00])
        image.replaceSubrange(12 ..< 16, with: [0xE1, 0x10, layout.sizeByte, 0x00])
        var tlvs: [UInt8] = []
        if let message = tag.ndefMessage {
            tlvs = message.count < 0xFF ? [0x03, UInt8(message.count)]
                : [0x03, 0xFF, UInt8(message.count >> 8), UInt8(truncatingIfNeeded: message.count)]
            tlvs += message
        }
        tlvs.append(0xFE)
        let end = min(16 + tlvs.count, 16 + layout.dataAreaSize)
        image.replaceSubrange(16 ..< end, with: tlvs.prefix(end - 16))
        return image
    }
}
