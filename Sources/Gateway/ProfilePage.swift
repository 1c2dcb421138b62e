import ContactFormats
import Foundation

/// The contact on a profile page that a digital business card links to: a vCard served as
/// such, a schema.org Person in JSON-LD, or an h-card (microformats2); else a "save contact"
/// link to a .vcf to fetch. Pure: bytes in, a card out. The page is hostile input: it is
/// scanned, never run, and only what a card holds is taken from it.
public enum ProfilePage {
    public enum Extraction: Sendable {
        /// A card, and where on the page it was (`vcard`, `json-ld`, `h-card`).
        case card(ContactCard, from: String)
        /// No card on the page itself, but a link to a vCard.
        case vcardLink(URL)
        case nothing
    }

    public static func extract(_ body: [UInt8], contentType: String?, url: URL) -> Extraction {
        let type = contentType?.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        if type == "text/vcard" || type == "text/x-vcard" || type == "text/directory" || url.pathExtension.lowercased() == "vcf" {
            if let card = try? VCardParser().parse(body).cards.first?.card { return .card(card, from: "vcard") }
            return .nothing
        }
        let html = String(decoding: body, as: UTF8.self)
        if let link = vcardLink(in: html, base: url) { return .vcardLink(link) }
        if let card = jsonLDPerson(in: html) { return .card(card, from: "json-ld") }
        if let card = hCard(in: html) { return .card(card, from: "h-card") }
        return .nothing
    }

    // MARK: vCard links

    /// The first `<a>` or `<link>` whose href ends in .vcf or whose type is text/vcard.
    static func vcardLink(in html: String, base: URL) -> URL? {
        for tag in tagTexts(in: html, named: ["a", "link"]) {
            guard let href = attribute("href", in: tag) else { continue }
            let type = attribute("type", in: tag)?.lowercased() ?? ""
            let path = href.split(separator: "?").first.map(String.init) ?? href
            guard path.lowercased().hasSuffix(".vcf") || type.hasPrefix("text/vcard") || type.hasPrefix("text/x-vcard") else { continue }
            if let url = URL(string: href, relativeTo: base)?.absoluteURL { return url }
        }
        return nil
    }

    // MARK: JSON-LD

    static func jsonLDPerson(in html: String) -> ContactCard? {
        var rest = html[...]
        while let open = rest.range(of: "<script", options: .caseInsensitive) {
            guard let tagEnd = rest[open.upperBound...].firstIndex(of: ">") else { return nil }
            let tag = String(rest[open.lowerBound...tagEnd])
            guard let close = rest[tagEnd...].range(of: "</script", options: .caseInsensitive) else { return nil }
            defer { rest = rest[close.upperBound...] }
            guard attribute("type", in: tag)?.lowercased() == "application/ld+json" else { continue }
            let json = rest[rest.index(after: tagEnd)..<close.lowerBound]
            guard let object = try? JSONSerialization.jsonObject(with: Data(json.utf8), options: [.fragmentsAllowed]),
                  let person = findPerson(object, depth: 0) else { continue }
            return card(person)
        }
        return nil
    }

    private static func findPerson(_ value: Any, depth: Int) -> [String: Any]? {
        guard depth < 8 else { return nil }
        if let list = value as? [Any] { return list.lazy.compactMap { findPerson($0, depth: depth + 1) }.first }
        guard let object = value as? [String: Any] else { return nil }
        let type = object["@type"]
        let types = (type as? [Any])?.compactMap { $0 as? String } ?? [(type as? String) ?? ""]
        if types.contains(where: { $0 == "Person" || $0.hasSuffix("/Person") }) { return object }
        for key in ["@graph", "mainEntity", "author", "about"] {
            if let nested = object[key], let found = findPerson(nested, depth: depth + 1) { return found }
        }
        return nil
    }

    private static func card(_ person: [String: Any]) -> ContactCard? {
        func text(_ key: String) -> String? {
            let value = person[key]
            if let s = value as? String { return s }
            if let list = value as? [Any] { return list.first as? String }
            if let object = value as? [String: Any] { return object["name"] as? String }
            return nil
        }
        func texts(_ key: String) -> [String] {
            if let s = person[key] as? String { return [s] }
            return (person[key] as? [Any])?.compactMap { $0 as? String } ?? []
        }
        let given = text("givenName"), family = text("familyName")
        let name = given != nil || family != nil ? StructuredName(family: family.map { [$0] } ?? [], given: given.map { [$0] } ?? []) : nil
        let organization = text("worksFor") ?? text("affiliation")
        let card = ContactCard(format: .text, formattedName: text("name"), name: name,
                               organization: organization.map { [$0] } ?? [], title: text("jobTitle"),
                               emails: texts("email").map { TypedValue($0) }, phones: texts("telephone").map { TypedValue($0) },
                               urls: texts("url") + texts("sameAs"))
        return card.isEmpty ? nil : card
    }

    // MARK: h-card

    /// The first h-card's p-name, u-email, p-tel, p-org, p-job-title and u-url.
    static func hCard(in html: String) -> ContactCard? {
        guard let start = html.range(of: "h-card") else { return nil }
        // The card's markup: from its element to the end of the page, at most 64 KB.
        let scope = String(html[start.lowerBound...].prefix(65_536))
        var values: [String: [String]] = [:]
        for tag in tags(in: scope, named: nil) {
            guard let classes = attribute("class", in: tag.text)?.split(separator: " ").map(String.init) else { continue }
            for name in classes where name.hasPrefix("p-") || name.hasPrefix("u-") {
                let value: String?
                if name.hasPrefix("u-") {
                    value = attribute("href", in: tag.text) ?? attribute("src", in: tag.text) ?? innerText(scope, after: tag.end)
                } else {
                    value = innerText(scope, after: tag.end)
                }
                if let value, !value.isEmpty { values[name, default: []].append(value) }
            }
        }
        let emails = (values["u-email"] ?? []).map { $0.hasPrefix("mailto:") ? String($0.dropFirst(7)) : $0 }
        let card = ContactCard(format: .text, formattedName: values["p-name"]?.first, organization: values["p-org"].map { [$0[0]] } ?? [],
                               title: values["p-job-title"]?.first, emails: emails.map { TypedValue($0) },
                               phones: (values["p-tel"] ?? []).map { TypedValue($0) }, urls: values["u-url"] ?? [])
        return card.isEmpty ? nil : card
    }

    // MARK: markup

    struct Tag {
        var text: String
        /// Where the tag ends (after its `>`), in the scanned string.
        var end: String.Index
    }

    /// Opening tags, optionally only those named (lower-case).
    static func tags(in html: String, named names: Set<String>?) -> [Tag] {
        var out: [Tag] = []
        var index = html.startIndex
        while let open = html[index...].firstIndex(of: "<"), out.count < 4096 {
            guard let close = html[open...].firstIndex(of: ">") else { break }
            let tag = html[open...close]
            index = html.index(after: close)
            let name = tag.dropFirst().prefix { $0.isLetter || $0.isNumber }.lowercased()
            guard !name.isEmpty, names?.contains(name) ?? true else { continue }
            out.append(Tag(text: String(tag), end: index))
        }
        return out
    }

    static func tagTexts(in html: String, named names: Set<String>) -> [String] {
        tags(in: html, named: names).map(\.text)
    }

    /// An attribute's value, quoted or not, entities decoded.
    static func attribute(_ name: String, in tag: String) -> String? {
        var search = tag[...]
        while let found = search.range(of: name, options: .caseInsensitive) {
            search = search[found.upperBound...]
            let before = tag[..<found.lowerBound].last
            guard before == " " || before == "\t" || before == "\n" else { continue }
            var rest = search.drop { $0 == " " }
            guard rest.first == "=" else { continue }
            rest = rest.dropFirst().drop { $0 == " " }
            if let quote = rest.first, quote == "\"" || quote == "'" {
                let value = rest.dropFirst().prefix { $0 != quote }
                return decodeEntities(String(value))
            }
            return decodeEntities(String(rest.prefix { $0 != " " && $0 != ">" && $0 != "/" }))
        }
        return nil
    }

    /// The text up to the next tag, trimmed and entities decoded.
    static func innerText(_ html: String, after index: String.Index) -> String? {
        let text = html[index...].prefix { $0 != "<" }.trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty ? nil : decodeEntities(text)
    }

    static func decodeEntities(_ text: String) -> String {
        guard text.contains("&") else { return text }
        var out = text
        for (entity, value) in [("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""), ("&#39;", "'"), ("&apos;", "'"), ("&nbsp;", " ")] {
            out = out.replacingOccurrences(of: entity, with: value)
        }
        return out.replacingOccurrences(of: "&amp;", with: "&")
    }
}
