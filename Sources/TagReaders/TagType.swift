/// What kind of tag was tapped, as the lead's `source.tag_type` names it (`ntag215`, `type4`...).
///
/// A struct rather than an enum so a backend can name a kind this list lacks.
public struct TagType: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: String

    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    public var description: String { rawValue }

    public static let ntag213 = TagType(rawValue: "ntag213")
    public static let ntag215 = TagType(rawValue: "ntag215")
    public static let ntag216 = TagType(rawValue: "ntag216")
    public static let mifareUltralight = TagType(rawValue: "mifare_ultralight")
    public static let mifareUltralightC = TagType(rawValue: "mifare_ultralight_c")
    public static let mifareUltralightEV1 = TagType(rawValue: "mifare_ultralight_ev1")
    /// A Type 2 tag whose capability container names no size that tells the chip.
    public static let type2 = TagType(rawValue: "type2")
    public static let mifareClassic1K = TagType(rawValue: "mifare_classic_1k")
    public static let mifareClassic4K = TagType(rawValue: "mifare_classic_4k")
    public static let mifareMini = TagType(rawValue: "mifare_mini")
    /// An ISO 14443-4 tag or phone that has the NDEF Tag Application.
    public static let type4 = TagType(rawValue: "type4")
    /// An ISO 14443-4 card without the NDEF Tag Application, such as a bare DESFire or a bank card.
    public static let iso14443_4 = TagType(rawValue: "iso14443_4")
    public static let felica = TagType(rawValue: "felica")
    /// A card the ATR does not describe as a contactless tag leadgate knows.
    public static let unknown = TagType(rawValue: "unknown")

    /// Whether tags of this kind keep NDEF in Type 2 memory (pages read with `FF B0`).
    public var isTypeTwo: Bool {
        [.ntag213, .ntag215, .ntag216, .mifareUltralight, .mifareUltralightC, .mifareUltralightEV1, .type2].contains(self)
    }

    /// The Type 2 chip that a capability container's data-area size byte (CC byte 2) stands for.
    ///
    /// The ATR of an NTAG and of an Ultralight is the same (PC/SC card name 00 03); the data
    /// area that the capability container declares tells them apart without another command.
    static func typeTwo(dataAreaSizeByte: UInt8) -> TagType {
        switch dataAreaSizeByte {
        case 0x06: .mifareUltralight
        case 0x12: .ntag213
        case 0x3E: .ntag215
        case 0x6D: .ntag216
        default: .type2
        }
    }
}
