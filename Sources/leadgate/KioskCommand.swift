import ArgumentParser
import Foundation
import Gateway
import Hummingbird
import Leads
import LeadStore
import TagReaders

struct KioskCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kiosk",
        abstract: "Self-service kiosk: visitors tap, agree to be contacted, answer a question or two.",
        discussion: """
            Serves the kiosk's screen on loopback; open it in a browser in kiosk mode on the \
            touchscreen next to the reader:

              leadgate kiosk --event "RSA 2026" --pin 2468 \\
                --route round-robin:alice,bob,carol
              chromium --kiosk http://127.0.0.1:8470/

            A visitor taps a card, badge or phone, sees what was read, agrees (or not) to the \
            consent text, answers the questions, and the lead lands with an owner like any \
            booth lead (channel kiosk). A tap is stored at once but held until the visitor \
            agrees; "no thanks", "not me", walking away (--idle-timeout) or the next visitor's \
            tap delete it again, and only a count is kept.

            Owners (--route, repeatable): acme.example=bob sends that email domain to bob; \
            round-robin:alice,bob,carol takes turns among everyone else; --owner is the rest.

            Consent file: plain text; a line "version: kiosk-v2" names its version, else the \
            text's hash does. Questions file: one a line, "Interested in? | pilot | pricing | \
            newsletter"; the answers become tags and the lead's note.

            Leaving the kiosk needs the PIN: touch the top-right corner of the screen (or press \
            Ctrl+Alt+L) and enter it; the kiosk then stops and exits 0.
            """
    )

    @Option(help: "The event the leads were met at, e.g. \"RSA 2026\".")
    var event: String

    @Option(help: "The PIN that leaves the kiosk (4-12 digits). Default: $LEADGATE_KIOSK_PIN.")
    var pin: String?

    @Option(help: "Address and port to serve the page on. Keep it on loopback unless the browser is on another machine.")
    var listen = "127.0.0.1:8470"

    @Option(help: ArgumentHelp("Owner routing, repeatable: domain=owner or round-robin:alice,bob,carol.", valueName: "rule"))
    var route: [String] = []

    @Option(help: "Owner of leads no route matches. Default: the --rep value.")
    var owner: String?

    @Option(help: "The rep recorded on kiosk leads.")
    var rep = "kiosk"

    @Option(help: "Time to the first follow-up: 24h, 90m, 2d.")
    var sla = "24h"

    @Option(help: ArgumentHelp("The consent text (plain text; a \"version:\" line names its version).", valueName: "file"))
    var consent: String?

    @Option(help: ArgumentHelp("Qualifying questions, one a line: Question? | choice | choice ...", valueName: "file"))
    var questions: String?

    @Option(help: "Back to the idle screen after this long without a touch: 30s, 1m.")
    var idleTimeout = "30s"

    @Option(help: "Read only this reader (a name or part of one; nfc:CONNSTRING for a libnfc device). Default: every reader.")
    var reader: String?

    @Option(help: "Region for phone numbers without a country code (ISO 3166, e.g. DE).")
    var region: String?

    @Option(help: "Forward leads to this shared store in the background (postgres://... or https://...). Default: $LEADGATE_FORWARD.")
    var forward: String?

    @Flag(help: .hidden) var simulatedReader = false

    @OptionGroup var storeOptions: StoreOptions

    func validate() throws {
        guard !event.trimmingCharacters(in: .whitespaces).isEmpty else { throw ValidationError("--event must not be empty") }
        guard LeadPolicy.parseDuration(sla) != nil else { throw ValidationError("--sla \(sla): use a duration such as 24h, 90m or 2d") }
        guard let timeout = LeadPolicy.parseDuration(idleTimeout), timeout >= .seconds(5) else {
            throw ValidationError("--idle-timeout \(idleTimeout): use a duration of at least 5s, such as 30s or 1m")
        }
        _ = try parsedRoutes()
        _ = try listenAddress()
        if let region, !PhoneNumberNormalizer.isSupported(region: region.uppercased()) {
            throw ValidationError("--region \(region): not a region libphonenumber knows (use an ISO 3166 code such as US, DE, GB)")
        }
    }

    /// The PIN from --pin or the environment; a kiosk without one could not be left safely.
    func resolvedPIN() throws(CommandFailure) -> String {
        guard let pin = pin ?? ProcessInfo.processInfo.environment["LEADGATE_KIOSK_PIN"], !pin.isEmpty else {
            throw CommandFailure.usage("the kiosk needs a PIN to leave it: --pin 2468 or LEADGATE_KIOSK_PIN")
        }
        guard (4...12).contains(pin.count), pin.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw CommandFailure.usage("the kiosk PIN must be 4 to 12 digits")
        }
        return pin
    }

    func parsedRoutes() throws -> (byDomain: [String: String], roundRobin: [String]) {
        var byDomain: [String: String] = [:]
        var roundRobin: [String] = []
        for rule in route {
            if rule.lowercased().hasPrefix("round-robin:") {
                let owners = rule.dropFirst("round-robin:".count).split(separator: ",")
                    .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
                guard !owners.isEmpty else { throw ValidationError("--route \(rule): name the owners, e.g. round-robin:alice,bob,carol") }
                guard roundRobin.isEmpty else { throw ValidationError("--route \(rule): give one round-robin list") }
                roundRobin = owners
                continue
            }
            let parts = rule.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                throw ValidationError("--route \(rule): use domain=owner (acme.example=bob) or round-robin:alice,bob,carol")
            }
            byDomain[parts[0].lowercased()] = parts[1]
        }
        return (byDomain, roundRobin)
    }

    func listenAddress() throws -> (host: String, port: Int) {
        guard let colon = listen.lastIndex(of: ":"), let port = Int(listen[listen.index(after: colon)...]), (0...65535).contains(port) else {
            throw ValidationError("--listen \(listen): use HOST:PORT, e.g. 127.0.0.1:8470")
        }
        let host = String(listen[..<colon]).trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        guard !host.isEmpty else { throw ValidationError("--listen \(listen): name the address, e.g. 127.0.0.1:8470") }
        return (host, port)
    }

    func kioskConfig() throws -> KioskConfig {
        var config = KioskConfig(idleTimeout: LeadPolicy.parseDuration(idleTimeout) ?? .seconds(30))
        if let consent {
            guard let data = FileManager.default.contents(atPath: consent) else {
                Terminal.printError("--consent \(consent): cannot be read")
                throw ExitCode(66)
            }
            let (text, version) = KioskConfig.consent(fromFile: String(decoding: data, as: UTF8.self))
            guard !text.isEmpty else { throw CommandFailure.dataError("--consent \(consent): the file holds no text").report() }
            config.consentText = text
            config.consentVersion = version
        }
        if let questions {
            guard let data = FileManager.default.contents(atPath: questions) else {
                Terminal.printError("--questions \(questions): cannot be read")
                throw ExitCode(66)
            }
            do { config.questions = try KioskQuestion.parse(String(decoding: data, as: UTF8.self), file: questions) } catch {
                throw CommandFailure.dataError(error.description).report()
            }
        }
        return config
    }

    func run() async throws {
        let pin: String, config: KioskConfig
        do { pin = try resolvedPIN() } catch { throw error.report() }
        config = try kioskConfig()
        let (host, port) = try listenAddress()
        let routes = try parsedRoutes()
        let (store, forwarding) = try BackgroundForwarding.openStore(storeOptions, forwardingTo: forward)
        if let purged = try? store.purgeUnconsented(), purged > 0 {
            Terminal.write("kiosk: deleted \(purged) capture(s) a previous run held without an answer to the consent question\n")
        }
        let normalizer = ContactNormalizer(region: region?.uppercased()
            ?? PhoneNumberNormalizer.defaultRegion(environment: ProcessInfo.processInfo.environment))
        let builder = CaptureBuilder(event: event, rep: rep,
                                     policy: LeadPolicy(followUpWithin: LeadPolicy.parseDuration(sla) ?? LeadPolicy.defaultSLA),
                                     normalizer: normalizer)
        let capture = BoothSession(store: store, builder: builder, channel: .kiosk, logger: Log.logger("leadgate.kiosk"))
        let routing = KioskRouting(ownerByDomain: routes.byDomain, roundRobin: routes.roundRobin, defaultOwner: owner ?? rep)
        let session = KioskSession(capture: capture, config: config, routing: routing, logger: Log.logger("leadgate.kiosk"))
        let simulated = simulatedReader ? SimulatedBackend(logger: Log.logger("leadgate.simulated")) : nil
        let choice = ReaderChoice(reader, logger: Log.logger("leadgate.pcsc"))
        let tagReader: any TagReader = simulated ?? choice.reader
        let selection: ReaderSelection = simulated == nil ? choice.selection : .all
        let server = KioskServer(session: session, pin: pin, simulated: simulated, logger: Log.logger("leadgate.kiosk"))
        if !["127.0.0.1", "::1", "localhost"].contains(host) {
            Terminal.printWarning("--listen \(listen): the kiosk page is reachable from other machines")
        }

        // SIGINT/SIGTERM stop the kiosk as the PIN does: the operator's terminal is not the visitor's screen.
        signal(SIGINT, SIG_IGN)
        signal(SIGTERM, SIG_IGN)
        let signals = [SIGINT, SIGTERM].map { number in
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { server.requestStop(.signal(number)) }
            source.resume()
            return source
        }
        defer { signals.forEach { $0.cancel() } }

        // Hummingbird logs the end of its connections at error level when the kiosk stops
        // (a CancellationError per open channel): only its critical messages are shown.
        var httpLogger = Log.logger("leadgate.kiosk.http")
        httpLogger.logLevel = max(httpLogger.logLevel, .critical)
        let app = Application(router: server.router(),
                              configuration: .init(address: .hostname(host, port: port), serverName: nil),
                              onServerRunning: { [event] channel in
                                  let bound = channel.localAddress?.port ?? port
                                  Terminal.write("kiosk: \(event): serving http://\(host.contains(":") ? "[\(host)]" : host):\(bound)/ (open it with chromium --kiosk)\n")
                              },
                              logger: httpLogger)
        let listen = listen
        // Each task returns a failure to report, or nil.
        let (reason, failure) = await withTaskGroup(of: String?.self) { group -> (KioskServer.StopReason, String?) in
            group.addTask {
                defer { server.requestStop(.serverEnded) }
                do { try await app.run() } catch { return "cannot serve the kiosk on \(listen): \(error)" }
                return nil
            }
            group.addTask {
                for await event in tagReader.events(on: selection) { session.handle(event) }
                return nil
            }
            group.addTask {
                while !Task.isCancelled {
                    try? await Task.sleep(for: .milliseconds(250))
                    session.tick()
                }
                return nil
            }
            var reason = KioskServer.StopReason.serverEnded
            for await stop in server.stopRequests {
                reason = stop
                break
            }
            // The page's event streams end first, or the server would wait for them.
            session.close()
            // Let the PIN's answer reach the page before the server goes.
            if case .pin = reason { try? await Task.sleep(for: .milliseconds(200)) }
            group.cancelAll()
            simulated?.finish()
            var failure: String?
            for await result in group where result != nil { failure = result }
            return (reason, failure)
        }
        // Out of libpcsclite and libnfc before exit (see BoothCommand).
        if simulated == nil { await ReaderChoice.shutDown() }
        await forwarding?.stop()
        if let failure {
            throw CommandFailure.unavailable(failure).report()
        }
        let declined = (try? store.counter(KioskSession.declinedKey)) ?? 0
        let abandoned = (try? store.counter(KioskSession.abandonedKey)) ?? 0
        let how: String
        switch reason {
        case .pin: how = "left with the PIN"
        case .signal(let number): how = number == SIGINT ? "stopped (Ctrl-C)" : "stopped (SIGTERM)"
        case .serverEnded: how = "stopped"
        }
        Terminal.write("kiosk: \(how); \(session.agreedCount) visitor(s) agreed this run; declined so far: \(declined), left without answering: \(abandoned); stored in \(store.path)\n")
    }
}
