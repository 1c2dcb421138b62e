import Foundation
import Leads
import Testing

@Suite struct LeadJSONTests {
    static func sampleLead(merged: Bool = true) -> Lead {
        let contact = NormalizedContact(fullName: "Jane \"JJ\" Doe", givenName: "Jane", familyName: "Doe", organization: "Acme, Inc.",
                                        title: nil, emails: ["jane@acme.example"],
                                        phones: [.init(number: "+1 555 0100", e164: "+15550100", types: ["cell"]),
                                                 .init(number: "n/a", e164: nil, types: [])],
                                        urls: ["https://acme.example/jane"], addresses: ["1 Main St\nSpringfield"],
                                        note: "line\tone\u{1}", invalidEmails: ["jane(at)acme"])
        let source = LeadSource(channel: .tap, reader: "ACS ACR122U 00 00", tagUID: "04A1B2C3D4E5F6", tagType: "ntag215", format: "vcard")
        var lead = Lead(id: LeadID.make(at: Date(timeIntervalSince1970: 1_795_000_000.123)), event: "RSA 2026", rep: "alice",
                        capturedAt: Date(timeIntervalSince1970: 1_795_000_000.123), source: source, contact: contact,
                        note: "wants a pilot", status: .hot, owner: "bob", tags: ["pilot", "émoji 🎉"],
                        nextAction: NextAction(action: "call", due: Date(timeIntervalSince1970: 1_795_300_000)),
                        consent: Consent(given: true, textVersion: "kiosk-v1", at: Date(timeIntervalSince1970: 1_795_000_006)),
                        raw: RawPayload(mediaType: "text/vcard", bytes: Array("BEGIN:VCARD\r\n".utf8) + [0, 0xFF]))
        if merged {
            // A roster match and a warning: the keys that are left out when empty.
            lead.source.matched = RosterMatch(key: "uid", value: "04A1B2C3D4E5F6")
            lead.warnings = ["profile link https://popl.co/x: timed out after 3 s"]
            lead.mergedCaptures = [Capture(capturedAt: Date(timeIntervalSince1970: 1_795_000_100), source: source,
                                           raw: RawPayload(mediaType: "text/plain", bytes: [1, 2, 3]))]
        }
        return lead
    }

    @Test func writesTheSameObjectAsTheCodableEncoder() throws {
        for lead in [Self.sampleLead(), Self.sampleLead(merged: false)] {
            let fast = try JSONSerialization.jsonObject(with: Data(LeadJSON.encode(lead).utf8)) as? NSDictionary
            let codable = try JSONSerialization.jsonObject(with: JSONEncoder().encode(lead)) as? NSDictionary
            #expect(fast != nil)
            #expect(fast == codable)
        }
    }

    /// Values are checked for bytes to escape eight at a time: a special byte at any
    /// position, before, inside or after a word, and next to multi-byte UTF-8, still gets
    /// escaped, and plain text of any length comes through as it was.
    @Test func escapesASpecialByteAtAnyPosition() throws {
        for special in ["\"", "\\", "\n", "\r", "\t", "\u{1}", "\u{1F}"] {
            for length in [0, 1, 7, 8, 9, 15, 16, 17, 24] {
                for position in 0...length {
                    var name = String(repeating: "é", count: length / 2) + String(repeating: "a", count: length - length / 2)
                    name.insert(contentsOf: special, at: name.index(name.startIndex, offsetBy: position))
                    var lead = Self.sampleLead(merged: false)
                    lead.contact.fullName = name
                    let object = try #require(try JSONSerialization.jsonObject(with: Data(LeadJSON.encode(lead).utf8)) as? [String: Any])
                    let contact = try #require(object["contact"] as? [String: Any])
                    #expect(contact["full_name"] as? String == name, "\(special.debugDescription) at \(position) of \(length)")
                }
            }
        }
        for plain in ["", "a", "abcdefgh", "abcdefghi", String(repeating: "Ünïcödé ~", count: 9)] {
            var lead = Self.sampleLead(merged: false)
            lead.contact.fullName = plain
            #expect(LeadJSON.encode(lead).contains("\"full_name\":\"\(plain)\""))
        }
    }

    @Test func roundTripsThroughTheDecoder() throws {
        let lead = Self.sampleLead()
        let decoded = try JSONDecoder().decode(Lead.self, from: Data(LeadJSON.encode(lead).utf8))
        #expect(decoded == lead)
    }

    @Test func writesDesignKeysWithExplicitNulls() throws {
        var lead = Self.sampleLead(merged: false)
        lead.consent = nil
        lead.note = nil
        let object = try #require(try JSONSerialization.jsonObject(with: Data(LeadJSON.encode(lead).utf8)) as? [String: Any])
        for key in ["id", "event", "rep", "captured_at", "source", "contact", "note", "status", "owner", "tags", "next_action", "consent", "raw"] {
            #expect(object.keys.contains(key), "missing \(key)")
        }
        #expect(object["note"] is NSNull)
        #expect(object["consent"] is NSNull)
        #expect((object["captured_at"] as? String) == "2026-11-18T11:06:40.123Z")
        let raw = try #require(object["raw"] as? [String: Any])
        #expect(raw["base64"] as? String == Data(lead.raw.bytes).base64EncodedString())
    }

    @Test func timestampsRoundTripWithMilliseconds() {
        for seconds in [0.0, 1_795_000_000.123, 951_782_400.5, 4_102_444_799.999, -86_400.25] {
            let date = Date(timeIntervalSince1970: seconds)
            let text = Timestamp.format(date)
            let back = Timestamp.parse(text)
            #expect(back.map { abs($0.timeIntervalSince1970 - seconds) < 0.001 } == true, "\(seconds) -> \(text)")
        }
        #expect(Timestamp.format(Date(timeIntervalSince1970: 951_782_400)) == "2000-02-29T00:00:00.000Z")
        #expect(Timestamp.parse("2026-11-22T10:15:03+01:00") == Date(timeIntervalSince1970: 1_795_338_903))
        #expect(Timestamp.parse("2026-11-22") == nil)
    }

    @Test func leadIDsAreVersion7AndSortByTime() {
        let early = LeadID.make(at: Date(timeIntervalSince1970: 1_000))
        let late = LeadID.make(at: Date(timeIntervalSince1970: 2_000))
        #expect(LeadID.isValid(early))
        #expect(Array(early)[14] == "7")
        #expect("89ab".contains(Array(early)[19]))
        #expect(early < late)
        #expect(LeadID.make() != LeadID.make())
    }

    @Test func sha256MatchesKnownDigests() {
        #expect(SHA256.hex([UInt8]()) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex(Array(String(repeating: "a", count: 1_000_000).utf8)) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
        // FIPS 180-4's two-block message: the padding needs a second block.
        #expect(SHA256.hex(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
            == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    /// Updates cut anywhere (across block edges, one byte at a time) give the one-shot digest.
    @Test func sha256UpdatesInPiecesMatchOneShot() {
        var generator = LeadID.SplitMix64(seed: 7)
        for length in [0, 1, 55, 56, 63, 64, 65, 119, 120, 127, 128, 129, 1000] {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let whole = SHA256.hex(bytes)
            for piece in [1, 3, 63, 64, 65] {
                var hasher = SHA256()
                var start = 0
                while start < bytes.count {
                    let end = min(bytes.count, start + piece)
                    hasher.update(Array(bytes[start..<end]))
                    start = end
                }
                #expect(hasher.finalizeHex() == whole, "length \(length) in pieces of \(piece)")
            }
            var mixed = SHA256()
            mixed.update("x")
            mixed.update(bytes[...])
            #expect(mixed.finalizeHex() == SHA256.hex(Array("x".utf8) + bytes))
        }
    }

    /// The writer's own base64 against Foundation's, for every length of a short payload.
    @Test func base64MatchesFoundationForEveryTailLength() throws {
        var generator = LeadID.SplitMix64(seed: 11)
        var lead = Self.sampleLead(merged: false)
        for length in 0..<70 {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            lead.raw = RawPayload(mediaType: "application/octet-stream", bytes: bytes)
            let object = try #require(try JSONSerialization.jsonObject(with: Data(LeadJSON.encode(lead).utf8)) as? [String: Any])
            let raw = try #require(object["raw"] as? [String: Any])
            #expect(raw["base64"] as? String == Data(bytes).base64EncodedString(), "length \(length)")
        }
    }

    @Test func leadIDsFromASeededGeneratorAreReproducible() {
        var a = LeadID.SplitMix64(seed: 42), b = LeadID.SplitMix64(seed: 42)
        let date = Date(timeIntervalSince1970: 1_795_000_000.123)
        let first = LeadID.make(at: date, using: &a)
        #expect(first == LeadID.make(at: date, using: &b))
        #expect(LeadID.isValid(first))
        // The first 48 bits are the milliseconds since 1970.
        #expect(first.hasPrefix(String(1_795_000_000_123, radix: 16).leftPadded(to: 12).inserting("-", at: 8)))
    }
}

private extension String {
    func leftPadded(to width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
    func inserting(_ s: String, at offset: Int) -> String {
        String(prefix(offset)) + s + String(dropFirst(offset))
    }
}

@Suite struct LeadJSONNulTests {
    @Test func dropsNulCharactersThatPostgresJSONBRefuses() throws {
        var lead = LeadJSONTests.sampleLead(merged: false)
        lead.note = "a\u{0}b"
        let text = LeadJSON.encode(lead)
        #expect(!text.contains("\\u0000"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(object["note"] as? String == "ab")
    }
}
