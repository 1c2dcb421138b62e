import Foundation
import NDEF
import Testing

/// `leadgate parse` end to end: the real binary, its JSON, its exit codes and its one error line.
@Suite struct ParseCommandTests {
    static let vcard = Array("BEGIN:VCARD\r\nVERSION:3.0\r\nN:Doe;Jane;;;\r\nFN:Jane Doe\r\nORG:Acme Corp\r\nTITLE:CTO\r\nEMAIL;TYPE=work:jane@acme.example\r\nTEL;TYPE=cell:+1 555 0100\r\nURL:https://acme.example/jane\r\nADR:;;1 Main St;Springfield;;;\r\nNOTE:met at the booth\r\nEND:VCARD\r\n".utf8)
    static let leadContactKeys: Set<String> = ["full_name", "given_name", "family_name", "organization", "title",
                                               "emails", "phones", "urls", "addresses", "note"]

    static func message(_ records: NDEFRecord...) -> [UInt8] {
        NDEFMessage(records: records).encoded()
    }

    /// A Type 2 memory image from page 0 holding `message` in an NDEF TLV.
    static func typeTwoImage(_ message: [UInt8]) -> [UInt8] {
        var image: [UInt8] = [0x04, 0xA1, 0xB2, 0x87, 0xC3, 0xD4, 0xE5, 0xF6, 0x52, 0x48, 0x00, 0x00, 0xE1, 0x10, 0x3E, 0x00]
        image += [0x03, UInt8(message.count)] + message + [0xFE]
        return image + [UInt8](repeating: 0, count: 16 + 496 - image.count)
    }

    /// Writes `bytes` to a new file and runs `leadgate parse` on it with `arguments` after the path.
    static func parse(_ bytes: [UInt8], _ arguments: [String] = [], name: String = "payload.bin") throws -> LeadgateBinary.Result {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("leadgate-parse-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent(name)
        try Data(bytes).write(to: file)
        return try LeadgateBinary.run(["parse", file.path] + arguments)
    }

    static func errorLines(_ result: LeadgateBinary.Result) -> [Substring] {
        result.stderr.split(separator: "\n")
    }

    @Test func printsTheJSONOfDesignForAnNDEFMessage() throws {
        let poster = SmartPoster(uri: "https://acme.example/ada", titles: [TextPayload(text: "Ada", language: "en")])
        let bytes = Self.message(.uri("https://popl.co/x"), .text("hello", language: "en"), .smartPoster(poster),
                                 .media("text/vcard", payload: Self.vcard, id: Array("card".utf8)))
        let result = try Self.parse(bytes)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.isEmpty)
        #expect(result.stdoutText.split(separator: "\n").count == 1, "one line when stdout is not a terminal")
        let json = try result.json()
        #expect(json["format"] as? String == "ndef")

        let records = try #require(json["records"] as? [[String: Any]])
        #expect(records.count == 4)
        #expect(records.map { $0["tnf"] as? Int } == [1, 1, 1, 2])
        #expect(records.map { $0["type"] as? String } == ["U", "T", "Sp", "text/vcard"])
        #expect(records.map { $0["id"] as? String } == ["", "", "", "card"])
        #expect(records.map { $0["payload_size"] as? Int } == [10, 8, poster.encoded().count, Self.vcard.count])
        #expect(records[0]["uri"] as? String == "https://popl.co/x")
        #expect(records[1]["text"] as? String == "hello")
        #expect(records[1]["lang"] as? String == "en")
        #expect(records[2]["uri"] as? String == "https://acme.example/ada")
        #expect(records[2]["title"] as? String == "Ada")
        #expect(records[3]["uri"] == nil && records[3]["text"] == nil)

        let contacts = try #require(json["contacts"] as? [[String: Any]])
        #expect(contacts.count == 3, "the URI, the Smart Poster and the vCard; \"hello\" holds no contact")
        for contact in contacts {
            #expect(Self.leadContactKeys.isSubset(of: contact.keys), "\(contact.keys.sorted())")
        }
        #expect(contacts.map { $0["urls"] as? [String] } == [["https://popl.co/x"], ["https://acme.example/ada"], ["https://acme.example/jane"]])
        let jane = contacts[2]
        #expect(jane["full_name"] as? String == "Jane Doe")
        #expect(jane["given_name"] as? String == "Jane")
        #expect(jane["family_name"] as? String == "Doe")
        #expect(jane["organization"] as? String == "Acme Corp")
        #expect(jane["title"] as? String == "CTO")
        #expect(jane["emails"] as? [String] == ["jane@acme.example"])
        #expect(jane["addresses"] as? [String] == ["1 Main St, Springfield"])
        #expect(jane["note"] as? String == "met at the booth")
        let phone = try #require((jane["phones"] as? [[String: Any]])?.first)
        #expect(phone["number"] as? String == "+1 555 0100")
        #expect(phone["e164"] as? String == "+15550100")
        #expect(phone["types"] as? [String] == ["cell"])
        #expect(contacts[0]["full_name"] is NSNull, "a field without a value is null, not left out")
    }

    @Test(arguments: ["D1 01 0D 55 04 61 63 6D 65 2E 65 78 61 6D 70 6C 65",
                      "0xD1:0x01:0x0D:0x55:0x04:0x61:0x63:0x6D:0x65:0x2E:0x65:0x78:0x61:0x6D:0x70:0x6C:0x65\n",
                      "d1010d5504\n61636d652e6578616d706c65"])
    func readsHexInput(hex: String) throws {
        let result = try LeadgateBinary.run(["parse", "--hex", "-"], stdin: Data(hex.utf8))
        #expect(result.status == 0, "\(result.stderr)")
        let json = try result.json()
        #expect(json["format"] as? String == "ndef")
        let records = try #require(json["records"] as? [[String: Any]])
        #expect(records.first?["uri"] as? String == "https://acme.example")
    }

    @Test func rejectsHexWithAnOddDigitCountOrANonHexCharacter() throws {
        for hex in ["D1 01 0", "D1 01 ZZ"] {
            let result = try Self.parse(Array(hex.utf8), ["--hex"], name: "dump.hex")
            #expect(result.status == 65)
            let lines = Self.errorLines(result)
            #expect(lines.count == 1)
            #expect(lines.first?.hasPrefix("leadgate: error: ") == true)
            #expect(lines.first?.contains("dump.hex") == true)
            #expect(lines.first?.contains("at byte") == true)
        }
    }

    @Test func readsEachFormatItIsTold() throws {
        let ndef = Self.message(.uri("https://popl.co/x"))
        let cases: [(format: String, bytes: [UInt8], printed: String)] = [
            ("auto", Self.typeTwoImage(ndef), "type2"),
            ("ndef", ndef, "ndef"),
            ("type2", Self.typeTwoImage(ndef), "type2"),
            ("type4", [0x00, UInt8(ndef.count)] + ndef, "type4"),
            ("vcard", Self.vcard, "vcard"),
            ("mecard", Array("MECARD:N:Doe,Jane;EMAIL:jane@acme.example;;".utf8), "mecard"),
            ("mecard", Array("BIZCARD:N:Jane;X:Doe;E:jane@acme.example;;".utf8), "bizcard"),
            ("mecard", Array("MEMORY:booth\r\nNAME1:Jane Doe\r\nMAIL1:jane@acme.example\r\n".utf8), "kddi"),
            ("text", Array("Write to jane@acme.example".utf8), "text"),
        ]
        for (format, bytes, printed) in cases {
            let result = try Self.parse(bytes, ["--format", format])
            #expect(result.status == 0, "--format \(format): \(result.stderr)")
            let json = try result.json()
            #expect(json["format"] as? String == printed, "--format \(format)")
            #expect((json["contacts"] as? [[String: Any]])?.count == 1, "--format \(format)")
        }
    }

    @Test func failsWhenTheBytesAreNotTheFormatItIsTold() throws {
        for format in ["ndef", "type2", "type4", "vcard", "mecard"] {
            let result = try Self.parse(Array("Write to jane@acme.example".utf8), ["--format", format], name: "note.txt")
            #expect(result.status == 65, "--format \(format)")
            #expect(Self.errorLines(result).count == 1, "--format \(format): \(result.stderr)")
            #expect(result.stderr.hasPrefix("leadgate: error: ") && result.stderr.contains("note.txt"), "--format \(format)")
        }
    }

    @Test func rejectsAnUnknownFormatAsBadUsage() throws {
        let result = try Self.parse(Self.vcard, ["--format", "xml"])
        #expect(result.status == 64)
        #expect(result.stdout.isEmpty)
    }

    @Test func readsStandardInputForADashAndForNoPath() throws {
        for arguments in [["parse", "-"], ["parse"]] {
            let result = try LeadgateBinary.run(arguments, stdin: Data("MECARD:N:Doe,Jane;TEL:+15550100;;".utf8))
            #expect(result.status == 0, "\(result.stderr)")
            let json = try result.json()
            #expect(json["format"] as? String == "mecard")
            let contacts = try #require(json["contacts"] as? [[String: Any]])
            #expect(contacts.first?["full_name"] as? String == "Jane Doe")
        }
    }

    @Test func namesAMissingFileInOneErrorLine() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("no-such-card-\(UUID().uuidString).vcf").path
        let result = try LeadgateBinary.run(["parse", path])
        #expect(result.status == 65)
        #expect(result.stdout.isEmpty)
        let lines = Self.errorLines(result)
        #expect(lines.count == 1)
        #expect(lines.first?.hasPrefix("leadgate: error: \(path)") == true, "\(result.stderr)")
    }

    @Test func printsTheCardsOfATornVCardAndNamesTheOffset() throws {
        let torn = Array("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ada Lovelace\r\nEMAIL:ada@example.org\r\n".utf8)
        let result = try Self.parse(Self.vcard + torn, name: "cards.vcf")
        #expect(result.status == 65)
        let lines = Self.errorLines(result)
        #expect(lines.count == 1)
        #expect(lines.first?.hasPrefix("leadgate: error: ") == true)
        #expect(lines.first?.hasSuffix("cards.vcf: card has no END:VCARD at byte \(Self.vcard.count)") == true, "\(result.stderr)")
        let json = try result.json()
        let contacts = try #require(json["contacts"] as? [[String: Any]])
        #expect(contacts.map { $0["full_name"] as? String } == ["Jane Doe", "Ada Lovelace"])
        #expect(contacts.last?["emails"] as? [String] == ["ada@example.org"])
    }

    @Test func namesTheOffsetOfBadNDEF() throws {
        let full = Self.message(.uri("https://acme.example/jane"))
        let result = try Self.parse(Array(full.dropLast(3)), name: "tag.ndef")
        #expect(result.status == 65)
        #expect(result.stdout.isEmpty)
        let lines = Self.errorLines(result)
        #expect(lines.count == 1)
        #expect(lines.first?.hasPrefix("leadgate: error: ") == true)
        #expect(lines.first?.contains("tag.ndef") == true)
        #expect(lines.first?.hasSuffix("at byte 2") == true, "\(result.stderr)")
    }

    @Test func namesOffsetZeroForGarbageAndAnEmptyFile() throws {
        for bytes: [UInt8] in [[0xFF, 0x00, 0x13, 0x37], []] {
            let result = try Self.parse(bytes, name: "junk.bin")
            #expect(result.status == 65)
            #expect(Self.errorLines(result).count == 1)
            #expect(result.stderr.contains("junk.bin") && result.stderr.contains("at byte 0"), "\(result.stderr)")
        }
    }

    @Test func usesTheRegionForNationalNumbers() throws {
        let card = Array("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Jane Doe\r\nTEL:030 1234567\r\nTEL:+44 20 7946 0958\r\nEND:VCARD\r\n".utf8)
        func e164s(_ region: String) throws -> [String?] {
            let result = try Self.parse(card, ["--region", region])
            #expect(result.status == 0, "\(result.stderr)")
            let contact = try #require((try result.json()["contacts"] as? [[String: Any]])?.first)
            return (contact["phones"] as? [[String: Any]] ?? []).map { $0["e164"] as? String }
        }
        let germany = try e164s("DE")
        #expect(germany == ["+49301234567", "+442079460958"])
        let elsewhere = try e164s("US")
        #expect(elsewhere[0] != germany[0], "the national number depends on the region")
        #expect(elsewhere[1] == "+442079460958", "an international number does not")
    }

    @Test func indentsTheJSONWhenAskedTo() throws {
        let result = try Self.parse(Self.vcard, ["--pretty"])
        #expect(result.status == 0)
        #expect(result.stdoutText.split(separator: "\n").count > 10)
        #expect(try result.json()["format"] as? String == "vcard")
    }

    @Test func explainsEveryFormatInItsHelp() throws {
        let result = try LeadgateBinary.run(["parse", "--help"])
        #expect(result.status == 0)
        let help = result.stdoutText
        for format in ["auto", "ndef", "type2", "type4", "vcard", "mecard", "text"] {
            #expect(help.contains(format), "parse --help does not mention \(format)")
        }
        #expect(help.contains("--hex"))
        #expect(help.contains("--format"))
        #expect(help.contains("--region"))
    }
}
