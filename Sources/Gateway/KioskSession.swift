import Foundation
import Leads
import LeadStore
import Logging
import Synchronization
import TagReaders

/// The self-service kiosk's flow, independent of any screen: idle -> the visitor's details
/// -> consent -> questions -> thanks -> idle.
///
/// A tap is committed before its details are shown, but held (not queued for forwarding)
/// until the visitor agrees; declining, "not me", walking away (the idle timeout) or the
/// next visitor's tap before an answer delete it again, quarantined bytes included, and
/// only a count is kept (`meta`: `kiosk_declined`, `kiosk_abandoned`). The page follows
/// `subscribe()`; touches come back through `perform(_:generation:)`.
public final class KioskSession: Sendable {
    public let capture: BoothSession
    public let config: KioskConfig
    let logger: Logger
    private let state: Mutex<State>

    public static let declinedKey = "kiosk_declined"
    public static let abandonedKey = "kiosk_abandoned"

    struct Visitor {
        var leadID: String
        var origin: String
        var receivedAt: Date
        var contact: NormalizedContact
        var consented = false
        var questionIndex = 0
    }

    struct State {
        var view = KioskView(screen: .idle, generation: 0)
        var visitor: Visitor?
        var routing: KioskRouting
        var lastActivity = ContinuousClock.now
        var subscribers: [Int: AsyncStream<KioskView>.Continuation] = [:]
        var nextSubscriber = 0
        var closed = false
        var agreed = 0
        var readerMessage: String?
    }

    /// `capture` must use the `kiosk` channel, so its captures are held for consent.
    public init(capture: BoothSession, config: KioskConfig, routing: KioskRouting, logger: Logger) {
        precondition(capture.channel == .kiosk, "a kiosk captures on the kiosk channel")
        self.capture = capture
        self.config = config
        self.logger = logger
        state = Mutex(State(routing: routing))
    }

    public var store: LeadStore { capture.store }

    /// The screen as it is now.
    public var view: KioskView { state.withLock { $0.view } }

    /// Visitors who agreed since the kiosk started.
    public var agreedCount: Int { state.withLock { $0.agreed } }

    /// Every view from now on, starting with the current one; ends when the kiosk closes.
    public func subscribe() -> AsyncStream<KioskView> {
        let (stream, continuation) = AsyncStream.makeStream(of: KioskView.self, bufferingPolicy: .bufferingNewest(8))
        let id: Int? = state.withLock { state in
            guard !state.closed else { return nil }
            continuation.yield(state.view)
            state.nextSubscriber += 1
            state.subscribers[state.nextSubscriber] = continuation
            return state.nextSubscriber
        }
        guard let id else {
            continuation.finish()
            return stream
        }
        continuation.onTermination = { [weak self] _ in
            _ = self?.state.withLock { $0.subscribers.removeValue(forKey: id) }
        }
        return stream
    }

    /// A reader event: a tap starts over for a new visitor, whatever the screen shows.
    public func handle(_ event: TagEvent, now: Date = Date()) {
        state.withLock { state in
            switch event {
            case .tap(let tap):
                handleTap(tap, now: now, state: &state)
            case .serviceUnavailable:
                state.readerMessage = "The card reader is not ready. Please ask at the booth."
                if state.view.screen == .idle { show(idle(&state), in: &state) }
            case .serviceAvailable, .readerAdded:
                state.readerMessage = nil
                if state.view.screen == .idle { show(idle(&state), in: &state) }
            case .readerRemoved, .tagRemoved:
                break
            }
        }
    }

    private func handleTap(_ tap: Tap, now: Date, state: inout State) {
        forget(&state, countKey: Self.abandonedKey)
        state.lastActivity = .now
        let origin = "\(tap.reader) tag \(tap.uidHex)"
        do {
            switch try capture.handle(tap, now: now) {
            case .captured(let captured):
                let lead = captured.lead
                state.visitor = Visitor(leadID: lead.id, origin: origin, receivedAt: now, contact: lead.contact)
                var view = next(&state, .contact)
                let c = lead.contact
                view.name = c.fullName ?? c.urls.first ?? c.phones.first.map { $0.e164 ?? $0.number }
                view.organization = c.organization
                view.title = c.title
                view.email = c.emails.first
                if lead.source.format == "uid" && view.name == nil && view.email == nil { view.badge = lead.source.tagUID }
                let sinceArrival = ContinuousClock.now - captured.arrival
                view.tapAt = (Date().timeIntervalSince1970 - sinceArrival.seconds) * 1000
                show(view, in: &state)
            case .rejected:
                // A tag pulled away mid-read: its partial bytes went to the quarantine; without
                // consent they do not stay there either.
                try? store.discardUnconsented(nil, quarantineOrigin: origin, receivedAt: now, countKey: Self.abandonedKey)
                var view = idle(&state)
                view.message = "Hold your card flat on the reader until the screen changes, then try again."
                show(view, in: &state)
            }
        } catch {
            logger.error("kiosk tap not stored", metadata: ["error": "\(Self.code(of: error))"])
            var view = idle(&state)
            view.message = "Sorry, this kiosk cannot save right now. Please ask at the booth."
            show(view, in: &state)
        }
    }

    /// A touch on the page. False when it was meant for an earlier screen (another visitor's
    /// or a step already left): nothing changes then.
    @discardableResult
    public func perform(_ action: KioskAction, generation: Int, now: Date = Date()) -> Bool {
        state.withLock { state in
            guard generation == state.view.generation, !state.closed else { return false }
            state.lastActivity = .now
            switch (state.view.screen, action) {
            case (.contact, .proceed):
                var view = next(&state, .consent)
                view.consentText = config.consentText
                show(view, in: &state)
            case (.contact, .cancel):
                forget(&state, countKey: Self.declinedKey)
                show(idle(&state), in: &state)
            case (.consent, .agree):
                guard var visitor = state.visitor else { return false }
                let consent = Consent(given: true, textVersion: config.consentVersion, at: now)
                let owner = state.routing.owner(for: visitor.contact)
                do {
                    let lead = try store.confirmConsent(visitor.leadID, consent: consent, owner: owner, at: now)
                    visitor.leadID = lead.id
                    visitor.consented = true
                    state.visitor = visitor
                    state.agreed += 1
                    logger.info("kiosk visitor agreed", metadata: ["lead.id": "\(lead.id)", "lead.owner": "\(lead.owner)"])
                } catch {
                    logger.error("kiosk consent not stored", metadata: ["error": "\(Self.code(of: error))"])
                    state.view.message = "Sorry, that did not save. Please tap Agree again."
                    show(state.view, in: &state)
                    return true
                }
                show(question(0, &state), in: &state)
            case (.consent, .decline):
                forget(&state, countKey: Self.declinedKey)
                var view = next(&state, .declined)
                view.message = "No problem. Nothing about you was kept: your details have been deleted."
                show(view, in: &state)
            case (.question, .answer(let choice)):
                guard let visitor = state.visitor, visitor.questionIndex < config.questions.count else { return false }
                let asked = config.questions[visitor.questionIndex]
                guard asked.choices.indices.contains(choice) else { return false }
                let answer = asked.choices[choice]
                do {
                    try store.annotate(visitor.leadID, note: "\(asked.text) \(answer)",
                                       change: LeadChange(addTags: [KioskQuestion.tag(for: answer)]), at: now)
                } catch {
                    logger.error("kiosk answer not stored", metadata: ["error": "\(Self.code(of: error))"])
                }
                show(question(visitor.questionIndex + 1, &state), in: &state)
            case (.question, .skip):
                guard let visitor = state.visitor else { return false }
                show(question(visitor.questionIndex + 1, &state), in: &state)
            case (.thanks, .finish), (.declined, .finish):
                show(idle(&state), in: &state)
            default:
                return false
            }
            return true
        }
    }

    /// The clock: after the idle timeout with no touch (or the farewell time on the last
    /// screen), back to idle, forgetting a visitor who has not agreed.
    public func tick(now: ContinuousClock.Instant = .now) {
        state.withLock { state in
            let screen = state.view.screen
            guard screen != .idle else { return }
            let limit = screen == .thanks || screen == .declined ? config.farewell : config.idleTimeout
            guard now - state.lastActivity >= limit else { return }
            forget(&state, countKey: Self.abandonedKey)
            show(idle(&state), in: &state)
        }
    }

    /// Ends every page stream and forgets a visitor who has not agreed.
    public func close() {
        let streams = state.withLock { state in
            forget(&state, countKey: Self.abandonedKey)
            state.closed = true
            defer { state.subscribers = [:] }
            return Array(state.subscribers.values)
        }
        // Outside the lock: finishing a stream runs its termination handler, which takes it.
        for continuation in streams { continuation.finish() }
    }

    // MARK: - Steps

    /// The question at `index`, or the thank-you screen after the last.
    private func question(_ index: Int, _ state: inout State) -> KioskView {
        state.visitor?.questionIndex = index
        guard index < config.questions.count else {
            var view = next(&state, .thanks)
            view.name = state.visitor?.contact.givenName ?? state.visitor?.contact.fullName
            return view
        }
        var view = next(&state, .question)
        view.question = config.questions[index].text
        view.choices = config.questions[index].choices
        view.questionNumber = index + 1
        view.questionCount = config.questions.count
        return view
    }

    private func next(_ state: inout State, _ screen: KioskView.Screen) -> KioskView {
        KioskView(screen: screen, generation: state.view.generation + 1)
    }

    /// The idle screen: nothing of any visitor, only the reader's state.
    private func idle(_ state: inout State) -> KioskView {
        state.visitor = nil
        var view = next(&state, .idle)
        view.message = state.readerMessage
        return view
    }

    /// Deletes the current visitor's capture unless they agreed.
    private func forget(_ state: inout State, countKey: String) {
        guard let visitor = state.visitor else { return }
        state.visitor = nil
        guard !visitor.consented else { return }
        do {
            try store.discardUnconsented(visitor.leadID, quarantineOrigin: visitor.origin, receivedAt: visitor.receivedAt,
                                         countKey: countKey)
            logger.info("kiosk capture deleted without consent", metadata: ["kiosk.reason": "\(countKey)"])
        } catch {
            logger.error("kiosk capture could not be deleted", metadata: ["lead.id": "\(visitor.leadID)", "error": "\(Self.code(of: error))"])
        }
    }

    /// What went wrong, without the detail (it may quote a visitor's data).
    static func code(of error: any Error) -> String {
        (error as? StoreError).map { $0.code.description } ?? "\(type(of: error))"
    }

    private func show(_ view: KioskView, in state: inout State) {
        state.view = view
        for continuation in state.subscribers.values { continuation.yield(view) }
    }
}

extension Duration {
    var seconds: Double {
        let (s, atto) = components
        return Double(s) + Double(atto) / 1e18
    }
}
