import Foundation
import Testing
import TestSupport

/// Issue 19 point 10: `parse` on nested 2.1 cards, an empty NDEF message, and many cards.
@Suite struct ParseCornerCaseTests {
    /// Writes `bytes` to a new file and runs `leadgate parse FILE arguments...`.
    func parse(_ bytes: [UInt8], _ arguments: [String] = []) async throws -> ChildProcess.Output {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("leadgate-corner-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("input")
        try Data(bytes).write(to: file)
        return try await ChildProcess.leadgate(["parse", file.path] + arguments)
    }

    func contacts(_ output: ChildProcess.Output) throws -> [[String: Any]] {
        let object = try #require(try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any])
        return try #require(object["contacts"] as? [[String: Any]])
    }

    @Test func anEmptyNDEFMessageIsBadData() async throws {
        let result = try await parse([], ["--format", "ndef"])
        #expect(result.status == 65)
        #expect(result.stderr.hasPrefix("leadgate: error: ") && result.stderr.contains("empty NDEF message"), "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1)
    }

    @Test func keepsEveryCardAndPropertyOfNested21Cards() async throws {
        let text = "BEGIN:VCARD\r\nVERSION:2.1\r\nN:Boss;Barbara\r\nBEGIN:VCARD\r\nVERSION:2.1\r\nN:Assistant;Andy\r\nEND:VCARD\r\n"
            + "BEGIN:VCARD\r\nVERSION:2.1\r\nN:Deputy;Dora\r\nEND:VCARD\r\nTEL:1\r\nEND:VCARD\r\n"
        let result = try await parse(Array(text.utf8))
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.isEmpty, "no false error")
        let cards = try contacts(result)
        #expect(cards.map { $0["full_name"] as? String } == ["Barbara Boss", "Andy Assistant", "Dora Deputy"])
        #expect((cards.first?["phones"] as? [[String: Any]])?.map { $0["number"] as? String } == ["1"])
    }

    /// The fast writer's JSON carries what JSONEncoder's did: every card, every key, escapes
    /// that read back, and the same object indented or not, written out in pieces (every
    /// 1,000 contacts).
    @Test func writesManyCardsAsJSONThatReadsBack() async throws {
        var text = ""
        for i in 0..<2_500 {
            text += "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Jane \"\(i)\" Doe\\, Jr.\r\nNOTE:line one\\nline two / é\r\n"
                + "EMAIL:jane\(i)@acme.example\r\nTEL;TYPE=CELL:+1 415 555 \(1000 + i)\r\nEND:VCARD\r\n"
        }
        let plain = try await parse(Array(text.utf8))
        #expect(plain.status == 0, "\(plain.stderr)")
        #expect(plain.stdout.split(separator: "\n").count == 1)
        let cards = try contacts(plain)
        #expect(cards.count == 2_500)
        #expect(cards[7]["full_name"] as? String == "Jane \"7\" Doe, Jr.")
        #expect(cards[7]["note"] as? String == "line one\nline two / é")
        #expect((cards[7]["phones"] as? [[String: Any]])?.first?["e164"] as? String == "+14155551007")
        let pretty = try await parse(Array(text.utf8), ["--pretty"])
        #expect(pretty.stdout.split(separator: "\n").count > 2_500)
        let a = try JSONSerialization.jsonObject(with: Data(plain.stdout.utf8)) as? NSDictionary
        let b = try JSONSerialization.jsonObject(with: Data(pretty.stdout.utf8)) as? NSDictionary
        #expect(a != nil && a == b)
    }
}
