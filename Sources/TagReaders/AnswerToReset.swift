/// What a contactless reader's ATR says about the tag on it (PC/SC part 3).
///
/// A storage card's ATR is `3B 8F 80 01 80 4F 0C A0 00 00 03 06 SS NN NN 00 00 00 00 TCK`: SS is
/// the standard (03: ISO 14443-A part 3) and NN NN the card name. Any other contactless ATR,
/// `3B 8n 80 01` then n historical bytes, is an ISO 14443-4 card: maybe a Type 4 tag or a phone.
public struct AnswerToReset: Sendable, Hashable {
    /// The family of card, which decides how it is read.
    public enum Family: Sendable, Hashable {
        /// A Type 2 tag (NTAG21x, MIFARE Ultralight): its memory is read page by page.
        case typeTwo(TagType)
        /// A MIFARE Classic badge: its sectors need keys, so only its UID is read.
        case mifareClassic(TagType)
        /// An ISO 14443-4 card: a Type 4 tag, a phone emulating one, or a card with no NDEF.
        case isoDep
        /// Another storage card (FeliCa, ISO 15693...): its UID only.
        case otherStorageCard(TagType)
        /// Not a contactless ATR that leadgate recognizes.
        case unknown
    }

    public let bytes: [UInt8]
    public let family: Family

    public init(_ bytes: [UInt8]) {
        self.bytes = bytes
        self.family = Self.family(of: bytes)
    }

    /// The kind of tag the ATR alone tells; reading the tag may name it more closely (an
    /// NTAG215 rather than the Ultralight family its ATR shares, `type4` once the NDEF
    /// application answers).
    public var tagType: TagType {
        switch family {
        case .typeTwo(let type), .mifareClassic(let type), .otherStorageCard(let type): type
        case .isoDep: .iso14443_4
        case .unknown: .unknown
        }
    }

    /// The storage-card header of the historical bytes: category 80, tag 4F length 0C, the PC/SC RID.
    private static let storageCardPrefix: [UInt8] = [0x80, 0x4F, 0x0C, 0xA0, 0x00, 0x00, 0x03, 0x06]

    private static func family(of atr: [UInt8]) -> Family {
        guard atr.count >= 4, atr[0] == 0x3B, atr[1] & 0xF0 == 0x80, atr[2] == 0x80, atr[3] == 0x01 else {
            return .unknown
        }
        let historicalCount = Int(atr[1] & 0x0F)
        guard atr.count >= 4 + historicalCount else { return .unknown }
        let historical = Array(atr[4 ..< 4 + historicalCount])
        guard historical.count >= 11, Array(historical.prefix(8)) == storageCardPrefix else { return .isoDep }
        let name = UInt16(historical[9]) << 8 | UInt16(historical[10])
        switch name {
        case 0x0001: return .mifareClassic(.mifareClassic1K)
        case 0x0002: return .mifareClassic(.mifareClassic4K)
        case 0x0026: return .mifareClassic(.mifareMini)
        case 0x0003: return .typeTwo(.mifareUltralight)
        case 0x003A: return .typeTwo(.mifareUltralightC)
        case 0x003D: return .typeTwo(.mifareUltralightEV1)
        case 0x003B: return .otherStorageCard(.felica)
        default: return .otherStorageCard(.unknown)
        }
    }
}
