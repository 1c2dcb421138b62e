import ContactFormats
import Foundation
import Gateway
import Leads
import LeadStore
import Logging

let quietLogger: Logger = {
    var logger = Logger(label: "test")
    logger.logLevel = .warning
    return logger
}()

/// A temporary folder with a store in it, removed when the test ends.
final class Workspace {
    let folder: URL
    let store: LeadStore

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("gateway-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        store = try LeadStore(path: folder.appendingPathComponent("store/leads.sqlite").path, logger: quietLogger)
    }

    deinit { try? FileManager.default.removeItem(at: folder) }

    /// Writes `bytes` at `relative` (folders made as needed) and returns the full path.
    @discardableResult
    func write(_ relative: String, _ bytes: [UInt8]) throws -> String {
        let url = folder.appendingPathComponent("in").appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(bytes).write(to: url)
        return url.path
    }

    @discardableResult
    func write(_ relative: String, _ text: String) throws -> String { try write(relative, Array(text.utf8)) }

    var input: String { folder.appendingPathComponent("in").path }

    func job(workers: Int = 2, batchSize: Int = 1000, event: String = "RSA 2026", rep: String = "alice") -> ImportJob {
        ImportJob(builder: Samples.builder(event: event, rep: rep), store: store, logger: quietLogger,
                  workers: workers, batchSize: batchSize)
    }
}

enum Samples {
    static func builder(event: String = "RSA 2026", rep: String = "alice", policy: LeadPolicy = LeadPolicy()) -> CaptureBuilder {
        CaptureBuilder(event: event, rep: rep, policy: policy, normalizer: ContactNormalizer(region: "US"))
    }

    static func vCard(_ name: String, email: String, version: String = "3.0", extra: [String] = []) -> String {
        (["BEGIN:VCARD", "VERSION:\(version)", "FN:\(name)", "EMAIL:\(email)"] + extra + ["END:VCARD"])
            .map { $0 + "\r\n" }.joined()
    }

    /// One short NDEF record (MB, ME, SR) of media type `type`.
    static func ndef(mediaType type: String, payload: [UInt8]) -> [UInt8] {
        precondition(payload.count < 256)
        return [0xD2, UInt8(type.utf8.count), UInt8(payload.count)] + Array(type.utf8) + payload
    }

    static let torn = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Torn Person\r\nEMAIL:torn@acme.example\r\nTEL:+1 415 55"
}
