import NDEF
import Testing

@Suite struct ChunkingTests {
    /// `text/vcard` "BEGIN:" in three chunks, the first with an ID.
    static let chunkedVCard = hex("BA 0A 03 01") + ascii("text/vcard") + ascii("c") + ascii("BEG")
        + hex("36 00 02") + ascii("IN")
        + hex("56 00 01") + ascii(":")

    @Test func reassemblesChunksIntoOneRecord() throws {
        let message = try NDEFMessage(decoding: Self.chunkedVCard)
        #expect(message.records == [NDEFRecord(tnf: .media, type: ascii("text/vcard"), id: ascii("c"), payload: ascii("BEGIN:"))])
    }

    @Test func reassemblesLongAndEmptyChunks() throws {
        let bytes = hex("A2 03 00 00 00 02") + ascii("a/b") + ascii("xy")
            + hex("36 00 00")
            + hex("46 00 00 00 00 01") + ascii("z")
        #expect(try NDEFMessage(decoding: bytes).records.first?.payload == ascii("xyz"))
    }

    @Test func keepsRecordsAroundAChunkedRecordInOrder() throws {
        let bytes = hex("91 01 01 55 00")
            + hex("32 03 01") + ascii("a/b") + ascii("x")
            + hex("16 00 01") + ascii("y")
            + hex("51 01 01 55 00")
        let message = try NDEFMessage(decoding: bytes)
        #expect(message.records.map(\.typeName) == ["U", "a/b", "U"])
        #expect(message.records[1].payload == ascii("xy"))
    }

    @Test func encodesAReassembledRecordWhole() throws {
        let message = try NDEFMessage(decoding: Self.chunkedVCard)
        #expect(message.encoded() == hex("DA 0A 06 01") + ascii("text/vcard") + ascii("c") + ascii("BEGIN:"))
    }

    @Test func rejectsAContinuationChunkWithAType() throws {
        let bytes = hex("B2 03 01") + ascii("a/b") + ascii("x") + hex("56 03 01") + ascii("a/b") + ascii("y")
        let error = try #require(throws: NDEFError.self) { try NDEFMessage(decoding: bytes) }
        #expect(error.code == .badChunk)
        #expect(error.offset == 7)
    }

    @Test func rejectsAContinuationChunkWithAnotherTNF() throws {
        let bytes = hex("B2 03 01") + ascii("a/b") + ascii("x") + hex("52 03 01") + ascii("a/b") + ascii("y")
        let error = try #require(throws: NDEFError.self) { try NDEFMessage(decoding: bytes) }
        #expect(error.code == .badChunk)
    }

    @Test func rejectsAContinuationChunkWithAnID() throws {
        let bytes = hex("B2 03 01") + ascii("a/b") + ascii("x") + hex("5E 00 01 01") + ascii("i") + ascii("y")
        let error = try #require(throws: NDEFError.self) { try NDEFMessage(decoding: bytes) }
        #expect(error.code == .badChunk)
    }

    @Test func rejectsAMessageThatEndsInsideAChunkedRecord() throws {
        // Message End on a chunk that still has the chunk flag.
        let bytes = hex("B2 03 01") + ascii("a/b") + ascii("x") + hex("76 00 01") + ascii("y")
        let error = try #require(throws: NDEFError.self) { try NDEFMessage(decoding: bytes) }
        #expect(error.code == .badChunk)
        #expect(error.offset == 7)
    }

    @Test func rejectsAFirstChunkThatIsAlsoTheLastRecord() throws {
        let error = try #require(throws: NDEFError.self) { try NDEFMessage(decoding: hex("F2 03 01") + ascii("a/b") + ascii("x")) }
        #expect(error.code == .badChunk)
    }

    @Test func rejectsBytesThatEndBeforeTheLastChunk() throws {
        let bytes = hex("B2 03 01") + ascii("a/b") + ascii("x") + hex("36 00 01") + ascii("y")
        let error = try #require(throws: NDEFError.self) { try NDEFMessage(decoding: bytes) }
        #expect(error.code == .missingMessageEnd)
    }

    @Test func rejectsAChunkThatStartsWithUnchanged() throws {
        let bytes = hex("B6 00 01") + ascii("x") + hex("56 00 01") + ascii("y")
        let error = try #require(throws: NDEFError.self) { try NDEFMessage(decoding: bytes) }
        #expect(error.code == .badChunk)
        #expect(error.offset == 0)
    }
}
