import Foundation
import Leads

/// What the kiosk asks of a visitor: the consent text with its version, and the qualifying
/// questions; and how long it waits before it forgets a visitor.
public struct KioskConfig: Sendable {
    public var consentText: String
    /// The version recorded in each lead's `consent.text_version`.
    public var consentVersion: String
    public var questions: [KioskQuestion]
    /// No touch or tap for this long at any step returns to the idle screen.
    public var idleTimeout: Duration
    /// How long the thank-you (or declined) screen stays before the idle screen.
    public var farewell: Duration

    public init(consentText: String = KioskConfig.defaultConsentText, consentVersion: String? = nil,
                questions: [KioskQuestion] = [], idleTimeout: Duration = .seconds(30), farewell: Duration = .seconds(6)) {
        self.consentText = consentText
        self.consentVersion = consentVersion ?? KioskConfig.version(of: consentText)
        self.questions = questions
        self.idleTimeout = idleTimeout
        self.farewell = farewell
    }

    public static let defaultConsentText = """
        I agree that the exhibitor may store the contact details shown and contact me about its \
        products and services. I can withdraw at any time by writing to the exhibitor. If I say \
        no thanks, nothing about me is kept.
        """

    /// A consent file: its text, and its version from a `version:` line (removed from the
    /// text), else `sha256:` and the first 12 hex digits of the text's hash.
    public static func consent(fromFile contents: String) -> (text: String, version: String) {
        var version: String?
        var lines: [Substring] = []
        for line in contents.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if version == nil, trimmed.lowercased().hasPrefix("version:") {
                let value = trimmed.dropFirst("version:".count).trimmingCharacters(in: .whitespaces)
                if !value.isEmpty { version = value; continue }
            }
            lines.append(line)
        }
        let text = lines.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
        return (text, version ?? Self.version(of: text))
    }

    public static func version(of text: String) -> String {
        "sha256:" + SHA256.hex(Array(text.utf8)).prefix(12)
    }
}

/// One single-choice question: `Interested in? | pilot | pricing | newsletter`.
public struct KioskQuestion: Sendable, Hashable, Encodable {
    public var text: String
    public var choices: [String]

    public init(text: String, choices: [String]) {
        self.text = text
        self.choices = choices
    }

    /// The tag an answer adds to the lead: the choice in lower case, spaces as dashes.
    public static func tag(for choice: String) -> String {
        let words = choice.lowercased().split(whereSeparator: { !$0.isLetter && !$0.isNumber })
        return words.joined(separator: "-")
    }

    /// Parses a questions file: one question a line, the question then its choices, each
    /// after a `|`; blank lines and lines starting with `#` are skipped.
    /// Throws naming the line that is not a question with at least two choices.
    public static func parse(_ contents: String, file: String) throws(ImportError) -> [KioskQuestion] {
        var questions: [KioskQuestion] = []
        for (index, line) in contents.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            let parts = trimmed.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count >= 3, parts.allSatisfy({ !$0.isEmpty }) else {
                throw ImportError("\(file):\(index + 1): write a question then at least two choices, each after a |, e.g. Interested in? | pilot | pricing")
            }
            guard parts.count <= 7 else {
                throw ImportError("\(file):\(index + 1): at most 6 choices fit on the screen")
            }
            questions.append(KioskQuestion(text: parts[0], choices: Array(parts.dropFirst())))
        }
        guard questions.count <= 5 else {
            throw ImportError("\(file): \(questions.count) questions; a visitor at a kiosk answers at most 5")
        }
        return questions
    }
}
