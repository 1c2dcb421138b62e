import Foundation
@testable import Gateway
import Testing

/// Issue 18: symbolic links inside an import folder are followed once, loops end, and what
/// is not followed is named (never a silent "0 file(s)").
@Suite struct ImportSymlinkTests {
    func files(_ expansion: ImportJob.Expansion, under root: String) -> [String] {
        expansion.inputs.compactMap { input -> String? in
            if case .file(let path) = input { return String(path.dropFirst(root.count + 1)) } else { return nil }
        }
    }

    @Test func followsALinkedFolderOutsideTheImportFolder() throws {
        let w = try Workspace()
        let outside = try w.write("elsewhere/x.vcf", Samples.vCard("Xe Outside", email: "xe@acme.example"))
        try w.write("import/own.vcf", Samples.vCard("Ow N", email: "own@acme.example"))
        let root = w.input + "/import"
        try FileManager.default.createSymbolicLink(atPath: root + "/shared", withDestinationPath: (outside as NSString).deletingLastPathComponent)
        let expansion = try ImportJob.expansion(of: [root])
        #expect(files(expansion, under: root) == ["own.vcf", "shared/x.vcf"])
        #expect(expansion.notes.isEmpty)
    }

    @Test func endsALoopThroughTwoFoldersWithANote() throws {
        let w = try Workspace()
        try w.write("a/one.vcf", Samples.vCard("On E", email: "one@acme.example"))
        try w.write("b/two.vcf", Samples.vCard("Tw O", email: "two@acme.example"))
        try FileManager.default.createSymbolicLink(atPath: w.input + "/a/to-b", withDestinationPath: w.input + "/b")
        try FileManager.default.createSymbolicLink(atPath: w.input + "/b/to-a", withDestinationPath: "../a")
        let expansion = try ImportJob.expansion(of: [w.input])
        // Each card once, whichever path reached its folder first.
        #expect(Set(files(expansion, under: w.input).map { ($0 as NSString).lastPathComponent }) == ["one.vcf", "two.vcf"])
        #expect(files(expansion, under: w.input).count == 2)
        #expect(expansion.notes.count == 2, "\(expansion.notes)")
        #expect(expansion.notes.allSatisfy { $0.hasSuffix("symbolic link to a folder read already (a loop?), skipped") })
    }

    @Test func namesADanglingLinkAndALinkToAFIFO() throws {
        let w = try Workspace()
        try w.write("real.vcf", Samples.vCard("Re Al", email: "real@acme.example"))
        try FileManager.default.createSymbolicLink(atPath: w.input + "/gone.vcf", withDestinationPath: w.input + "/missing.vcf")
        #expect(mkfifo(w.folder.appendingPathComponent("pipe").path, 0o600) == 0)
        try FileManager.default.createSymbolicLink(atPath: w.input + "/pipe.vcf", withDestinationPath: w.folder.appendingPathComponent("pipe").path)
        let expansion = try ImportJob.expansion(of: [w.input])
        #expect(files(expansion, under: w.input) == ["real.vcf"])
        #expect(expansion.notes.sorted() == [
            w.input + "/gone.vcf: symbolic link to nothing (No such file or directory), skipped",
            w.input + "/pipe.vcf: symbolic link to something not a file or folder, skipped",
        ])
    }

    @Test func importsTheCardsOfALinkedFolder() throws {
        let w = try Workspace()
        let outside = try w.write("elsewhere/x.vcf", Samples.vCard("Xe Outside", email: "xe@acme.example"))
        try FileManager.default.createDirectory(atPath: w.input + "/import", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: w.input + "/import/shared", withDestinationPath: (outside as NSString).deletingLastPathComponent)
        let summary = try w.job().run(try ImportJob.expansion(of: [w.input + "/import"]).inputs)
        #expect(summary.files == 1 && summary.imported == 1)
    }
}
