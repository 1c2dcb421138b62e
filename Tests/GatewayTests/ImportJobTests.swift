import ContactFormats
import Foundation
@testable import Gateway
import Leads
import LeadStore
import Testing

@Suite struct ImportJobTests {
    /// Cards in every format `import` reads, in nested folders, plus files it must skip.
    static func mixedFolder(_ w: Workspace) throws {
        try w.write("a/three.vcf", Samples.vCard("Ann One", email: "ann@acme.example")
                    + Samples.vCard("Bob Two", email: "bob@globex.example", version: "2.1")
                    + Samples.vCard("Cy Three", email: "cy@initech.example", version: "4.0"))
        try w.write("a/b/c/deep.vcf", Samples.vCard("Dee Deep", email: "dee@acme.example"))
        try w.write("mecard.txt", "MECARD:N:Eve,Eve;EMAIL:eve@acme.example;;")
        try w.write("vcard-as-text.txt", Samples.vCard("Fay Text", email: "fay@acme.example"))
        try w.write("tag.ndef", Samples.ndef(mediaType: "text/vcard", payload: Array(Samples.vCard("Gus Tag", email: "gus@acme.example").utf8)))
        try w.write("photo.jpg", [0xFF, 0xD8, 0xFF])
        try w.write(".hidden/secret.vcf", Samples.vCard("Hid Den", email: "hid@acme.example"))
        try w.write(".DS_Store.vcf", Samples.vCard("Mac Junk", email: "junk@acme.example"))
    }

    @Test func walksFoldersRecursivelyInSortedOrderAndSkipsWhatItCannotRead() throws {
        let w = try Workspace()
        try Self.mixedFolder(w)
        let (inputs, skipped) = try ImportJob.expand([w.input, "-"])
        let files = inputs.compactMap { input -> String? in if case .file(let p) = input { return p } else { return nil } }
        let relative = files.map { String($0.dropFirst(w.input.count + 1)) }
        #expect(relative == ["a/b/c/deep.vcf", "a/three.vcf", "mecard.txt", "tag.ndef", "vcard-as-text.txt"])
        #expect(inputs.last == .standardInput)
        #expect(skipped.map { ($0 as NSString).lastPathComponent } == ["photo.jpg"])
        #expect(throws: ImportError.self) { try ImportJob.expand([w.input + "/missing"]) }
    }

    /// The extension that picks a file's reader is the one Foundation would name, lower-cased.
    @Test func pathExtensionsAgreeWithFoundation() {
        let paths = ["a/three.vcf", "/x/y/CARD.VCF", "mecard.txt", "tag.ndef", "dump.bin", "photo.jpg", "noext",
                     "dir.v/noext", ".hidden", "a/.hidden", ".DS_Store.vcf", "trailing.", "a/b.vcard/", "x.tar.gz",
                     "/", "", "a..vcf", "a/b/.vcf", "ünï.VCard", "a/./b.txt", "a/../c.Ndef"]
        for path in paths {
            #expect(ImportFiles.pathExtension(path) == (path as NSString).pathExtension.lowercased(), "\(path)")
        }
    }

    /// Drops a file's pages from the page cache (written out first); false where the file
    /// system keeps them anyway (tmpfs).
    static func evict(_ path: String) -> Bool {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        fsync(fd)
        _ = posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED)
        return ImportFiles.isCached(path) == false
    }

    /// The prefetcher starts reading the files the decoders take next, never more than its
    /// window past their position, stops when told, and leaves a cached folder alone.
    @Test func prefetchReadsAheadWithinItsWindow() throws {
        let w = try Workspace()
        var paths: [String] = []
        for i in 0..<12 { paths.append(try w.write("p/\(i).vcf", Samples.vCard("Pre \(i)", email: "pre\(i)@acme.example"))) }
        #expect(ImportFiles.isCached(paths[0]) == true)  // just written
        #expect(ImportFiles.isCached(w.input + "/p/missing.vcf") == nil)
        #expect(ImportFiles.isCached(try w.write("empty.vcf", "")) == nil)
        guard paths.allSatisfy(Self.evict) else {
            Issue.record("the page cache cannot be dropped for \(w.input); prefetching is not exercised")
            return
        }
        let stop = AtomicFlag()
        let done = AtomicFlag()
        Thread { [paths] in
            ImportFiles.prefetch(paths, ahead: 4, bytesPerFile: 1 << 16, position: { 1 }, stop: { stop.isSet })
            done.set()
        }.start()
        // Files 0-4 (position 1 plus a window of 4) are read; the rest wait for the decoders.
        let deadline = Date().addingTimeInterval(10)
        while paths[..<5].contains(where: { ImportFiles.isCached($0) != true }) && Date() < deadline { usleep(10_000) }
        #expect(paths[..<5].allSatisfy { ImportFiles.isCached($0) == true })
        usleep(100_000)
        #expect(paths[5...].allSatisfy { ImportFiles.isCached($0) == false })
        #expect(!done.isSet)
        stop.set()
        while !done.isSet && Date() < deadline { usleep(1_000) }
        #expect(done.isSet)
        // All cached now (read above): the prefetcher looks at the first files and returns.
        for path in paths { _ = try Data(contentsOf: URL(fileURLWithPath: path)) }
        ImportFiles.prefetch(paths, ahead: 4, bytesPerFile: 1 << 16, position: { 0 }, stop: { false })
    }

    /// Symbolic links are followed once (a link back to a folder above ends with a note), a
    /// trailing slash makes no double slash, and an unreadable folder given by name is an error.
    @Test func walkingFollowsLinksOnceAndNamesAnUnreadableFolder() throws {
        let w = try Workspace()
        try Self.mixedFolder(w)
        try FileManager.default.createSymbolicLink(atPath: w.input + "/loop", withDestinationPath: w.input)
        try FileManager.default.createSymbolicLink(atPath: w.input + "/link.vcf", withDestinationPath: w.input + "/a/three.vcf")
        let expansion = try ImportJob.expansion(of: [w.input + "/"])
        let files = expansion.inputs.compactMap { input -> String? in if case .file(let p) = input { return p } else { return nil } }
        #expect(files.count == 6)
        #expect(files.first == w.input + "/a/b/c/deep.vcf")
        #expect(files.contains(w.input + "/link.vcf"))
        #expect(expansion.notes == [w.input + "/loop: symbolic link to a folder read already (a loop?), skipped"])
        if getuid() != 0 {  // root reads any folder
            let locked = try w.write("locked/card.vcf", Samples.vCard("Lo Cked", email: "lo@acme.example"))
            let folder = (locked as NSString).deletingLastPathComponent
            chmod(folder, 0)
            defer { chmod(folder, 0o700) }
            #expect(throws: ImportError.self) { try ImportJob.expand([folder]) }
        }
    }

    @Test func importsEveryFormatAndRecordsTheSourceFile() throws {
        let w = try Workspace()
        try Self.mixedFolder(w)
        let (inputs, _) = try ImportJob.expand([w.input])
        let summary = try w.job().run(inputs)
        #expect(summary.files == 5)
        #expect(summary.cards == 7)
        #expect(summary.imported == 7)
        #expect(summary.merged == 0)
        #expect(summary.rejected.isEmpty)
        let leads = try w.store.leads()
        #expect(leads.count == 7)
        let byEmail = Dictionary(uniqueKeysWithValues: leads.map { ($0.contact.emails.first ?? "", $0) })
        #expect(byEmail["gus@acme.example"]?.source.file == w.input + "/tag.ndef")
        #expect(byEmail["gus@acme.example"]?.source.format == "vcard")
        #expect(byEmail["eve@acme.example"]?.source.format == "mecard")
        #expect(byEmail["eve@acme.example"]?.source.file == w.input + "/mecard.txt")
        #expect(byEmail["fay@acme.example"] != nil)
        #expect(byEmail["bob@globex.example"]?.source.file == w.input + "/a/three.vcf")
        #expect(leads.allSatisfy { $0.source.channel == .import && $0.event == "RSA 2026" && $0.owner == "alice" })
    }

    @Test func readsStandardInput() throws {
        let w = try Workspace()
        let card = Samples.vCard("Ivy Stdin", email: "ivy@acme.example")
        let summary = try w.job().run([.standardInput], standardInput: { Array(card.utf8) })
        #expect(summary.imported == 1)
        let lead = try #require(try w.store.leads().first)
        #expect(lead.source.file == nil)
        #expect(lead.raw.bytes == Array(card.utf8))
    }

    @Test func importingTheSameFilesAgainAddsNothing() throws {
        let w = try Workspace()
        try Self.mixedFolder(w)
        try w.write("torn.vcf", Samples.torn)
        let (inputs, _) = try ImportJob.expand([w.input])
        let first = try w.job().run(inputs)
        #expect(first.imported == 7)
        #expect(first.rejected.count == 1)
        let events = try w.store.pendingDeliveries(limit: 1000).count
        let second = try w.job(workers: 1, batchSize: 2).run(inputs)
        #expect(second.imported == 0)
        #expect(second.merged == 0)
        #expect(second.alreadyImported == 7)
        #expect(try w.store.leads().count == 7)
        #expect(try w.store.pendingDeliveries(limit: 1000).count == events)
        #expect(try w.store.quarantined().count == 1)
    }

    @Test func mergesTheSamePersonAcrossFilesAndCountsIt() throws {
        let w = try Workspace()
        try w.write("1.vcf", Samples.vCard("Jane Doe", email: "jane@acme.example"))
        try w.write("2.vcf", Samples.vCard("Jane D.", email: "JANE@acme.example", extra: ["TITLE:CTO"]))
        try w.write("3.txt", "MECARD:N:Doe,Jane;EMAIL:jane@ACME.example;TEL:+14155550134;;")
        let (inputs, _) = try ImportJob.expand([w.input])
        let summary = try w.job().run(inputs)
        #expect(summary.imported == 1)
        #expect(summary.merged == 2)
        let lead = try #require(try w.store.leads().first)
        #expect(lead.mergedCaptures.map { ($0.source.file as NSString?)?.lastPathComponent } == ["2.vcf", "3.txt"])
        #expect(lead.contact.title == "CTO")
        #expect(lead.contact.phones.map(\.e164) == ["+14155550134"])
    }

    @Test func keepsTheGoodCardsAndQuarantinesTheRest() throws {
        let w = try Workspace()
        let good = Samples.vCard("Jane Doe", email: "jane@acme.example")
        try w.write("good.vcf", good)
        let tornPath = try w.write("torn.vcf", Samples.vCard("Kim Before", email: "kim@acme.example") + Samples.torn)
        var generator = SystemRandomNumberGenerator()
        let noise = (0..<4096).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let noisePath = try w.write("noise.bin", noise)
        try w.write("empty.vcf", "")
        let (inputs, _) = try ImportJob.expand([w.input])
        var progress: [Int] = []
        let summary = try w.job().run(inputs, progress: { progress.append($0.filesDone) })
        #expect(summary.imported == 2)
        let origins = Set(summary.rejected.map(\.origin))
        #expect(origins.contains(tornPath))
        #expect(origins.contains(noisePath))
        #expect(summary.rejected.allSatisfy { !$0.reason.isEmpty })
        let torn = try #require(summary.rejected.first { $0.origin == tornPath })
        #expect(torn.byteOffset == Samples.vCard("Kim Before", email: "kim@acme.example").utf8.count)
        let stored = try w.store.quarantined(withRaw: true)
        #expect(stored.first { $0.origin == noisePath }?.raw == noise)
        #expect(stored.first { $0.origin == tornPath }?.raw == Array(Samples.torn.utf8))
        #expect(progress.last == inputs.count)
        #expect(progress == progress.sorted())
    }

    @Test func aFileLargerThanTheLimitIsQuarantinedByName() throws {
        let w = try Workspace()
        let big = try w.write("big.vcf", Samples.vCard("Big Card", email: "big@acme.example", extra: ["NOTE:" + String(repeating: "x", count: 5000)]))
        try w.write("small.vcf", Samples.vCard("Jane", email: "jane@acme.example"))
        let job = ImportJob(builder: Samples.builder(), store: w.store, logger: quietLogger, maximumFileSize: 4096)
        let summary = try job.run(try ImportJob.expand([w.input]).inputs)
        #expect(summary.imported == 1)
        #expect(summary.rejected.map(\.origin) == [big])
        #expect(summary.rejected.first?.reason.contains("larger than") == true)
    }

    @Test func manyFilesInSmallBatchesGiveTheSameResultAsOneBatch() throws {
        let w = try Workspace()
        for i in 0..<120 {
            // Every fifth file repeats the person of the file before it.
            let person = i % 5 == 4 ? i - 1 : i
            try w.write(String(format: "f/%03d.vcf", i), Samples.vCard("P \(i)", email: "p\(person)@acme.example", extra: ["NOTE:file \(i)"]))
        }
        let inputs = try ImportJob.expand([w.input]).inputs
        let summary = try w.job(workers: 2, batchSize: 7).run(inputs)
        #expect(summary.imported == 96)
        #expect(summary.merged == 24)
        let leads = try w.store.leads()
        #expect(leads.count == 96)
        #expect(Set(leads.map(\.id)).count == 96)
        // The earlier file of each pair made the lead, whatever the thread timing.
        for lead in leads where !lead.mergedCaptures.isEmpty {
            let own = (lead.source.file! as NSString).lastPathComponent
            let merged = (lead.mergedCaptures[0].source.file! as NSString).lastPathComponent
            #expect(own < merged)
        }
    }
}
