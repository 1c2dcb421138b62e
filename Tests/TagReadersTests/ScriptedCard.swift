@testable import TagReaders

/// A card for session tests: Type 2 memory answered page by page, or a fixed script of
/// commands and answers; it records what it was sent.
final class ScriptedCard: CardChannel {
    enum Behaviour {
        /// Answers `FF CA` with the UID and `FF B0` from the memory image.
        case typeTwo(memory: [UInt8])
        /// Expects exactly these commands, in order, and gives these answers.
        case script([(command: [UInt8], response: [UInt8])])
    }

    let uid: [UInt8]
    let behaviour: Behaviour
    /// After this many answers the tag is gone, as if pulled away.
    var answersBeforeRemoval: Int?
    private(set) var commands: [[UInt8]] = []
    private(set) var unexpected: [[UInt8]] = []

    init(uid: [UInt8] = [0x04, 0xA1, 0xB2, 0xC3, 0xD4, 0xE5, 0xF6], _ behaviour: Behaviour, answersBeforeRemoval: Int? = nil) {
        self.uid = uid
        self.behaviour = behaviour
        self.answersBeforeRemoval = answersBeforeRemoval
    }

    func transmit(_ command: [UInt8]) throws(TagReaderError) -> [UInt8] {
        if let limit = answersBeforeRemoval, commands.count >= limit {
            throw TagReaderError(.tagRemoved, "scripted removal", function: "SCardTransmit", result: 0x8010_0069)
        }
        commands.append(command)
        switch behaviour {
        case .typeTwo(let memory):
            if command == [0xFF, 0xCA, 0x00, 0x00, 0x00] { return uid + [0x90, 0x00] }
            guard command.count == 5, command[0] == 0xFF, command[1] == 0xB0, command[4] == 0x10 else {
                unexpected.append(command)
                return [0x6D, 0x00]
            }
            let start = (Int(command[2]) << 8 | Int(command[3])) * 4
            guard start < memory.count else { return [0x63, 0x00] }
            return (0 ..< 16).map { memory[(start + $0) % memory.count] } + [0x90, 0x00]
        case .script(let steps):
            let index = commands.count - 1
            guard index < steps.count, steps[index].command == command else {
                unexpected.append(command)
                return [0x6D, 0x00]
            }
            return steps[index].response
        }
    }

    /// A Type 2 memory image: UID pages, the capability container, then `tlvs` from byte 16.
    static func typeTwoMemory(sizeByte: UInt8 = 0x3E, tlvs: [UInt8], pages: Int = 135) -> [UInt8] {
        var memory = [UInt8](repeating: 0, count: pages * 4)
        memory.replaceSubrange(0 ..< 12, with: [0x04, 0xA1, 0xB2, 0x0F, 0xC3, 0xD4, 0xE5, 0xF6, 0x34, 0x48, 0x00, 0x00])
        memory.replaceSubrange(12 ..< 16, with: [0xE1, 0x10, sizeByte, 0x00])
        memory.replaceSubrange(16 ..< 16 + tlvs.count, with: tlvs)
        return memory
    }
}
