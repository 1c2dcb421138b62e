import Foundation
import Testing

/// `leadgate parse` against the shared corpus of real-world vCards and QR payloads, scored
/// with the values the source projects' own tests expect (../shared/corpus/vcards).
///
/// A card counts as right when every field compared matches. Comparisons allow only the
/// differences that normalization makes on purpose, each named in `Expectation.matches`.
///
/// The corpus is not part of the repository: `LEADGATE_CORPUS=FOLDER` names the folder that
/// holds expected.jsonl, else it is ../shared/corpus/vcards beside the clone. Without it the
/// suite is skipped, saying so; `.ci/run` insists on it.
@Suite(.enabled(if: VCardCorpus.isPresent, VCardCorpus.absence))
struct VCardCorpusTests {
    static var corpus: URL { VCardCorpus.folder }

    @Test func parsesAtLeast97PercentOfCorpusCardsFullyRight() throws {
        let expectedURL = VCardCorpus.expectedURL
        let text = try #require(try? String(contentsOf: expectedURL, encoding: .utf8),
                                "the corpus is read from \(expectedURL.path); set LEADGATE_CORPUS to move it")
        let expectations = text.split(separator: "\n").compactMap { line -> [String: Any]? in
            try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
        }
        #expect(expectations.count >= 100)

        var outputs: [String: [[String: Any]]] = [:]
        var misses: [String] = []
        for expectation in expectations {
            let file = expectation["file"] as! String
            let index = expectation["card_index"] as! Int
            if outputs[file] == nil {
                let result = try LeadgateBinary.run(["parse", Self.corpus.appendingPathComponent(file).path])
                #expect(result.status == 0 || result.status == 65, "\(file): exit \(result.status) \(result.stderr)")
                let json = try result.json()
                outputs[file] = json["contacts"] as? [[String: Any]] ?? []
            }
            let contacts = outputs[file]!
            let contact = index < contacts.count ? contacts[index] : nil
            let problems = Expectation(expectation).mismatches(contact)
            if !problems.isEmpty { misses.append("\(file)#\(index): \(problems.joined(separator: "; "))") }
        }
        let right = expectations.count - misses.count
        let ratio = Double(right) / Double(expectations.count)
        print("vCard corpus: \(right)/\(expectations.count) cards fully right (\(String(format: "%.1f", ratio * 100))%)")
        for miss in misses { print("  miss: \(miss)") }
        #expect(ratio >= 0.97, "misses:\n\(misses.joined(separator: "\n"))")
    }
}

/// Where the corpus is: `LEADGATE_CORPUS`, else ../shared/corpus/vcards beside the clone.
enum VCardCorpus {
    static let folder: URL = {
        if let dir = ProcessInfo.processInfo.environment["LEADGATE_CORPUS"], !dir.isEmpty { return URL(fileURLWithPath: dir) }
        return LeadgateBinary.packageRoot.deletingLastPathComponent().appendingPathComponent("shared/corpus/vcards")
    }()

    static var expectedURL: URL { folder.appendingPathComponent("expected.jsonl") }
    static var isPresent: Bool { FileManager.default.isReadableFile(atPath: expectedURL.path) }
    static var absence: Comment {
        "no vCard corpus at \(expectedURL.path): set LEADGATE_CORPUS to the folder holding expected.jsonl (shared/corpus/vcards)"
    }
}

/// One line of expected.jsonl, compared with one contact of `leadgate parse`.
struct Expectation {
    let values: [String: Any]
    init(_ values: [String: Any]) { self.values = values }

    func mismatches(_ contact: [String: Any]?) -> [String] {
        if values["not_a_contact"] as? Bool == true {
            return contact == nil ? [] : ["a contact was found in text that is not a card"]
        }
        guard let contact else { return ["no contact at this index"] }
        var problems: [String] = []
        func check(_ field: String, _ ok: Bool, _ got: Any?) {
            if !ok { problems.append("\(field): expected \(values[field] ?? "nil"), got \(got ?? "nil")") }
        }
        let fullName = contact["full_name"] as? String
        if let fn = values["fn"] as? String {
            check("fn", Self.sameText(fn, fullName), fullName)
        } else if let display = values["display_name"] as? String {
            check("display_name", Self.sameText(display, fullName), fullName)
        }
        // Invalid emails are kept aside, not dropped: both lists together are what was read.
        let emails = (contact["emails"] as? [String] ?? []) + (contact["invalid_emails"] as? [String] ?? [])
        if let expected = values["emails"] as? [String] {
            // Normalization lower-cases the domain; compare without case.
            check("emails", expected.map { $0.lowercased() } == emails.map { $0.lowercased() }, emails)
        }
        let phones = contact["phones"] as? [[String: Any]] ?? []
        let numbers = phones.map { $0["number"] as? String ?? "" }
        if let expected = values["tels"] as? [String] {
            // A tel: URI's scheme is taken off: the lead keeps the number.
            check("tels", expected.map(Self.withoutTelScheme) == numbers, numbers)
        }
        if values.keys.contains("org") {
            check("org", Self.sameText(values["org"] as? String, contact["organization"] as? String), contact["organization"])
        }
        if values.keys.contains("title") {
            check("title", Self.sameText(values["title"] as? String, contact["title"] as? String), contact["title"])
        }
        if let note = values["note"] as? String {
            check("note", Self.sameText(note, contact["note"] as? String), contact["note"])
        }
        if let expected = values["addresses"] as? [String] {
            let got = contact["addresses"] as? [String] ?? []
            check("addresses", expected == got, got)
        }
        if let expected = values["urls"] as? [String] {
            let got = contact["urls"] as? [String] ?? []
            // A bare host name is kept as an https URL.
            check("urls", expected.count == got.count && zip(expected, got).allSatisfy { $0 == $1 || "https://" + $0 == $1 }, got)
        }
        if let expected = values["tel_types"] as? [Any] {
            let got = phones.map { ($0["types"] as? [String])?.first?.uppercased() }
            let want = expected.map { $0 as? String }
            check("tel_types", want == got, got)
        }
        if let n = values["n"] as? String {
            let family = contact["family_name"] as? String
            check("n", Self.sameText(n, family), family)
        }
        return problems
    }

    static func withoutTelScheme(_ s: String) -> String {
        s.lowercased().hasPrefix("tel:") ? String(s.dropFirst(4)) : s
    }

    /// Equal after trimming, with "" and absent the same: a lead holds no empty strings.
    static func sameText(_ a: String?, _ b: String?) -> Bool {
        let x = a?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        let y = b?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        return x == y
    }
}
