import Foundation
import NDEF

extension SimulatedTag {
    /// The largest file played as a tag: more than a Type 4 tag's NDEF file holds at most.
    public static let maximumFileSize = 32 * 1024

    /// Reads a tag from a file, which is one tap.
    ///
    /// What the file holds comes from its extension: `.ndef` a binary NDEF message, `.hex` one
    /// as hex text, `.vcf`/`.vcard` a vCard (stored as one `text/vcard` record), `.url`/`.uri`
    /// a link (one URI record), `.txt` text (one Text record), `.uid` nothing but the UID, as
    /// hex text. Dotted parts of the name may set the tag: a tag type (`jane.ntag216.vcf`) and
    /// a UID of 4, 7 or 10 bytes in hex (`badge.0A1B2C3D.uid`). Without them the type is the
    /// smallest NTAG the message fits (a Type 4 tag past that; a MIFARE Classic 1K for `.uid`)
    /// and the UID is made from the file name, so the same file always gives the same UID.
    public init(contentsOf url: URL) throws(TagReaderError) {
        let file = url.lastPathComponent
        let data: Data
        do {
            let handle = try FileHandle(forReadingFrom: url)
            defer { try? handle.close() }
            data = try handle.read(upToCount: Self.maximumFileSize + 1) ?? Data()
        } catch {
            throw TagReaderError(.invalidTagFile, "\(file): cannot be read")
        }
        guard data.count <= Self.maximumFileSize else {
            throw TagReaderError(.invalidTagFile, "\(file): larger than \(Self.maximumFileSize) bytes, more than a tag holds")
        }
        let bytes = [UInt8](data)
        let parts = file.split(separator: ".").map(String.init)
        let fileExtension = parts.count > 1 ? parts[parts.count - 1].lowercased() : ""
        let middle = parts.count > 2 ? Array(parts[1 ..< parts.count - 1]) : []
        var uid = middle.compactMap(Self.uidPart).first
        let namedType = middle.map { TagType(rawValue: $0.lowercased()) }.first(where: Self.knownTypes.contains)

        let message: [UInt8]?
        switch fileExtension {
        case "ndef":
            message = bytes
        case "hex":
            guard let decoded = Self.hexBytes(String(decoding: bytes, as: UTF8.self)) else {
                throw TagReaderError(.invalidTagFile, "\(file): not hex text")
            }
            message = decoded
        case "vcf", "vcard":
            message = NDEFMessage(records: [.media("text/vcard", payload: bytes)]).encoded()
        case "url", "uri":
            let link = String(decoding: bytes, as: UTF8.self).split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
            message = NDEFMessage(records: [.uri(link.trimmingCharacters(in: .whitespaces))]).encoded()
        case "txt":
            message = NDEFMessage(records: [.text(String(decoding: bytes, as: UTF8.self))]).encoded()
        case "uid":
            message = nil
            let text = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            if !text.isEmpty {
                guard let fromFile = Self.hexBytes(text), [4, 7, 10].contains(fromFile.count) else {
                    throw TagReaderError(.invalidTagFile, "\(file): a .uid file holds a UID of 4, 7 or 10 bytes in hex")
                }
                uid = fromFile
            }
        default:
            throw TagReaderError(.invalidTagFile, "\(file): unknown kind of tag file (.ndef, .hex, .vcf, .url, .txt or .uid)")
        }
        let type = namedType ?? message.map(Self.smallestType(holding:)) ?? .mifareClassic1K
        if let message, type.isTypeTwo, message.count + 5 > SimulatedCard.typeTwoLayout(type).dataAreaSize {
            throw TagReaderError(.invalidTagFile, "\(file): an NDEF message of \(message.count) bytes does not fit a \(type)")
        }
        if !type.isTypeTwo, type != .type4, message != nil {
            throw TagReaderError(.invalidTagFile, "\(file): a \(type) here carries only its UID")
        }
        let madeUID = Self.uid(forName: file, length: type == .mifareClassic1K || type == .mifareClassic4K ? 4 : 7)
        self.init(uid: uid ?? madeUID, type: type, ndefMessage: message, name: file)
    }

    /// Reads each file, and each file of each folder in name order, as one tag.
    public static func load(_ urls: [URL]) throws(TagReaderError) -> [SimulatedTag] {
        var tags: [SimulatedTag] = []
        for url in urls {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
                throw TagReaderError(.invalidTagFile, "\(url.path): does not exist")
            }
            if isDirectory.boolValue {
                let names = (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []
                for name in names.sorted() where !name.hasPrefix(".") {
                    tags.append(try SimulatedTag(contentsOf: url.appendingPathComponent(name)))
                }
            } else {
                tags.append(try SimulatedTag(contentsOf: url))
            }
        }
        return tags
    }

    private static let knownTypes: Set<TagType> = [
        .ntag213, .ntag215, .ntag216, .mifareUltralight, .mifareUltralightC, .mifareUltralightEV1,
        .mifareClassic1K, .mifareClassic4K, .type4, .iso14443_4,
    ]

    private static func uidPart(_ part: String) -> [UInt8]? {
        guard [8, 14, 20].contains(part.count), let bytes = hexBytes(part) else { return nil }
        return bytes
    }

    static func hexBytes(_ text: String) -> [UInt8]? {
        let digits = text.unicodeScalars.filter { !CharacterSet.whitespacesAndNewlines.contains($0) && $0 != ":" }
        guard digits.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        var high: UInt8?
        for scalar in digits {
            guard let value = UInt8(String(scalar), radix: 16) else { return nil }
            if let first = high {
                bytes.append(first << 4 | value)
                high = nil
            } else {
                high = value
            }
        }
        return bytes
    }

    /// A UID made from a name by FNV-1a: NXP's manufacturer byte 04 first for 7-byte UIDs.
    static func uid(forName name: String, length: Int) -> [UInt8] {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in name.utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
        }
        let bytes = (0 ..< 8).map { UInt8(truncatingIfNeeded: hash >> (8 * $0)) }
        return length == 7 ? [0x04] + bytes.prefix(6) : Array(bytes.prefix(length))
    }
}
