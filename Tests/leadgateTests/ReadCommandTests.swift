import Foundation
import NDEF
import Testing

/// `leadgate read` and `leadgate readers` against a real pcscd with vpcd and the virtual tag.
@Suite(.serialized, .virtualReaders)
struct ReadCommandTests {
    static let janeVCard = "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Doe;Jane;;;\r\nFN:Jane Doe\r\nORG:Acme Corp\r\nEMAIL:jane@acme.example\r\nTEL;TYPE=cell:+1 555 0100\r\nEND:VCARD\r\n"
    static let janeHex = NDEFMessage(records: [.media("text/vcard", payload: Array(janeVCard.utf8))]).encoded()
        .map { String(format: "%02X", $0) }.joined()
    static let longHex: String = {
        let note = String(repeating: "Met at booth 12, wants a 50-seat pilot. ", count: 14)
        let card = janeVCard.replacingOccurrences(of: "END:VCARD", with: "NOTE:\(note)\r\nEND:VCARD")
        return NDEFMessage(records: [.media("text/vcard", payload: Array(card.utf8))]).encoded().map { String(format: "%02X", $0) }.joined()
    }()

    static func objects(_ stdout: String) throws -> [[String: Any]] {
        try stdout.split(separator: "\n").map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        }
    }

    @Test func printsOneJSONLinePerTapWithTheContact() async throws {
        let tag = try VirtualReaderFixture.tag(["--slot", "0", "--stay", "--kind", "ntag215", "--uid", "04A1B2C3D4E5F6", "--ndef-hex", Self.janeHex])
        let result = try await VirtualReaderFixture.leadgate(["read", "--json", "--reader", VirtualReaderFixture.slot0, "--timeout", "20", "--region", "US"])
        await tag.stop()
        try await VirtualReaderFixture.waitUntilReadersAreEmpty()

        #expect(result.status == 0, "\(result.stderr)")
        let lines = try Self.objects(result.stdout)
        let line = try #require(lines.first)
        #expect(lines.count == 1)
        #expect(line["reader"] as? String == VirtualReaderFixture.slot0)
        #expect(line["tag_uid"] as? String == "04A1B2C3D4E5F6")
        #expect(line["tag_type"] as? String == "ntag215")
        #expect(line["format"] as? String == "ndef")
        let record = try #require((line["records"] as? [[String: Any]])?.first)
        #expect(record["type"] as? String == "text/vcard")
        #expect(record["tnf"] as? Int == 2)
        let contact = try #require((line["contacts"] as? [[String: Any]])?.first)
        #expect(contact["full_name"] as? String == "Jane Doe")
        #expect(contact["emails"] as? [String] == ["jane@acme.example"])
        #expect((contact["phones"] as? [[String: Any]])?.first?["e164"] as? String == "+15550100")
    }

    @Test func readsATapFromEachOfTwoReadersThenExits() async throws {
        let first = try VirtualReaderFixture.tag(["--slot", "0", "--stay", "--kind", "mifare_classic_1k", "--uid", "0A0B0C0D"])
        let second = try VirtualReaderFixture.tag(["--slot", "1", "--stay", "--kind", "ntag213", "--uri", "https://popl.co/jane"])
        let result = try await VirtualReaderFixture.leadgate(["read", "--json", "--count", "2", "--timeout", "20"])
        await first.stop()
        await second.stop()
        try await VirtualReaderFixture.waitUntilReadersAreEmpty()

        #expect(result.status == 0, "\(result.stderr)")
        let lines = try Self.objects(result.stdout)
        #expect(Set(lines.compactMap { $0["reader"] as? String }) == [VirtualReaderFixture.slot0, VirtualReaderFixture.slot1])
        let badge = try #require(lines.first { $0["reader"] as? String == VirtualReaderFixture.slot0 })
        #expect(badge["format"] as? String == "uid")
        #expect(badge["tag_uid"] as? String == "0A0B0C0D")
        #expect(badge["tag_type"] as? String == "mifare_classic_1k")
        let link = try #require(lines.first { $0["reader"] as? String == VirtualReaderFixture.slot1 })
        #expect(((link["contacts"] as? [[String: Any]])?.first?["urls"] as? [String]) == ["https://popl.co/jane"])
    }

    @Test func printsAReadableLineWithoutJSON() async throws {
        let tag = try VirtualReaderFixture.tag(["--slot", "0", "--kind", "type4", "--uid", "04112233445566", "--ndef-hex", Self.janeHex])
        let result = try await VirtualReaderFixture.leadgate(["read", "--timeout", "20"])
        try await tag.wait(timeout: .seconds(20))
        try await VirtualReaderFixture.waitUntilReadersAreEmpty()

        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.hasPrefix("\(VirtualReaderFixture.slot0)  type4  04112233445566  Jane Doe (Acme Corp) <jane@acme.example>"))
    }

    @Test func exitsWithBadDataNamingTheReaderWhenTheTagIsPulledAway() async throws {
        let tag = try VirtualReaderFixture.tag(["--slot", "0", "--kind", "ntag216", "--ndef-hex", Self.longHex, "--remove-after", "3"])
        let result = try await VirtualReaderFixture.leadgate(["read", "--json", "--timeout", "20"])
        try await tag.wait(timeout: .seconds(20))
        try await VirtualReaderFixture.waitUntilReadersAreEmpty()

        #expect(result.status == 65)
        #expect(result.stderr.contains("leadgate: error: \(VirtualReaderFixture.slot0): incomplete read, the tag left after 32 bytes were read"))
        let line = try #require(try Self.objects(result.stdout).first)
        #expect((line["contacts"] as? [Any])?.isEmpty == true)
        #expect((line["incomplete"] as? [String: Any])?["bytes_read"] as? Int == 32)
    }

    @Test func keepsWaitingWhilePCSCDIsDownAndRestarts() async throws {
        try await VirtualReaderFixture.pcscd("kill")
        let read = try SpawnedProcess(LeadgateBinary.url.path, ["read", "--json", "--timeout", "40"])
        try await Self.waitFor("the not-running warning", in: read) { $0.contains("pcscd is not running") }
        try await VirtualReaderFixture.pcscd("start")
        try await Self.waitFor("the service to come back", in: read) { $0.contains("pcscd is back") }
        // A restart while read waits: the readers go and come back, and read carries on.
        try await VirtualReaderFixture.pcscd("restart")
        try await Task.sleep(for: .milliseconds(800))
        let tag = try VirtualReaderFixture.tag(["--slot", "1", "--kind", "mifare_classic_4k", "--uid", "7F000001"])
        let status = try await read.wait(timeout: .seconds(40))
        try await tag.wait(timeout: .seconds(20))
        try await VirtualReaderFixture.waitUntilReadersAreEmpty()

        #expect(status == 0, "\(read.stderr)")
        let line = try #require(try Self.objects(read.stdout).first)
        #expect(line["tag_uid"] as? String == "7F000001")
        #expect(line["tag_type"] as? String == "mifare_classic_4k")
        #expect(line["reader"] as? String == VirtualReaderFixture.slot1)
    }

    @Test func exitsUnavailableWhenPCSCDDoesNotComeBackInTime() async throws {
        try await VirtualReaderFixture.pcscd("kill")
        let result = try await VirtualReaderFixture.leadgate(["read", "--timeout", "2"])
        let readers = try await VirtualReaderFixture.leadgate(["readers"])
        try await VirtualReaderFixture.pcscd("start")

        #expect(result.status == 69)
        #expect(result.stderr.contains("leadgate: warning: pcscd is not running (SCardEstablishContext returned SCARD_E_NO_SERVICE)"))
        #expect(result.stderr.contains("leadgate: error: pcscd is not running and did not come back within 2 s"))
        #expect(readers.status == 69)
        #expect(readers.stderr.contains("leadgate: error: pcscd is not running"))
    }

    @Test func exitsUnavailableWhenNoTagComesInTime() async throws {
        let result = try await VirtualReaderFixture.leadgate(["read", "--reader", "00 01", "--timeout", "1.5"])
        #expect(result.status == 69)
        #expect(result.stderr.contains("leadgate: error: 0 of 1 taps within 1.5 s on \(VirtualReaderFixture.slot1)"))
    }

    @Test func listsTheVirtualReadersAndTheTagOnOne() async throws {
        let tag = try VirtualReaderFixture.tag(["--slot", "1", "--stay", "--kind", "mifare_classic_1k"])
        var readers: [[String: Any]] = []
        let deadline = ContinuousClock.now + .seconds(5)
        repeat {
            let result = try await VirtualReaderFixture.leadgate(["readers", "--json"])
            #expect(result.status == 0)
            readers = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
            if readers.contains(where: { $0["tag_present"] as? Bool == true }) { break }
            try await Task.sleep(for: .milliseconds(100))
        } while ContinuousClock.now < deadline
        let text = try await VirtualReaderFixture.leadgate(["readers"])
        await tag.stop()
        try await VirtualReaderFixture.waitUntilReadersAreEmpty()

        #expect(readers.compactMap { $0["name"] as? String } == [VirtualReaderFixture.slot0, VirtualReaderFixture.slot1])
        let slotOne = try #require(readers.last)
        #expect(slotOne["tag_present"] as? Bool == true)
        #expect(slotOne["tag_type"] as? String == "mifare_classic_1k")
        #expect(slotOne["atr"] as? String == "3B8F8001804F0CA000000306030001000000006A")
        #expect(text.stdout.contains("\(VirtualReaderFixture.slot0)  no tag"))
    }

    @Test func doctorReportsPCSCDAndItsReaders() async throws {
        let result = try await VirtualReaderFixture.leadgate(["doctor"])
        #expect(result.stdout.contains("ok       pcscd answers"))
        #expect(result.stdout.contains("ok       reader \(VirtualReaderFixture.slot0): no tag"))
        #expect(result.stdout.contains("ok       reader \(VirtualReaderFixture.slot1): no tag"))
    }

    static func waitFor(_ what: String, in process: SpawnedProcess, timeout: Duration = .seconds(15),
                        _ condition: (String) -> Bool) async throws {
        let deadline = ContinuousClock.now + timeout
        while !condition(process.stderr) {
            guard ContinuousClock.now < deadline, process.status == nil else {
                throw FixtureFailure("no \(what): leadgate read printed \(process.stderr)")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
    }
}
