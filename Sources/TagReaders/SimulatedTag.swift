import NDEF

/// A tag for ``SimulatedBackend``: a UID, a kind and the NDEF message it holds.
public struct SimulatedTag: Sendable, Hashable {
    public var uid: [UInt8]
    public var type: TagType
    /// The NDEF message; `nil` for a badge that carries only its UID.
    public var ndefMessage: [UInt8]?
    /// Leaves the reader when this many commands have been answered, as a tag pulled away mid-read.
    public var commandsBeforeRemoval: Int?
    /// Where the tag came from (its file name), for demos; never logged above debug level.
    public var name: String

    public init(uid: [UInt8], type: TagType, ndefMessage: [UInt8]?, commandsBeforeRemoval: Int? = nil, name: String = "") {
        self.uid = uid
        self.type = type
        self.ndefMessage = ndefMessage
        self.commandsBeforeRemoval = commandsBeforeRemoval
        self.name = name
    }

    /// The smallest NTAG that holds `message` in its NDEF TLV, else a Type 4 tag.
    public static func smallestType(holding message: [UInt8]) -> TagType {
        // The TLV's tag and length (2 bytes, 4 past 254) and the terminator.
        let needed = message.count + (message.count < 0xFF ? 2 : 4) + 1
        for type in [TagType.ntag213, .ntag215, .ntag216] where needed <= SimulatedCard.typeTwoLayout(type).dataAreaSize {
            return type
        }
        return .type4
    }
}
