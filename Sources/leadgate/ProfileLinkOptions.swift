import ArgumentParser
import Foundation
import Gateway
import Leads
import LeadStore

/// `--resolve-links` and `--allow-private-links`, for the commands where captures happen.
struct ProfileLinkOptions: ParsableArguments {
    @Flag(help: ArgumentHelp(
        "Fetch each new lead's profile link (a card that holds only a URL) and take the contact from the page.",
        discussion: """
            Off by default: the link comes from the tag. Only https, at most 3 s, 512 KB and 3 \
            redirects, never a private, loopback or link-local address. The tap is stored and \
            shown first; the contact follows as a change, a failure as a warning on the lead.
            """))
    var resolveLinks = false

    @Flag(help: ArgumentHelp("Also fetch links on this machine (loopback, plain http too): for tests and a local profile server.",
                             visibility: .hidden))
    var allowPrivateLinks = false

    func resolver(normalizer: ContactNormalizer) -> ProfileLinkResolver {
        ProfileLinkResolver(fetcher: LinkFetcher(policy: LinkFetcher.Policy(allowLoopback: allowPrivateLinks)), normalizer: normalizer)
    }

    /// The background worker that resolves the event's new leads' links, when asked for.
    func startWorker(store: LeadStore, event: String, normalizer: ContactNormalizer) -> Task<Void, Never>? {
        guard resolveLinks else { return nil }
        let resolver = resolver(normalizer: normalizer)
        let since = Date()
        return Task.detached { await resolver.watch(store, event: event, since: since, logger: Log.logger("leadgate.links")) }
    }
}

extension ProfileLinkOptions {
    /// After an import, when asked for: fetches the links of the leads it made that have a
    /// link and no name, `concurrently` at a time, and says on stderr what it found. A link
    /// that cannot be read is a warning on its lead (as `leadgate resolve` leaves it), not
    /// an import failure. Returns how many leads got a contact, of how many tried.
    func resolveImported(store: LeadStore, event: String, since: Date, normalizer: ContactNormalizer,
                         concurrently: Int = 4) throws(StoreError) -> (resolved: Int, tried: Int) {
        guard resolveLinks else { return (0, 0) }
        let since = since.addingTimeInterval(-0.001)
        let leads = try store.unresolvedLeads(event: event).filter { $0.capturedAt >= since && ProfileLinkResolver.link(of: $0) != nil }
        guard !leads.isEmpty else { return (0, 0) }
        Terminal.writeError("fetching \(leads.count) profile link(s), \(concurrently) at a time (at most 3 s each)\n")
        let resolver = resolver(normalizer: normalizer)
        let outcome = BlockingTask.run { () async -> Result<[(before: Lead, after: Lead?)], StoreError> in
            await withTaskGroup(of: Result<(before: Lead, after: Lead?), StoreError>.self) { group in
                var results: [(before: Lead, after: Lead?)] = []
                var failure: StoreError?
                var next = 0
                func add() {
                    guard next < leads.count else { return }
                    let lead = leads[next]
                    next += 1
                    group.addTask {
                        do { return .success((lead, try await resolver.resolve([lead], in: store).first)) } catch let error as StoreError {
                            return .failure(error)
                        } catch { return .failure(StoreError(.sqlite, "\(error)")) }
                    }
                }
                for _ in 0..<concurrently { add() }
                for await result in group {
                    switch result {
                    case .success(let pair): results.append(pair)
                    case .failure(let error): failure = error
                    }
                    add()
                }
                if let failure { return .failure(failure) }
                return .success(results)
            }
        }
        var resolved = 0
        for (before, after) in try outcome.get() {
            let warnings = (after?.warnings ?? []).filter { !before.warnings.contains($0) }
            if warnings.isEmpty, after?.contact.fullName != nil { resolved += 1 }
            for warning in warnings { Terminal.printWarning("lead \(before.id): \(warning)") }
        }
        Terminal.writeError("resolved \(resolved) of \(leads.count) profile link(s); the others keep their warnings (leadgate resolve tries again)\n")
        return (resolved, leads.count)
    }
}

/// Runs async work from a synchronous command and waits for it. The command's thread is
/// not one of the concurrency pool's, so the work runs while it waits.
enum BlockingTask {
    static func run<T: Sendable>(_ work: @escaping @Sendable () async -> T) -> T {
        let box = ResultBox<T>()
        let done = DispatchSemaphore(value: 0)
        Task.detached {
            box.value = await work()
            done.signal()
        }
        done.wait()
        return box.value!
    }

    /// `@unchecked Sendable`: written once before the semaphore is signalled, read after.
    private final class ResultBox<T>: @unchecked Sendable {
        var value: T?
    }
}

struct ResolveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resolve",
        abstract: "Fetch leads' profile links and take their contacts from the pages.",
        discussion: """
            For a lead from a digital business card that holds only a link (Popl, Linq, \
            HiHello, Blinq), fetch the page and take the contact from a vCard (text/vcard, a \
            .vcf "save contact" link), a schema.org Person in JSON-LD, or an h-card. Each \
            contact found is a change, forwarded like any other; a link that cannot be read \
            leaves a warning on the lead (exit 65).

            Only https, at most 3 s, 512 KB and 3 redirects per link; never a private, \
            loopback or link-local address.

            Examples:
              leadgate resolve 0192f3c4
              leadgate resolve --all --event "RSA 2026"
            """
    )

    @Argument(help: "Leads to resolve (ids or 4+ character prefixes).") var ids: [String] = []
    @Flag(help: "Every lead that has a link and no name yet.") var all = false
    @Option(help: "With --all: only this event's leads.") var event: String?
    @Option(help: "Region for phone numbers without a country code (ISO 3166). Default: from the locale, else US.")
    var region: String?
    @Flag(help: ArgumentHelp("Also fetch links on this machine (loopback, plain http too): for tests.", visibility: .hidden))
    var allowPrivateLinks = false
    @Flag(help: "Print each resolved lead as JSON.") var json = false
    @OptionGroup var storeOptions: StoreOptions

    func validate() throws {
        guard all != !ids.isEmpty else { throw ValidationError("give lead ids, or --all") }
    }

    func run() async throws {
        do { try await execute() } catch { throw error.report() }
    }

    private func execute() async throws(CommandFailure) {
        let store = try storeOptions.open()
        let normalizer = ContactNormalizer(region: region?.uppercased()
            ?? PhoneNumberNormalizer.defaultRegion(environment: ProcessInfo.processInfo.environment))
        let resolver = ProfileLinkResolver(fetcher: LinkFetcher(policy: LinkFetcher.Policy(allowLoopback: allowPrivateLinks)),
                                           normalizer: normalizer)
        var leads: [Lead] = []
        do {
            if all {
                leads = try store.unresolvedLeads(event: event).filter { ProfileLinkResolver.link(of: $0) != nil }
            } else {
                for id in ids {
                    let lead = try store.lead(id)
                    guard ProfileLinkResolver.link(of: lead) != nil else {
                        throw CommandFailure.dataError("lead \(id) has no profile link to resolve (or already has a name)")
                    }
                    leads.append(lead)
                }
            }
        } catch let failure as CommandFailure {
            throw failure
        } catch {
            throw CommandFailure.storeFailure(error, path: storeOptions.path)
        }
        var failed = 0
        var out = ""
        for lead in leads {
            let changed: [Lead]
            do { changed = try await resolver.resolve([lead], in: store) } catch {
                throw CommandFailure.storeFailure(error, path: storeOptions.path)
            }
            let after = changed.first ?? lead
            let newWarnings = after.warnings.filter { !lead.warnings.contains($0) }
            if !newWarnings.isEmpty || after.contact.fullName == nil && changed.isEmpty {
                failed += 1
                for warning in newWarnings { Terminal.printWarning("lead \(lead.id): \(warning)") }
            }
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
                out += String(decoding: (try? encoder.encode(after)) ?? Data(), as: UTF8.self) + "\n"
            } else if newWarnings.isEmpty, !changed.isEmpty {
                out += "\(lead.id)  \(after.headline)\n"
            }
        }
        Terminal.write(out + (json ? "" : "resolved \(leads.count - failed) of \(leads.count) link(s)\n"))
        if failed > 0 { throw CommandFailure.dataError("\(failed) link(s) could not be resolved; the warnings are kept on the leads") }
    }
}
