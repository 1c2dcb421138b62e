import Foundation
@testable import Gateway
import Leads
import LeadStore
import Testing

/// Issue 18 defect 9: a big file of vCards is imported in pieces (cut between cards), so an
/// import holds a piece at a time; the result must be the same as reading the file whole.
@Suite struct ImportPiecesTests {
    /// 60 cards with what a cut must respect: a byte order mark, lower-case and padded
    /// BEGIN/END lines, blank lines between cards, a torn card (a BEGIN with no END, so
    /// the card after it must not start a piece), a card with nothing a lead can use, a
    /// folded NOTE, and 2.1 quoted-printable with a soft line break.
    static func cards() -> String {
        var text = "\u{FEFF}"
        for index in 0..<60 {
            switch index % 12 {
            case 3:
                text += "begin:vcard\r\nversion:3.0\r\nfn:Lower \(index)\r\nemail:lower\(index)@acme.example\r\nend:vcard  \r\n\r\n\r\n"
            case 5:
                text += "BEGIN:VCARD\r\nVERSION:2.1\r\nFN;ENCODING=QUOTED-PRINTABLE:J=C3=B6rg =\r\nM=C3=BCller \(index)\r\nEMAIL:qp\(index)@acme.example\r\nEND:VCARD\r\n"
            case 7 where index == 19:
                text += "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Torn \(index)\r\nTEL:+1 415 55\r\n"
            case 9:
                text += "BEGIN:VCARD\r\nVERSION:3.0\r\nX-NOTHING:at all \(index)\r\nEND:VCARD\r\n"
            default:
                text += Samples.vCard("Person \(index)", email: "p\(index)@acme.example",
                                      extra: ["NOTE:met at the booth, wants a demo of the\r\n  reader, card \(index)"])
            }
        }
        return text
    }

    /// Where BEGIN:VCARD lines start, found the slow, obvious way.
    static func beginOffsets(_ bytes: [UInt8]) -> [Int] {
        var offsets: [Int] = []
        var start = 0
        for (index, byte) in bytes.enumerated() where byte == 0x0A || index == bytes.count - 1 {
            let line = String(decoding: bytes[start...index], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            let bare = line.hasPrefix("\u{FEFF}") ? String(line.dropFirst()) : line
            if bare.uppercased() == "BEGIN:VCARD" { offsets.append(start) }
            start = index + 1
        }
        return offsets
    }

    @Test(arguments: [64, 100, 1 << 20])
    func piecesCoverTheFileAndAreCutOnlyBetweenWholeCards(chunkBytes: Int) throws {
        let w = try Workspace()
        let bytes = Array(Self.cards().utf8)
        let path = try w.write("cards.vcf", bytes)
        let pieces = try #require(ImportFiles.vCardPieces(path, pieceBytes: 700, chunkBytes: chunkBytes))
        #expect(pieces.count > 5)
        #expect(pieces.first?.range.lowerBound == 0 && pieces.last?.range.upperBound == bytes.count)
        for (a, b) in zip(pieces, pieces.dropFirst()) { #expect(a.range.upperBound == b.range.lowerBound) }
        let begins = Self.beginOffsets(bytes)
        let tornAt = try #require(String(decoding: bytes, as: UTF8.self).utf8.firstRange(of: "FN:Torn".utf8)?.lowerBound)
        let tornOffset = String(decoding: bytes, as: UTF8.self).utf8.distance(from: String(decoding: bytes, as: UTF8.self).utf8.startIndex, to: tornAt)
        for piece in pieces.dropFirst() {
            // A cut is at a BEGIN line, numbered by the BEGIN lines before it, and never
            // right after the torn card.
            let index = try #require(begins.firstIndex(of: piece.range.lowerBound), "cut at \(piece.range.lowerBound) is not a BEGIN line")
            #expect(piece.cardsBefore == index)
            let before = String(decoding: bytes[..<piece.range.lowerBound], as: UTF8.self)
                .split(whereSeparator: \.isNewline).last.map { $0.trimmingCharacters(in: .whitespaces).uppercased() }
            #expect(before == "END:VCARD", "the line before the cut at \(piece.range.lowerBound) is \(before ?? "-")")
            #expect(!(tornOffset..<(tornOffset + 200)).contains(piece.range.lowerBound))
            #expect(piece.range.count >= 700 || piece == pieces.last)
        }
        // The same cuts whatever the chunk the file is read in.
        #expect(ImportFiles.vCardPieces(path, pieceBytes: 700, chunkBytes: 1 << 20) == pieces)
    }

    @Test func filesThatAreNotVCardsOrAreSmallAreReadWhole() throws {
        let w = try Workspace()
        let mecards = try w.write("many.txt", String(repeating: "MECARD:N:Doe,Jane;EMAIL:jane@acme.example;;\r\n", count: 100))
        #expect(ImportFiles.vCardPieces(mecards, pieceBytes: 100) == nil)
        let prose = try w.write("prose.vcf", "Notes from the show\r\n" + Self.cards())
        #expect(ImportFiles.vCardPieces(prose, pieceBytes: 100) == nil, "a file whose first line is not BEGIN:VCARD")
        let small = try w.write("small.vcf", Self.cards())
        #expect(ImportFiles.vCardPieces(small, pieceBytes: 1 << 20) == nil, "one piece")
        let one = try w.write("one.vcf", Samples.vCard("Jane Doe", email: "jane@acme.example", extra: ["NOTE:" + String(repeating: "x", count: 5000)]))
        #expect(ImportFiles.vCardPieces(one, pieceBytes: 100) == nil, "a single card cannot be cut")
    }

    /// The file imported in pieces of about 700 bytes and whole: the same leads, the same
    /// rejects (file, byte offset in the file, card number, raw bytes).
    @Test func importingInPiecesGivesWhatTheWholeFileGives() throws {
        let text = Self.cards()
        func run(pieces: (above: Int, bytes: Int)) throws -> (summary: ImportSummary, leads: [String], rejects: [String]) {
            let w = try Workspace()
            let path = try w.write("cards.vcf", text)
            let job = ImportJob(builder: Samples.builder(), store: w.store, logger: quietLogger, workers: 2, batchSize: 7, pieces: pieces)
            let summary = try job.run([.file(path)])
            let leads = try w.store.leads().map { lead in
                "\(lead.contact.fullName ?? "-")|\(lead.contact.emails.joined(separator: ","))|\(lead.contact.note ?? "-")|\(lead.raw.bytes.count)"
            }.sorted()
            let rejects = try w.store.quarantined(withRaw: true).map { entry in
                "\(URL(fileURLWithPath: entry.origin).lastPathComponent)|\(entry.byteOffset.map(String.init) ?? "-")|\(entry.reason)|\(String(decoding: entry.raw, as: UTF8.self))"
            }.sorted()
            return (summary, leads, rejects)
        }
        let whole = try run(pieces: (Int.max, 1 << 20))
        let cut = try run(pieces: (0, 700))
        #expect(whole.summary.imported == 54 && whole.summary.files == 1, "\(whole.summary)")
        #expect(whole.rejects.count == 6, "\(whole.rejects)")
        #expect(cut.summary.imported == whole.summary.imported)
        #expect(cut.summary.cards == whole.summary.cards)
        #expect(cut.summary.files == 1, "a file read in pieces is one file")
        #expect(cut.leads == whole.leads)
        #expect(cut.rejects == whole.rejects)
        #expect(cut.rejects.contains { $0.contains("card 20 starting at byte") && $0.contains("torn") }, "\(cut.rejects)")
        #expect(cut.rejects.contains { $0.contains("card 58 holds no name") }, "\(cut.rejects)")
    }
}
