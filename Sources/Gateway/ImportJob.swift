import ContactFormats
import Foundation
import Leads
import LeadStore
import Logging

/// Batch re-import of card files and folders into the store.
///
/// Files are decoded and normalized on worker threads (one per core) and captured in file
/// order by the calling thread, so the outcome (which capture creates a lead, which merges)
/// does not depend on timing. Captures are committed every `commitEvery` leads, durably
/// (fsync) once at the end. Re-running an import adds nothing: each card's bytes are
/// hashed per event. A crash leaves only whole commits, and the re-run adds the rest.
public final class ImportJob: Sendable {
    /// One input: a file, or standard input's bytes.
    public enum Input: Sendable, Hashable {
        case file(String)
        case standardInput
    }

    public struct Progress: Sendable {
        public var filesDone: Int
        public var filesTotal: Int
        public var summary: ImportSummary
    }

    public let builder: CaptureBuilder
    public let store: LeadStore
    public let logger: Logger
    /// Files larger than this are quarantined by name, not read.
    public let maximumFileSize: Int
    public let workers: Int
    /// Captures handed to the store at once (bounds the memory held between decode and store).
    public let batchSize: Int
    /// Captures per commit: a crash loses at most this many, which re-running the import adds.
    public let commitEvery: Int
    /// Files of vCards bigger than `pieces.above` bytes are read in pieces of about `pieces.bytes`.
    let pieces: (above: Int, bytes: Int)

    public convenience init(builder: CaptureBuilder, store: LeadStore, logger: Logger, workers: Int = ProcessInfo.processInfo.activeProcessorCount,
                            batchSize: Int = 1000, commitEvery: Int = ImportJob.defaultCommitEvery,
                            maximumFileSize: Int = PayloadDecoder.maximumPayload) {
        self.init(builder: builder, store: store, logger: logger, workers: workers, batchSize: batchSize, commitEvery: commitEvery,
                  maximumFileSize: maximumFileSize, pieces: (Self.piecesAbove, Self.pieceBytes))
    }

    init(builder: CaptureBuilder, store: LeadStore, logger: Logger, workers: Int = ProcessInfo.processInfo.activeProcessorCount,
         batchSize: Int = 1000, commitEvery: Int = ImportJob.defaultCommitEvery,
         maximumFileSize: Int = PayloadDecoder.maximumPayload, pieces: (above: Int, bytes: Int)) {
        self.pieces = pieces
        self.builder = builder
        self.store = store
        self.logger = logger
        self.workers = max(1, workers)
        self.batchSize = max(1, batchSize)
        self.commitEvery = max(1, commitEvery)
        self.maximumFileSize = maximumFileSize
    }

    /// What an import of some paths reads, and what it leaves out.
    public struct Expansion: Sendable {
        public var inputs: [Input] = []
        /// Files in the folders that are not of a readable kind (by extension).
        public var skipped: [String] = []
        /// Symbolic links not followed, and why (`ImportFiles.walk`).
        public var notes: [String] = []
    }

    /// The files an import of `paths` reads: files as given, folders walked recursively for
    /// the extensions leadgate reads (.vcf .vcard .txt .ndef .bin), in sorted order.
    public static func expand(_ paths: [String]) throws(ImportError) -> (inputs: [Input], skipped: [String]) {
        let expansion = try expansion(of: paths)
        return (expansion.inputs, expansion.skipped)
    }

    /// `expand`, with the notes on symbolic links that were not followed.
    public static func expansion(of paths: [String]) throws(ImportError) -> Expansion {
        var result = Expansion()
        for path in paths {
            if path == "-" { result.inputs.append(.standardInput); continue }
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw ImportError("\(path): no such file or folder")
            }
            guard isDirectory.boolValue else { result.inputs.append(.file(path)); continue }
            var found: [String] = []
            var other: [String] = []
            let walked = try ImportFiles.walk(path)
            for full in walked.files {
                if Self.readableExtensions.contains(ImportFiles.pathExtension(full)) { found.append(full) } else { other.append(full) }
            }
            result.inputs += found.sorted().map { .file($0) }
            result.skipped += other.sorted()
            result.notes += walked.notes
        }
        return result
    }

    static let readableExtensions: Set<String> = ["vcf", "vcard", "txt", "ndef", "bin"]

    /// How a file's bytes are read, by its extension.
    static func format(for path: String) -> PayloadFormat {
        switch ImportFiles.pathExtension(path) {
        case "vcf", "vcard": return .vcard
        case "ndef": return .ndef
        case "txt": return .text
        default: return .auto
        }
    }

    /// Imports `inputs`; `progress` is called on the calling thread after each file.
    public func run(_ inputs: [Input], standardInput: (() -> [UInt8])? = nil,
                    progress: (Progress) -> Void = { _ in }) throws(StoreError) -> ImportSummary {
        try store.bulkLoad { () throws(StoreError) in try runUnsynced(inputs, standardInput: standardInput, progress: progress) }
    }

    private func runUnsynced(_ inputs: [Input], standardInput: (() -> [UInt8])?,
                             progress: (Progress) -> Void) throws(StoreError) -> ImportSummary {
        var summary = ImportSummary()
        let startedAt = ProcessInfo.processInfo.systemUptime * 1000
        let results = DecodeResults(count: inputs.count, window: Self.decodeWindow)
        // Standard input is read here, once: workers only get bytes.
        let stdinBytes: [UInt8]? = inputs.contains(.standardInput) ? (standardInput?() ?? []) : nil
        let next = AtomicCounter()
        var threads: [Thread] = []
        for _ in 0..<min(workers, max(1, inputs.count)) {
            let thread = Thread { [builder, maximumFileSize, pieces] in
                // The single writer bounds an import and the decoders have time to spare: on a
                // busy core the writer goes first (Linux: `0` is this thread, not the process).
                setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, Self.decoderNiceness)
                while true {
                    let index = next.increment()
                    guard index < inputs.count else { return }
                    results.waitForRoom(index, part: 0)
                    var part = 0
                    Self.decode(inputs[index], stdin: stdinBytes, builder: builder, maximumFileSize: maximumFileSize, pieces: pieces) { decoded, last in
                        results.put(index, part: part, decoded, last: last)
                        part += 1
                        if !last { results.waitForRoom(index, part: part) }
                    }
                }
            }
            thread.stackSize = 8 << 20
            thread.start()
            threads.append(thread)
        }
        // Disk reads for the files the decoders take next, many at a time.
        let finished = AtomicFlag()
        defer { finished.set() }
        if inputs.count > 1 {
            let paths = inputs.map { input -> String? in if case .file(let path) = input { path } else { nil } }
            Thread { [maximumFileSize] in
                ImportFiles.prefetch(paths, ahead: Self.prefetchAhead, bytesPerFile: min(maximumFileSize, Self.prefetchBytes),
                                     position: { next.value }, stop: { finished.isSet })
            }.start()
        }
        var pending: [[PreparedCapture]] = []
        var pendingCount = 0
        var pendingFiles = 0
        // Cards with big photos: a batch is also cut by size, or 1,000 of them would all be held.
        var pendingBytes = 0
        var uncommitted = 0
        func flush() throws(StoreError) {
            guard pendingCount > 0 else { return }
            uncommitted += pendingCount
            let counts = try store.captureCounting(pending)
            summary.imported += counts.created
            summary.merged += counts.merged
            summary.alreadyImported += counts.alreadyCaptured
            // Freeing a thousand candidates (their strings and bytes) is the writer's time
            // otherwise: let a background thread drop the last reference.
            // The box holds the only reference, so the batch is freed over there whichever
            // thread lets go of the box last (a local copy here raced the releaser and lost
            // about half the time).
            let done = ReleaseBox(pending)
            pending = []
            pendingCount = 0
            Self.releaser.async { done.empty() }
            pendingFiles = 0
            pendingBytes = 0
            if uncommitted >= commitEvery {
                try store.commitBulk()
                uncommitted = 0
            }
        }
        defer { results.cancel() }
        var waited: Double = 0  // seconds the writer waited for the decoders, for the debug log
        // Files with entries still in the quarantine: one that now imports cleanly resolves them.
        let quarantinedOrigins = try store.openQuarantineOrigins()
        var cleanOrigins: [String] = []
        for index in inputs.indices {
            // A big file of vCards comes in pieces (`ImportFiles.vCardPieces`); any other input in one.
            var part = 0
            var clean = true, madeLeads = false
            while true {
            let asked = ProcessInfo.processInfo.systemUptime
            let (outcome, last) = results.take(index, part: part)
            part += 1
            waited += ProcessInfo.processInfo.systemUptime - asked
            summary.cards += outcome.candidates.count
            if !outcome.candidates.isEmpty {
                pending.append(outcome.candidates)
                pendingCount += outcome.candidates.count
                madeLeads = true
            }
            pendingBytes += outcome.rawByteCount
            if !outcome.rejects.isEmpty || !outcome.warnings.isEmpty { clean = false }
            if !outcome.rejects.isEmpty || !outcome.warnings.isEmpty {
                // Keep order simple: captures before this file's rejects are stored first.
                try flush()
                for reject in outcome.rejects {
                    try store.quarantine(reject)
                    summary.rejected.append(ImportSummary.Rejection(origin: reject.origin, byteOffset: reject.byteOffset, reason: reject.reason))
                }
                for warning in outcome.warnings {
                    try store.quarantine(warning)
                    summary.warnings.append(ImportSummary.Rejection(origin: warning.origin, byteOffset: warning.byteOffset, reason: warning.reason))
                }
            }
            if pendingCount >= batchSize || pendingBytes >= Self.batchBytes { try flush() }
            if last { break }
            }
            summary.files += 1
            pendingFiles += 1
            if clean, madeLeads, case .file(let path) = inputs[index], quarantinedOrigins.contains(path) {
                cleanOrigins.append(path)
            }
            // The last file's progress is reported after the final flush, with its counts.
            if index + 1 < inputs.count { progress(Progress(filesDone: index + 1, filesTotal: inputs.count, summary: summary)) }
        }
        try flush()
        for origin in cleanOrigins { try store.resolveQuarantine(origin: origin, leadID: nil) }
        logger.debug("import decoded and stored", metadata: [
            "import.elapsed_ms": "\(Int(ProcessInfo.processInfo.systemUptime * 1000 - startedAt))",
            "import.writer_waited_ms": "\(Int(waited * 1000))",
        ])
        progress(Progress(filesDone: inputs.count, filesTotal: inputs.count, summary: summary))
        logger.info("import finished", metadata: [
            "import.files": "\(summary.files)", "import.imported": "\(summary.imported)",
            "import.merged": "\(summary.merged)", "import.rejected": "\(summary.rejected.count)",
        ])
        return summary
    }

    /// Runs only the decode stage of an import (read, parse, normalize, prepare each
    /// lead's JSON and row values) on the calling thread, storing nothing: for
    /// `leadgate bench decode`, which times the part of an import that is not the store.
    /// Returns the captures and rejects made.
    public static func decodeOnly(_ inputs: [Input], builder: CaptureBuilder,
                                  maximumFileSize: Int = PayloadDecoder.maximumPayload) -> (captures: Int, rejects: Int) {
        var captures = 0, rejects = 0
        for input in inputs {
            decode(input, stdin: nil, builder: builder, maximumFileSize: maximumFileSize, pieces: (piecesAbove, pieceBytes)) { decoded, _ in
                captures += decoded.candidates.count
                rejects += decoded.rejects.count
            }
        }
        return (captures, rejects)
    }

    /// Files the decoders may run ahead of the writer (memory is also bounded by bytes).
    /// At 64 they stalled whenever the writer stored a batch of 1,000 cards, and the writer
    /// then waited for them: a fifth of an import's time.
    static let decodeWindow = 1024

    /// Files whose reading the prefetcher starts ahead of the decoders, and how much of each:
    /// at most 64 MB in the page cache that no decoder has asked for yet.
    static let prefetchAhead = 256
    static let prefetchBytes = 256 << 10

    /// How much the decode threads yield to the writer (a nice value; 0 to 19).
    static let decoderNiceness: Int32 = 10

    /// Where stored batches are freed, off the writer thread.
    private static let releaser = DispatchQueue(label: "leadgate.import.release")

    /// Captures per commit unless told otherwise: big enough that commits cost little. At
    /// 20,000, each commit after the first also journaled the index pages the ones before
    /// had written (62 of 275 MB written for 100,000 cards), 3% of an import's CPU time; a
    /// crash still costs only the re-run of this many, which a second run adds.
    public static let defaultCommitEvery = 100_000

    /// Raw card bytes in a batch before it is stored, whatever its count.
    static let batchBytes = 16 << 20

    /// A stored batch on its way to the releaser.
    private final class ReleaseBox: @unchecked Sendable {
        // `@unchecked Sendable`: after the hand-off only the releaser touches `batch`.
        private var batch: [[PreparedCapture]]
        init(_ batch: [[PreparedCapture]]) { self.batch = batch }
        func empty() { batch = [] }
    }

    struct Decoded: Sendable {
        let candidates: [PreparedCapture]
        let rejects: [QuarantineEntry]
        /// What was cut to keep cards and leads in bounds: quarantined, but no rejection.
        let warnings: [QuarantineEntry]
        /// The cards' raw bytes (what a batch is cut by).
        let rawByteCount: Int
        /// The bytes this result holds on to: its input, each lead's JSON and row values.
        /// Both summed once, on the decode thread: the writer read them again per file, and
        /// `put` summed under the lock the writer waits on.
        let byteCount: Int

        init(candidates: [PreparedCapture] = [], rejects: [QuarantineEntry] = [], warnings: [QuarantineEntry] = []) {
            self.candidates = candidates
            self.rejects = rejects
            self.warnings = warnings
            // Through a buffer pointer: `reduce` over the array copied each candidate (a
            // retain and a release per string of its lead).
            let (raw, prepared) = candidates.withUnsafeBufferPointer { candidates in
                candidates.indices.reduce((0, 0)) { ($0.0 + candidates[$1].rawByteCount, $0.1 + candidates[$1].preparedByteCount) }
            }
            rawByteCount = raw
            byteCount = raw + prepared + rejects.reduce(0) { $0 + $1.raw.count } + warnings.reduce(0) { $0 + $1.raw.count }
        }
    }

    /// Files bigger than this are imported in pieces of about `pieceBytes` when they hold
    /// vCards: the decoders of a machine's cores share the file, and what is held at once is
    /// a piece's cards, not the file's. Smaller files are read whole.
    public static let piecesAbove = 8 << 20
    public static let pieceBytes = 1 << 20

    /// Decodes `input`, handing `emit` the result: once, or piece by piece for a big file
    /// of vCards (`last` is true with the last piece).
    static func decode(_ input: Input, stdin: [UInt8]?, builder: CaptureBuilder, maximumFileSize: Int,
                       pieces sizes: (above: Int, bytes: Int), emit: (Decoded, _ last: Bool) -> Void) {
        guard case .file(let path) = input, format(for: path) != .ndef, let size = ImportFiles.size(path),
              size > sizes.above, size <= maximumFileSize,
              let pieces = ImportFiles.vCardPieces(path, pieceBytes: sizes.bytes) else {
            emit(decode(input, stdin: stdin, builder: builder, maximumFileSize: maximumFileSize), true)
            return
        }
        for (number, piece) in pieces.enumerated() {
            let last = number == pieces.count - 1
            switch ImportFiles.read(path, range: piece.range) {
            case .bytes(let bytes):
                emit(decode(bytes, origin: path, format: .vcard, file: path, builder: builder,
                            cardsBefore: piece.cardsBefore, byteBase: piece.range.lowerBound), last)
            case .tooLarge(let size):
                emit(Decoded(rejects: [unreadablePiece(path, piece, why: "the file changed size (\(size) bytes) while read", builder: builder)]), last)
            case .failed(let why):
                // The piece's cards are not there to read: named, and the rest of the file still read.
                emit(Decoded(rejects: [unreadablePiece(path, piece, why: why, builder: builder)]), last)
            }
        }
    }

    static func unreadablePiece(_ path: String, _ piece: ImportFiles.Piece, why: String, builder: CaptureBuilder) -> QuarantineEntry {
        QuarantineEntry(origin: path, byteOffset: piece.range.lowerBound,
                        reason: "bytes \(piece.range.lowerBound)-\(piece.range.upperBound) cannot be read: \(why)",
                        mediaType: nil, raw: [], event: builder.event, rep: builder.rep)
    }

    static func decode(_ input: Input, stdin: [UInt8]?, builder: CaptureBuilder, maximumFileSize: Int) -> Decoded {
        let origin: String
        let bytes: [UInt8]
        let format: PayloadFormat
        switch input {
        case .standardInput:
            origin = "stdin"
            bytes = stdin ?? []
            format = .auto
        case .file(let path):
            origin = path
            format = Self.format(for: path)
            switch ImportFiles.read(path, limit: maximumFileSize) {
            case .bytes(let read):
                bytes = read
            case .tooLarge(let size):
                let entry = QuarantineEntry(origin: path, byteOffset: maximumFileSize,
                                            reason: "file of \(size) bytes is larger than the \(maximumFileSize) bytes read as one input; its bytes stay in the file",
                                            mediaType: nil, raw: [], event: builder.event, rep: builder.rep)
                return Decoded(rejects: [entry])
            case .failed(let why):
                let entry = QuarantineEntry(origin: path, byteOffset: nil, reason: "file cannot be read: \(why)", mediaType: nil,
                                            raw: [], event: builder.event, rep: builder.rep)
                return Decoded(rejects: [entry])
            }
        }
        return decode(bytes, origin: origin, format: format, file: input == .standardInput ? nil : origin, builder: builder)
    }

    /// Decodes the bytes of a file, a piece of one, or standard input.
    static func decode(_ bytes: [UInt8], origin: String, format: PayloadFormat, file: String?, builder: CaptureBuilder,
                       cardsBefore: Int = 0, byteBase: Int = 0) -> Decoded {
        do {
            let payload = try PayloadDecoder.decode(bytes, as: format)
            var result = builder.candidates(from: payload, whole: bytes, origin: origin, channel: .import,
                                            file: file, cardsBefore: cardsBefore, byteBase: byteBase)
            // Each lead's JSON and row values are made here, off the single writer. Moved
            // out one by one (a map copied every candidate: a retain per string of its lead).
            let count = result.candidates.count
            let prepared = [PreparedCapture](unsafeUninitializedCapacity: count) { buffer, initialized in
                var index = count
                while let candidate = result.candidates.popLast() {
                    index -= 1
                    // `consume`: passed as is, the candidate was copied into the parameter and
                    // the original destroyed (a retain and a release a string of its lead).
                    (buffer.baseAddress! + index).initialize(to: PreparedCapture(consume candidate, keepingLead: false))
                }
                initialized = count
            }
            return Decoded(candidates: prepared, rejects: result.rejects, warnings: result.warnings)
        } catch {
            var entry = builder.reject(bytes, origin: origin, issue: error)
            entry.byteOffset = entry.byteOffset.map { $0 + byteBase }
            return Decoded(rejects: [entry])
        }
    }
}

/// What an import did.
public struct ImportSummary: Sendable, Codable {
    public struct Rejection: Sendable, Codable, Hashable {
        public var origin: String
        public var byteOffset: Int?
        public var reason: String

        enum CodingKeys: String, CodingKey {
            case origin = "file"
            case byteOffset = "byte_offset"
            case reason
        }
    }

    public var files = 0
    public var cards = 0
    /// New leads.
    public var imported = 0
    /// Captures of a person already a lead at this event, merged into that lead.
    public var merged = 0
    /// Cards already imported for this event (same bytes): nothing was added.
    public var alreadyImported = 0
    public var rejected: [Rejection] = []
    /// Cards imported with something cut to keep them in bounds (a 64 KiB note, the first
    /// 1,000 phones): their bytes are in the quarantine too.
    public var warnings: [Rejection] = []

    enum CodingKeys: String, CodingKey {
        case files, cards, imported, merged, rejected, warnings
        case alreadyImported = "already_imported"
    }

    public init() {}
}

public struct ImportError: Error, Sendable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// Results from the decode workers, taken by the writer in input order.
///
/// `@unchecked Sendable`: all state is read and written under `condition`'s lock.
final class DecodeResults: @unchecked Sendable {
    private struct Key: Hashable {
        var index: Int
        var part: Int
    }

    private let condition = NSCondition()
    private var slots: [Key: (decoded: ImportJob.Decoded, last: Bool)] = [:]
    /// The input the writer takes next, and the piece of it.
    private var nextToTake = 0
    private var nextPart = 0
    private var cancelled = false
    private let window: Int
    /// Input bytes held in results the writer has not taken yet.
    private var heldBytes = 0
    private let byteBudget: Int

    init(count: Int, window: Int, byteBudget: Int = 32 << 20) {
        self.window = window
        self.byteBudget = byteBudget
    }

    /// Workers stay at most `window` inputs and about `byteBudget` bytes ahead of the writer,
    /// so memory stays bounded however many 50 MB files a folder holds, and however many
    /// cards one file holds. The piece the writer waits for always has room.
    func waitForRoom(_ index: Int, part: Int) {
        condition.lock()
        while !cancelled && !hasRoom(index, part: part) { condition.wait() }
        condition.unlock()
    }

    private func hasRoom(_ index: Int, part: Int) -> Bool {
        if index == nextToTake && part == nextPart { return true }
        if index >= nextToTake + window { return false }
        return heldBytes < byteBudget
    }

    func put(_ index: Int, part: Int, _ value: ImportJob.Decoded, last: Bool) {
        condition.lock()
        slots[Key(index: index, part: part)] = (value, last)
        heldBytes += value.byteCount
        condition.broadcast()
        condition.unlock()
    }

    func take(_ index: Int, part: Int) -> (decoded: ImportJob.Decoded, last: Bool) {
        condition.lock()
        defer { condition.unlock() }
        let key = Key(index: index, part: part)
        while slots[key] == nil { condition.wait() }
        let value = slots.removeValue(forKey: key)!
        if value.last {
            nextToTake = index + 1
            nextPart = 0
        } else {
            nextToTake = index
            nextPart = part + 1
        }
        heldBytes -= value.decoded.byteCount
        condition.broadcast()
        return value
    }

    func cancel() {
        condition.lock()
        cancelled = true
        condition.broadcast()
        condition.unlock()
    }
}

/// `@unchecked Sendable`: the value is only touched under `lock`.
final class AtomicCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0

    /// The next value `increment()` returns.
    var value: Int {
        lock.lock()
        defer { lock.unlock() }
        return count
    }

    /// Returns the current value and adds one.
    func increment() -> Int {
        lock.lock()
        defer { lock.unlock() }
        let v = count
        count += 1
        return v
    }
}

/// A flag set once, read from other threads. `@unchecked Sendable`: only touched under `lock`.
final class AtomicFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var raised = false

    var isSet: Bool {
        lock.lock()
        defer { lock.unlock() }
        return raised
    }

    func set() {
        lock.lock()
        raised = true
        lock.unlock()
    }
}
