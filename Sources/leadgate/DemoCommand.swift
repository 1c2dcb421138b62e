import ArgumentParser
import Foundation
import Gateway
import Leads
import LeadStore
import TagReaders

struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Booth mode with no hardware: sample taps of every kind into the local store.",
        discussion: """
            Plays sample taps through the simulated reader: an NFC business card with a vCard, a \
            digital card with only a profile link, a phone sharing a vCard, a badge with only a \
            UID, a MECARD, the same card tapped twice, and a tag holding garbage.

            On a terminal it is the real booth screen: type a note after each tap. Without a \
            terminal it answers each prompt with a sample note, prints the leads and exits.

            The demo keeps its leads apart from real ones: its own store, \
            $XDG_DATA_HOME/leadgate/demo.sqlite (not $LEADGATE_STORE), unless --store names \
            another. Look at them with `leadgate leads --store` and that path.
            """
    )

    @Option(help: "The event the sample leads belong to.") var event = "Demo Expo 2026"
    @Option(help: "The rep the sample leads belong to.") var rep = "demo"
    @Option(help: "Seconds between sample taps on a terminal.") var interval: Double = 6
    @Option(help: "Forward in the background (postgres://... or https://...). Default: $LEADGATE_FORWARD.") var forward: String?
    @OptionGroup var storeOptions: StoreOptions

    func validate() throws {
        guard !event.trimmingCharacters(in: .whitespaces).isEmpty else { throw ValidationError("--event must not be empty") }
        guard !rep.trimmingCharacters(in: .whitespaces).isEmpty else { throw ValidationError("--rep must not be empty") }
    }

    /// The demo's own store unless `--store` names one: sample leads must never reach the
    /// store a booth forwards to the team.
    static func defaultStorePath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        let real = LeadStore.defaultPath(environment: environment.filter { $0.key != "LEADGATE_STORE" })
        return URL(fileURLWithPath: real).deletingLastPathComponent().appendingPathComponent("demo.sqlite").path
    }

    func run() async throws {
        var storeOptions = storeOptions
        if storeOptions.store == nil { storeOptions.store = Self.defaultStorePath() }
        let forwardSetting = ForwardSetting(option: forward)
        forwardSetting.warn()
        let (store, forwarding) = try BackgroundForwarding.openStore(storeOptions, forwardingTo: forwardSetting.startURL)
        let (event, eventNotice) = EventSpelling.resolve(self.event, in: store)
        if let eventNotice { Terminal.printWarning(eventNotice) }
        let builder = CaptureBuilder(event: event, rep: rep, policy: LeadPolicy(), normalizer: ContactNormalizer(region: "US"))
        let session = BoothSession(store: store, builder: builder, logger: Log.logger("leadgate.demo"))
        let backend = SimulatedBackend(logger: Log.logger("leadgate.simulated"))
        if Terminal.stdinIsTerminal && Terminal.stdoutIsTerminal {
            await runInteractive(session: session, backend: backend, forwardSetting: forwardSetting)
            await forwarding?.stop()
            return
        }
        do {
            try runScripted(session: session, backend: backend, store: store)
        } catch {
            await forwarding?.stop()
            throw error.report()
        }
        await forwarding?.stop()
    }

    /// The booth screen, with a sample tap every `interval` seconds.
    func runInteractive(session: BoothSession, backend: SimulatedBackend, forwardSetting: ForwardSetting) async {
        let app = BoothApp(session: session, reader: backend, selection: .all, title: "demo", fullScreen: true)
        app.forward(forwardSetting.url == nil ? nil : forwardSetting)
        app.state.hint = "demo: a sample tap every \(Int(interval)) s"
        app.state.banner = "demo store: \(session.store.path) (apart from real leads; --store changes it)"
        let interval = interval
        app.companions.append(Task {
            try? await Task.sleep(for: .seconds(1.5))
            for sample in DemoSamples.all {
                if Task.isCancelled { return }
                _ = try? backend.tap(sample.tag)
                try? await Task.sleep(for: .seconds(interval))
            }
        })
        await app.run()
        Terminal.write(app.summary())
    }

    /// No terminal: each sample tap, its sample note, then the leads.
    func runScripted(session: BoothSession, backend: SimulatedBackend, store: LeadStore) throws(CommandFailure) {
        Terminal.write("leadgate demo: \(DemoSamples.all.count) sample taps into the demo store \(store.path)\n"
                       + "(apart from real leads; --store changes it)\n\n")
        var latencies: [Duration] = []
        for (index, sample) in DemoSamples.all.enumerated() {
            let tap: Tap
            do { tap = try backend.tap(sample.tag) } catch {
                throw CommandFailure.software("simulated reader: \(error)")
            }
            let outcome: BoothSession.Outcome
            do { outcome = try session.handle(tap) } catch { throw CommandFailure.storeFailure(error, path: store.path) }
            switch outcome {
            case .captured(let captured):
                let shown = "\(index + 1). \(sample.kind)\n   tap: \(captured.lead.headline)\(captured.merged ? "  (merged into the same lead)" : "")\n"
                Terminal.write(shown)
                latencies.append(ContinuousClock.now - captured.arrival - captured.readerIO)
                for issue in captured.issues { Terminal.write("   kept in the quarantine: \(issue)\n") }
                if sample.note.isEmpty {
                    Terminal.write("   Note (one line, Enter to skip): (skipped)\n")
                } else {
                    Terminal.write("   Note (one line, Enter to skip): \(sample.note)\n")
                    do { try session.addNote(sample.note, to: captured.lead.id) } catch {
                        throw CommandFailure.storeFailure(error, path: store.path)
                    }
                }
            case .rejected(_, let reason):
                Terminal.write("\(index + 1). \(sample.kind)\n   rejected: \(reason)\n")
            }
        }
        let leads: [Lead]
        do { leads = try store.leads(LeadFilter(event: event)) } catch { throw CommandFailure.storeFailure(error, path: store.path) }
        let short = (try? store.shortIDs(leads.map(\.id))) ?? [:]
        Terminal.write("\nLeads for \(event):\n" + LeadTable.render(leads, now: Date(), shortIDs: short))
        if let median = BoothApp.median(latencies) {
            // For the README's figures (LEADGATE_LOG_LEVEL=info), not for the person trying the demo.
            Log.logger("leadgate.demo").info("tap to screen", metadata: [
                "booth.median_ms": "\(BoothApp.milliseconds(median))", "booth.taps": "\(latencies.count)"])
        }
        Terminal.write("\nNext: `leadgate leads --store \(store.path) --format csv` exports them; "
                       + "`leadgate booth --event E --rep R` runs a real reader.\n")
    }
}
