import Foundation

/// Reads a command's input: a file path, or `-` for standard input.
enum InputFile {
    /// The input's bytes; with `hex`, the input is hex text (spaces, colons, `0x` allowed).
    static func read(_ path: String, hex: Bool, limit: Int) throws(CommandFailure) -> [UInt8] {
        let data: Data
        if path == "-" {
            data = FileHandle.standardInput.readDataToEndOfFile()
        } else {
            guard let handle = FileHandle(forReadingAtPath: path) else {
                let reason = FileManager.default.fileExists(atPath: path) ? "cannot be read (permissions?)" : "does not exist"
                throw .dataError("\(path): \(reason)")
            }
            defer { try? handle.close() }
            // Read one byte past the limit so an oversized file is reported, not cut.
            data = (try? handle.read(upToCount: limit + 1)) ?? Data()
        }
        guard data.count <= limit else {
            throw .dataError("\(path): larger than \(limit) bytes, the most leadgate reads as one payload")
        }
        let bytes = [UInt8](data)
        return hex ? try decodeHex(bytes, name: path) : bytes
    }

    /// The size of the regular file at `path`; nil for anything else.
    static func size(_ path: String) -> Int? {
        var info = stat()
        guard stat(path, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { return nil }
        return Int(info.st_size)
    }

    static func decodeHex(_ text: [UInt8], name: String) throws(CommandFailure) -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(text.count / 2)
        var high: UInt8?
        var i = 0
        while i < text.count {
            let c = text[i]
            // Skip "0x" prefixes and separators.
            if c == 0x30, i + 1 < text.count, text[i + 1] | 0x20 == 0x78, high == nil { i += 2; continue }
            if c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D || c == 0x3A || c == 0x2C || c == 0x2D { i += 1; continue }
            let v: UInt8
            switch c {
            case 0x30...0x39: v = c - 0x30
            case 0x41...0x46: v = c - 0x41 + 10
            case 0x61...0x66: v = c - 0x61 + 10
            default:
                throw .dataError("\(name): not hex: byte 0x\(String(c, radix: 16)) at byte \(i)")
            }
            if let h = high { out.append(h << 4 | v); high = nil } else { high = v }
            i += 1
        }
        if high != nil { throw .dataError("\(name): odd number of hex digits at byte \(text.count)") }
        return out
    }
}
