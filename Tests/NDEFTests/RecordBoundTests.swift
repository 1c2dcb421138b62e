import Testing
@testable import NDEF

/// Issue 18 defect 9: a message keeps at most `NDEFMessage.maximumRecords` records; the rest
/// are checked like any record, counted, and not kept.
@Suite struct RecordBoundTests {
    /// `count` empty records (TNF 0, 3 bytes each), flagged Message Begin and End.
    static func emptyRecords(_ count: Int) -> [UInt8] {
        var bytes: [UInt8] = []
        for index in 0..<count {
            var header: UInt8 = 0x10
            if index == 0 { header |= 0x80 }
            if index == count - 1 { header |= 0x40 }
            bytes += [header, 0, 0]
        }
        return bytes
    }

    @Test func recordsPastTheBoundAreCountedNotKept() throws {
        let message = try NDEFMessage(decoding: Self.emptyRecords(5000))
        #expect(message.records.count == NDEFMessage.maximumRecords)
        #expect(message.recordsLeftOut == 5000 - NDEFMessage.maximumRecords)
        let small = try NDEFMessage(decoding: Self.emptyRecords(10))
        #expect(small.records.count == 10 && small.recordsLeftOut == 0)
    }

    @Test func aChunkedRecordPastTheBoundIsOneRecordLeftOut() throws {
        let bytes = Array(Self.emptyRecords(3).dropLast(3)) + [0x10, 0, 0]  // no Message End yet
        let (records, leftOut) = try NDEFMessage.decodeRecords(
            bytes + [0x35, 0, 2, 0xAA, 0xBB] + [0x36, 0, 1, 0xCC] + [0x56, 0, 1, 0xDD], maximumRecords: 3)
        #expect(records.count == 3 && leftOut == 1)
        // The same record under the bound is joined and kept.
        let kept = try NDEFMessage.decodeRecords(bytes + [0x35, 0, 2, 0xAA, 0xBB] + [0x36, 0, 1, 0xCC] + [0x56, 0, 1, 0xDD], maximumRecords: 10)
        #expect(kept.records.count == 4 && kept.records.last?.payload == [0xAA, 0xBB, 0xCC, 0xDD] && kept.leftOut == 0)
    }

    @Test func aBadRecordPastTheBoundIsStillAnError() {
        var bytes = Self.emptyRecords(20)
        bytes[bytes.count - 3] = 0x57  // the last record: reserved TNF 7
        #expect(throws: NDEFError.self) { try NDEFMessage.decodeRecords(bytes, maximumRecords: 5) }
        var torn = Self.emptyRecords(20)
        torn.removeLast(1)
        #expect(throws: NDEFError.self) { try NDEFMessage.decodeRecords(torn, maximumRecords: 5) }
        var chunkAtEnd = Array(Self.emptyRecords(20).dropLast(3))
        chunkAtEnd += [0x75, 0, 1, 0xAA]  // Message End inside a chunked record
        #expect(throws: NDEFError.self) { try NDEFMessage.decodeRecords(chunkAtEnd, maximumRecords: 5) }
    }
}
