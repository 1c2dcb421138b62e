import NDEF
import Testing

@Suite struct SmartPosterTests {
    /// The example of the NFC Forum Smart Poster RTD: http://www.nfc-forum.org titled
    /// "Hello, world" in en-US.
    static let specificationExample = hex("D1 02 28 53 70")
        + hex("91 01 0E 55 01") + ascii("nfc-forum.org")
        + hex("51 01 12 54 05") + ascii("en-US") + ascii("Hello, world")

    @Test func decodesTheSpecificationExample() throws {
        let record = try #require(try NDEFMessage(decoding: Self.specificationExample).records.first)
        #expect(record.typeName == "Sp")
        let poster = try #require(try record.smartPoster)
        #expect(poster.uri == "http://www.nfc-forum.org")
        #expect(poster.titles == [TextPayload(text: "Hello, world", language: "en-US")])
        #expect(poster.action == nil)
        #expect(poster.otherRecords.isEmpty)
    }

    @Test func encodesTheSpecificationExample() {
        let poster = SmartPoster(uri: "http://www.nfc-forum.org", titles: [TextPayload(text: "Hello, world", language: "en-US")])
        #expect(NDEFMessage(records: [.smartPoster(poster)]).encoded() == Self.specificationExample)
    }

    @Test func encodesAPosterWithOnlyAURIAsNfcpyDoes() {
        // nfcpy's SmartPosterRecord("http://nfcpy.org") payload.
        #expect(SmartPoster(uri: "http://nfcpy.org").encoded() == hex("D1 01 0A 55 03") + ascii("nfcpy.org"))
    }

    @Test func decodesTitlesActionSizeAndType() throws {
        let payload = NDEFMessage(records: [
            .text("Titel", language: "de-DE"),
            .uri("https://winfuture.de"),
            .text("Title", language: "en"),
            NDEFRecord(tnf: .wellKnown, type: ascii("act"), payload: [0x01]),
            NDEFRecord(tnf: .wellKnown, type: ascii("s"), payload: hex("00 01 00 00")),
            NDEFRecord(tnf: .wellKnown, type: ascii("t"), payload: ascii("text/html")),
            .media("image/png", payload: [0x89]),
        ]).encoded()
        let poster = try SmartPoster(decoding: payload)
        #expect(poster.uri == "https://winfuture.de")
        #expect(poster.titles.map(\.language) == ["de-DE", "en"])
        #expect(poster.titles.map(\.text) == ["Titel", "Title"])
        #expect(poster.action == .save)
        #expect(poster.size == 65536)
        #expect(poster.type == "text/html")
        #expect(poster.otherRecords == [.media("image/png", payload: [0x89])])
    }

    @Test func survivesEncodingAndDecoding() throws {
        let poster = SmartPoster(uri: "tel:+15550100", titles: [TextPayload(text: "Call", language: "en", encoding: .utf16)],
                                 action: .doAction, size: 12, type: "text/plain")
        let record = NDEFRecord.smartPoster(poster)
        let decoded = try NDEFMessage(decoding: NDEFMessage(records: [record]).encoded())
        #expect(try decoded.records.first?.smartPoster == poster)
    }

    @Test func rejectsAPosterWithoutAURI() throws {
        let payload = NDEFMessage(records: [.text("no link")]).encoded()
        let error = try #require(throws: NDEFError.self) { try SmartPoster(decoding: payload) }
        #expect(error.code == .invalidSmartPoster)
        #expect(error.description == "Smart Poster has no URI record")
    }

    @Test func rejectsAPosterWithTwoURIs() throws {
        let payload = NDEFMessage(records: [.uri("http://a"), .uri("http://b")]).encoded()
        #expect(throws: NDEFError.self) { try SmartPoster(decoding: payload) }
    }

    @Test func rejectsAMalformedActionOrSize() throws {
        for record in [NDEFRecord(tnf: .wellKnown, type: ascii("act"), payload: []),
                       NDEFRecord(tnf: .wellKnown, type: ascii("s"), payload: [1, 2])] {
            let payload = NDEFMessage(records: [.uri("http://a"), record]).encoded()
            let error = try #require(throws: NDEFError.self) { try SmartPoster(decoding: payload) }
            #expect(error.code == .invalidSmartPoster)
        }
    }

    @Test func reportsErrorsOfTheNestedMessage() throws {
        let error = try #require(throws: NDEFError.self) { try SmartPoster(decoding: hex("D1 01 09 55 00")) }
        #expect(error.code == .lengthBeyondEnd)
    }

    @Test func acceptsPostersNestedUpToTheLimit() throws {
        var poster = SmartPoster(uri: "http://inner")
        for _ in 1 ..< SmartPoster.maximumNestingDepth {
            poster = SmartPoster(uri: "http://outer", otherRecords: [.smartPoster(poster)])
        }
        #expect(try SmartPoster(decoding: poster.encoded()).uri == "http://outer")
    }

    @Test func rejectsPostersNestedBeyondTheLimit() throws {
        var poster = SmartPoster(uri: "http://inner")
        for _ in 0 ..< SmartPoster.maximumNestingDepth {
            poster = SmartPoster(uri: "http://outer", otherRecords: [.smartPoster(poster)])
        }
        let error = try #require(throws: NDEFError.self) { try NDEFRecord.smartPoster(poster).smartPoster }
        #expect(error.code == .nestingTooDeep)
    }

    @Test func stopsAtTheLimitWhateverTheDepthOfTheTag() throws {
        // Hand-nested without any URI: decoding must stop at the limit, not recurse 100 deep.
        var payload: [UInt8] = []
        for _ in 0 ..< 100 {
            payload = NDEFMessage(records: [NDEFRecord(tnf: .wellKnown, type: ascii("Sp"), payload: payload)]).encoded()
        }
        let error = try #require(throws: NDEFError.self) { try SmartPoster(decoding: payload) }
        #expect(error.code == .nestingTooDeep)
    }

    @Test func answersNilForRecordsOfOtherTypes() throws {
        #expect(try NDEFRecord.uri("http://a").smartPoster == nil)
    }
}
