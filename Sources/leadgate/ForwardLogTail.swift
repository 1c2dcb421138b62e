import Foundation

/// The lines the background forwarder wrote to its log since the booth started.
struct ForwardLogTail {
    let path: String
    let start: UInt64

    init(storePath: String) {
        path = storePath + ".forward.log"
        start = ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.uint64Value ?? 0
    }

    /// At most the last 64 KiB written since the start.
    func lines() -> [String] {
        guard let handle = FileHandle(forReadingAtPath: path) else { return [] }
        defer { try? handle.close() }
        let end = (try? handle.seekToEnd()) ?? 0
        guard end > start else { return [] }
        let from = max(start, end > 65_536 ? end - 65_536 : 0)
        try? handle.seek(toOffset: from)
        let data = (try? handle.readToEnd()) ?? Data()
        return String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
    }
}
