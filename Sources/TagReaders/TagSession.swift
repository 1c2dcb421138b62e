import ContactFormats
import Logging
import NDEF

/// Reads one tag that has arrived on a reader, with the fewest commands its kind allows, and
/// decodes what it holds.
///
/// The UID comes from `FF CA 00 00 00`; a Type 2 tag is read 16 bytes at a time from page 3
/// only as far as its TLVs need (see ``TypeTwoMemory/walk(_:)``); a Type 4 tag or phone is read
/// by SELECTs and READ BINARYs of at most MLe bytes; a MIFARE Classic badge gives its UID only.
/// Reading never throws: a tag that leaves or refuses a command gives a tap whose
/// ``Tap/interruption`` says why, with the bytes read so far.
public struct TagSession: Sendable {
    public var reader: String
    public var atr: AnswerToReset
    public var logger: Logger

    public init(reader: String, atr: [UInt8], logger: Logger) {
        self.reader = reader
        self.atr = AnswerToReset(atr)
        self.logger = logger
    }

    /// Reads the tag on `channel`.
    ///
    /// - Parameters:
    ///   - arrival: when the reader reported the tag; the tap's timings count from it.
    ///   - connectDuration: time already spent connecting to the tag, counted as reader I/O.
    public func read(from channel: some CardChannel, arrival: ContinuousClock.Instant = .now,
                     connectDuration: Duration = .zero) -> Tap {
        var link = Link(channel: channel, logger: logger, ioTime: connectDuration)
        var tap = Tap(reader: reader, uid: [], tagType: initialType, atr: atr.bytes,
                      timings: TapTimings(arrival: arrival))
        do {
            tap.uid = try readUID(&link, issues: &tap.issues)
            switch atr.family {
            case .typeTwo:
                tap.ndefMessage = try readTypeTwo(&link, type: &tap.tagType, issues: &tap.issues)
            case .isoDep:
                (tap.tagType, tap.ndefMessage) = try readTypeFour(&link, issues: &tap.issues)
            case .mifareClassic, .otherStorageCard, .unknown:
                break
            }
        } catch {
            tap.interruption = error
        }
        tap.bytesRead = link.bytesRead
        tap.commandCount = link.commandCount
        tap.timings.readerIO = link.ioTime
        if tap.interruption == nil, let message = tap.ndefMessage, !message.isEmpty {
            let start = ContinuousClock.now
            do {
                let content = try PayloadDecoder.decode(message, as: .ndef)
                tap.issues += content.issues.map(\.description)
                tap.content = content
            } catch {
                tap.issues.append(error.description)
            }
            tap.timings.decoding = .now - start
        } else if tap.interruption != nil {
            // Half a message is not a message: keep its bytes, never decode them.
            tap.ndefMessage = nil
        }
        tap.timings.total = .now - arrival
        return tap
    }

    var initialType: TagType { atr.tagType }

    /// `FF CA 00 00 00`: the reader answers with the UID of the tag in its field.
    private func readUID(_ link: inout Link, issues: inout [String]) throws(TagReaderError) -> [UInt8] {
        let command: [UInt8] = [0xFF, 0xCA, 0x00, 0x00, 0x00]
        let response = try link.send(command)
        let status = StatusWord(response)
        if status == .success { return Array(response.dropLast(2)) }
        if status == .readerOperationFailed { throw Self.tagLost(command, status) }
        issues.append("the reader gave no UID (FF CA answered \(status))")
        return []
    }

    static func tagLost(_ command: [UInt8], _ status: StatusWord) -> TagReaderError {
        TagReaderError(.tagRemoved, "the tag stopped answering (\(Link.name(of: command)) answered \(status))")
    }

    static func refused(_ command: [UInt8], _ status: StatusWord) -> TagReaderError {
        TagReaderError(.tagRefused, "the tag refused \(Link.name(of: command)) (status \(status))")
    }
}

extension TagSession {
    /// The commands of one read, counted and timed as they go through the channel.
    struct Link {
        let channel: any CardChannel
        let logger: Logger
        var ioTime: Duration
        var commandCount = 0
        /// The tag memory read so far, kept when the tag leaves mid-read.
        var bytesRead: [UInt8] = []

        init(channel: any CardChannel, logger: Logger, ioTime: Duration) {
            self.channel = channel
            self.logger = logger
            self.ioTime = ioTime
        }

        mutating func send(_ command: [UInt8]) throws(TagReaderError) -> [UInt8] {
            commandCount += 1
            let start = ContinuousClock.now
            defer { ioTime += .now - start }
            let response = try channel.transmit(command)
            guard response.count >= 2 else {
                throw TagReaderError(.tagRemoved, "the reader answered \(Self.name(of: command)) with \(response.count) bytes, no status word")
            }
            logger.trace("Tag command answered", metadata: [
                "tag.command": "\(Self.name(of: command))", "tag.status": "\(StatusWord(response))",
                "tag.response_bytes": "\(response.count - 2)",
            ])
            return response
        }

        /// FAST_READ (`3A first last`) of a Type 2 tag, counted and timed like any command.
        mutating func fastRead(from first: Int, through last: Int) throws(TagReaderError) -> [UInt8] {
            guard let channel = channel as? any FastReadChannel else {
                throw TagReaderError(.tagRefused, "this reader cannot send FAST_READ")
            }
            commandCount += 1
            let start = ContinuousClock.now
            defer { ioTime += .now - start }
            let data = try channel.fastRead(from: first, through: last)
            // The image grows by whole pages from `first`, or the next page number would be wrong.
            guard data.count == (last - first + 1) * 4 else {
                throw TagReaderError(.tagRefused, "the tag answered a FAST_READ of \(last - first + 1) pages with \(data.count) bytes")
            }
            return data
        }

        /// A command's name for messages: its class and instruction bytes, never its data.
        static func name(of command: [UInt8]) -> String {
            hexString(Array(command.prefix(2)))
        }
    }

    /// The last two bytes of a response APDU.
    struct StatusWord: Hashable, CustomStringConvertible {
        var value: UInt16

        init(_ response: [UInt8]) {
            value = response.count >= 2 ? UInt16(response[response.count - 2]) << 8 | UInt16(response[response.count - 1]) : 0
        }

        static let success = StatusWord(value: 0x9000)
        /// What PC/SC readers such as the ACR122U answer when the tag stops answering them.
        static let readerOperationFailed = StatusWord(value: 0x6300)

        init(value: UInt16) {
            self.value = value
        }

        var sw1: UInt8 { UInt8(value >> 8) }
        var sw2: UInt8 { UInt8(truncatingIfNeeded: value) }

        var description: String { hexString([sw1, sw2]) }
    }
}

extension TagSession {
    /// The tap of a tag that could not even be connected to: gone already, or held by another program.
    public func interrupted(by error: TagReaderError, arrival: ContinuousClock.Instant,
                            connectDuration: Duration = .zero) -> Tap {
        var tap = Tap(reader: reader, uid: [], tagType: initialType, atr: atr.bytes, interruption: error,
                      timings: TapTimings(arrival: arrival, readerIO: connectDuration))
        tap.timings.total = .now - arrival
        return tap
    }
}
