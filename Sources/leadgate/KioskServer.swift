import Foundation
import Gateway
import Hummingbird
import Logging
import NDEF
import Synchronization
import TagReaders

/// The kiosk's web server (Hummingbird, HTTP/1.1 on loopback): the page, its stream of
/// screens, the visitor's touches, and the staff exit behind the PIN.
///
/// `GET /` the page (`/kiosk.css`, `/kiosk.js` beside it); `GET /events` the screens as
/// Server-Sent Events; `POST /action` `{"action","choice","generation"}`; `POST /exit`
/// `{"pin"}` stops the kiosk. With a simulated reader, `POST /simulated/tap`
/// `{"name","email","organization"}` taps a card holding that vCard (benchmarks only).
final class KioskServer: Sendable {
    let session: KioskSession
    let pin: String
    let simulated: SimulatedBackend?
    let logger: Logger
    private let stops: AsyncStream<StopReason>.Continuation
    let stopRequests: AsyncStream<StopReason>
    private let failedPINs = Mutex<(count: Int, lockedUntil: ContinuousClock.Instant)>((0, .now))

    enum StopReason: Sendable {
        case pin, signal(Int32), serverEnded
    }

    init(session: KioskSession, pin: String, simulated: SimulatedBackend?, logger: Logger) {
        self.session = session
        self.pin = pin
        self.simulated = simulated
        self.logger = logger
        (stopRequests, stops) = AsyncStream.makeStream(of: StopReason.self, bufferingPolicy: .bufferingNewest(4))
    }

    func requestStop(_ reason: StopReason) { stops.yield(reason) }

    struct ActionBody: Decodable {
        var action: String
        var choice: Int?
        var generation: Int
    }

    struct ExitBody: Decodable {
        var pin: String
    }

    struct SimulatedVisitor: Decodable {
        var name: String?
        var email: String?
        var organization: String?
        var uid: String?
    }

    /// Five wrong PINs in a row lock the pad for a minute.
    static let pinAttempts = 5

    func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.get("/") { _, _ in Self.asset(KioskPage.html, type: "text/html; charset=utf-8") }
        router.get("/kiosk.css") { _, _ in Self.asset(KioskPage.css, type: "text/css; charset=utf-8") }
        router.get("/kiosk.js") { _, _ in Self.asset(KioskPage.script, type: "text/javascript; charset=utf-8") }
        router.get("/events") { [session] _, _ in
            let views = session.subscribe()
            return Response(status: .ok, headers: [.contentType: "text/event-stream", .cacheControl: "no-store"],
                            body: ResponseBody { writer in
                                try await writer.write(ByteBuffer(string: "retry: 500\n\n"))
                                for await view in views {
                                    try await writer.write(ByteBuffer(string: "data: \(view.json())\n\n"))
                                }
                                try await writer.finish(nil)
                            })
        }
        router.post("/action") { [session] request, context in
            guard let body = try? await request.decode(as: ActionBody.self, context: context),
                  let action = KioskAction(name: body.action, choice: body.choice) else {
                return Response(status: .badRequest)
            }
            // 409: the touch was meant for a screen already gone (another visitor's).
            return Response(status: session.perform(action, generation: body.generation) ? .noContent : .conflict)
        }
        router.post("/exit") { [self] request, context in
            let body = try? await request.decode(as: ExitBody.self, context: context)
            return Response(status: checkPIN(body?.pin ?? ""))
        }
        if let simulated {
            router.post("/simulated/tap") { request, context in
                guard let visitor = try? await request.decode(as: SimulatedVisitor.self, context: context) else {
                    return Response(status: .badRequest)
                }
                _ = try? simulated.tap(Self.simulatedTag(visitor))
                return Response(status: .noContent)
            }
        }
        return router
    }

    /// 200 and the kiosk stops; 403 for a wrong PIN; 429 while locked after too many.
    func checkPIN(_ tried: String) -> HTTPResponse.Status {
        failedPINs.withLock { state in
            let now = ContinuousClock.now
            if now < state.lockedUntil { return .tooManyRequests }
            // Compared in full, not stopping at the first different character.
            let given = Array(tried.utf8), expected = Array(pin.utf8)
            var difference = given.count == expected.count ? 0 : 1
            for (index, byte) in expected.enumerated() { difference |= Int(byte ^ (index < given.count ? given[index] : 0)) }
            guard difference == 0 else {
                state.count += 1
                logger.warning("kiosk exit refused: wrong PIN", metadata: ["kiosk.failed_pins": "\(state.count)"])
                if state.count >= Self.pinAttempts {
                    state.count = 0
                    state.lockedUntil = now + .seconds(60)
                }
                return .forbidden
            }
            state.count = 0
            requestStop(.pin)
            return .ok
        }
    }

    static func asset(_ text: String, type: String) -> Response {
        // Only the kiosk's own files, never in a frame: the page cannot be made to load anything else.
        let headers: HTTPFields = [
            .contentType: type, .cacheControl: "no-store",
            .contentSecurityPolicy: "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
        ]
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    static func simulatedTag(_ visitor: SimulatedVisitor) -> SimulatedTag {
        var card = "BEGIN:VCARD\r\nVERSION:3.0\r\n"
        if let name = visitor.name { card += "FN:\(name)\r\n" }
        if let org = visitor.organization { card += "ORG:\(org)\r\n" }
        if let email = visitor.email { card += "EMAIL:\(email)\r\n" }
        card += "END:VCARD\r\n"
        let message = NDEFMessage(records: [.media("text/vcard", payload: Array(card.utf8))]).encoded()
        let uid = (visitor.uid.flatMap { hex in
            stride(from: 0, to: hex.count - 1, by: 2).compactMap { UInt8(hex.dropFirst($0).prefix(2), radix: 16) }
        }).flatMap { $0.isEmpty ? nil : $0 } ?? (0..<7).map { _ in UInt8.random(in: 0...255) }
        return SimulatedTag(uid: uid, type: SimulatedTag.smallestType(holding: message), ndefMessage: message)
    }
}
