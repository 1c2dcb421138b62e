import Foundation

/// What the kiosk page shows now: one screen, and only what that screen needs.
///
/// Sent to the page whole at every change (Server-Sent Events); the idle screen carries
/// nothing of any visitor, so a page that renders it holds nothing of the last one.
public struct KioskView: Sendable, Equatable, Encodable {
    public enum Screen: String, Sendable, Encodable {
        case idle, contact, consent, question, thanks, declined
    }

    public var screen: Screen
    /// Changes with every visitor and every step; an action names the generation it answers,
    /// so a touch meant for the previous visitor or step is ignored.
    public var generation: Int
    public var name: String?
    public var organization: String?
    public var title: String?
    public var email: String?
    /// A badge that holds only its UID: the UID, shown as "badge #...".
    public var badge: String?
    public var consentText: String?
    public var question: String?
    public var choices: [String]?
    public var questionNumber: Int?
    public var questionCount: Int?
    /// A line for the visitor (e.g. "hold the card still and tap again").
    public var message: String?
    /// When the reader reported the tap (Unix time, ms), on the contact screen: the page
    /// measures tap-to-screen against it.
    public var tapAt: Double?

    public init(screen: Screen, generation: Int) {
        self.screen = screen
        self.generation = generation
    }

    enum CodingKeys: String, CodingKey {
        case screen, generation, name, organization, title, email, badge, message, question, choices
        case consentText = "consent_text"
        case questionNumber = "question_number"
        case questionCount = "question_count"
        case tapAt = "tap_at"
    }

    public func json() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return (try? encoder.encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }
}

/// A visitor's touch on the page.
public enum KioskAction: Sendable, Equatable {
    /// "That's me": from the details to the consent text.
    case proceed
    /// "Not me": start over, nothing kept.
    case cancel
    case agree
    case decline
    /// The choice at this index for the current question.
    case answer(Int)
    case skip
    /// "Done" on the thank-you screen.
    case finish

    public init?(name: String, choice: Int?) {
        switch name {
        case "continue": self = .proceed
        case "cancel": self = .cancel
        case "agree": self = .agree
        case "decline": self = .decline
        case "answer":
            guard let choice else { return nil }
            self = .answer(choice)
        case "skip": self = .skip
        case "finish": self = .finish
        default: return nil
        }
    }
}
