import Foundation

/// The file system work of an import, with POSIX calls: Foundation's folder enumerator and
/// file attributes look up the owner's name (reading /etc/passwd) for every file, which
/// for 10,000 small card files cost more than reading them.
enum ImportFiles {
    /// Regular files under `folder`, recursively, as paths joined onto `folder`, and a note
    /// for each symbolic link that was not followed; hidden names (and everything under a
    /// hidden folder) are left out.
    ///
    /// Symbolic links are followed, each folder read once (by device and inode), so a link
    /// back to a folder above it ends there; links to nothing, to a folder already read, or
    /// to something other than a file or folder (a FIFO would block the import) are skipped
    /// with a note saying so.
    static func walk(_ folder: String) throws(ImportError) -> (files: [String], notes: [String]) {
        var files: [String] = []
        var notes: [String] = []
        var pending = [folder]
        var visited: Set<FolderID> = []
        if let root = FolderID(path: folder) { visited.insert(root) }
        var first = true
        while let directory = pending.popLast() {
            guard let handle = opendir(directory) else {
                if first { throw ImportError("\(folder): folder cannot be read (\(String(cString: strerror(errno))))") }
                continue  // a subfolder we may not read: as the enumerator did, go on without it
            }
            first = false
            defer { closedir(handle) }
            while let entry = readdir(handle) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                    String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
                }
                if name.hasPrefix(".") { continue }
                let path = directory.hasSuffix("/") ? directory + name : directory + "/" + name
                var type = Int32(entry.pointee.d_type)
                if type == Int32(DT_UNKNOWN) {
                    var info = stat()
                    guard lstat(path, &info) == 0 else { continue }
                    switch info.st_mode & S_IFMT {
                    case S_IFDIR: type = Int32(DT_DIR)
                    case S_IFREG: type = Int32(DT_REG)
                    case S_IFLNK: type = Int32(DT_LNK)
                    default: continue
                    }
                }
                if type == Int32(DT_DIR) {
                    // Reached through a link already, or a bind mount of a folder above.
                    if let id = FolderID(path: path), !visited.insert(id).inserted { continue }
                    pending.append(path)
                } else if type == Int32(DT_REG) {
                    files.append(path)
                } else if type == Int32(DT_LNK) {
                    var info = stat()
                    guard stat(path, &info) == 0 else {
                        notes.append("\(path): symbolic link to nothing (\(String(cString: strerror(errno)))), skipped")
                        continue
                    }
                    switch info.st_mode & S_IFMT {
                    case S_IFREG:
                        files.append(path)
                    case S_IFDIR:
                        if visited.insert(FolderID(info)).inserted {
                            pending.append(path)
                        } else {
                            notes.append("\(path): symbolic link to a folder read already (a loop?), skipped")
                        }
                    default:
                        notes.append("\(path): symbolic link to something not a file or folder, skipped")
                    }
                }
            }
        }
        return (files, notes)
    }

    /// A folder by device and inode: the same folder whatever path reaches it.
    struct FolderID: Hashable {
        let device: UInt64
        let inode: UInt64

        init(_ info: stat) {
            device = UInt64(info.st_dev)
            inode = UInt64(info.st_ino)
        }

        init?(path: String) {
            var info = stat()
            guard stat(path, &info) == 0 else { return nil }
            self.init(info)
        }
    }

    /// The lower-cased extension of the path's last component ("" if none), as
    /// `NSString.pathExtension` gives it; that one cost an import 60 ms on 10,000 names.
    static func pathExtension(_ path: String) -> String {
        var path = path
        return path.withUTF8 { bytes -> String in
            var end = bytes.count
            while end > 1 && bytes[end - 1] == UInt8(ascii: "/") { end -= 1 }
            var dot = -1
            var index = end - 1
            while index >= 0 {
                let byte = bytes[index]
                if byte == UInt8(ascii: "/") { break }
                if byte == UInt8(ascii: ".") { dot = index; break }
                index -= 1
            }
            // No dot, a name that starts with one (".profile"), or one that ends with one.
            guard dot > 0, bytes[dot - 1] != UInt8(ascii: "/"), dot + 1 < end else { return "" }
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[(dot + 1)..<end]), as: UTF8.self).lowercased()
        }
    }

    /// Asks the kernel to start reading `paths` (their first `bytesPerFile` bytes) into the
    /// page cache, in order, staying at most `ahead` files past `position()` (the next file a
    /// decoder will take), until the end or `stop()`.
    ///
    /// The decoders read one file each at a time, so a folder not in the page cache was read
    /// from disk two requests at a time: 10,000 small files took a decoder 1 s of waiting on
    /// the development machine's virtual disk, against 0.3 s for the same files read 16 at a
    /// time. `POSIX_FADV_WILLNEED` starts a read and returns, so many are in flight at once.
    /// A folder whose first files are all in the page cache already is left alone: asking
    /// for cached files cost a cached import 5% of its time.
    static func prefetch(_ paths: [String?], ahead: Int, bytesPerFile: Int, position: () -> Int, stop: () -> Bool) {
        let probed = paths.prefix(32).compactMap { $0.flatMap(isCached) }
        if !probed.isEmpty && probed.allSatisfy({ $0 }) { return }
        for (index, path) in paths.enumerated() {
            while index >= position() + ahead {
                if stop() { return }
                usleep(500)
            }
            if stop() { return }
            guard let path else { continue }
            let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
            guard fd >= 0 else { continue }  // the decoder reports it when it gets there
            _ = posix_fadvise(fd, 0, off_t(bytesPerFile), POSIX_FADV_WILLNEED)
            close(fd)
        }
    }

    /// Whether the first page of the file at `path` is in the page cache; nil if that cannot
    /// be told (an empty or unreadable file).
    static func isCached(_ path: String) -> Bool? {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_size > 0 else { return nil }
        let length = min(Int(info.st_size), Int(sysconf(Int32(_SC_PAGESIZE))))
        guard let map = mmap(nil, length, PROT_READ, MAP_SHARED, fd, 0), map != MAP_FAILED else { return nil }
        defer { munmap(map, length) }
        var resident: UInt8 = 0
        guard mincore(map, length, &resident) == 0 else { return nil }
        return resident & 1 == 1
    }

    enum ReadResult {
        case bytes([UInt8])
        /// Larger than the limit: not read.
        case tooLarge(size: Int)
        case failed(String)
    }

    /// The whole file, unless it is larger than `limit` bytes.
    static func read(_ path: String, limit: Int) -> ReadResult {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return .failed(String(cString: strerror(errno))) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { return .failed(String(cString: strerror(errno))) }
        let size = Int(info.st_size)
        if size > limit { return .tooLarge(size: size) }
        // Room for one byte more than the size says, to see a file that grew in the meantime.
        // A regular file reads short only at its end: no second read to be told so (a tenth
        // of an import's read calls' time went on those).
        let regular = info.st_mode & S_IFMT == S_IFREG
        var bytes: [UInt8] = []
        var capacity = size + 1
        var error: String?
        while error == nil {
            let start = bytes.count
            var filled = 0
            let chunk = [UInt8](unsafeUninitializedCapacity: capacity - start) { buffer, count in
                while filled < buffer.count {
                    let n = Glibc.read(fd, buffer.baseAddress! + filled, buffer.count - filled)
                    if n < 0 && errno == EINTR { continue }
                    if n < 0 { error = String(cString: strerror(errno)); break }
                    if n == 0 { break }
                    filled += n
                    if regular && filled < buffer.count { break }
                }
                count = filled
            }
            if bytes.isEmpty { bytes = chunk } else { bytes += chunk }
            if bytes.count > limit { return .tooLarge(size: bytes.count) }
            if filled < capacity - start { break }  // end of file
            capacity = bytes.count + (64 << 10)
        }
        if let error { return .failed(error) }
        return .bytes(bytes)
    }
}

extension ImportFiles {
    /// Where a file of many vCards can be cut into pieces that are decoded and stored one
    /// after another, so that an import holds a piece at a time instead of the whole file
    /// and every card made from it (100,000 cards in one 40 MB file took 428 MB at once).
    struct Piece: Sendable, Hashable {
        /// The piece's bytes in the file.
        var range: Range<Int>
        /// Cards (BEGIN:VCARD lines) in the file before it, to number the piece's cards.
        var cardsBefore: Int
    }

    /// The pieces of the file at `path`, each about `pieceBytes` or more, or nil when the
    /// file is not a vCard file (its first line is not BEGIN:VCARD) or would be one piece.
    ///
    /// A cut is made only before a BEGIN:VCARD line whose previous line (blank lines aside)
    /// is END:VCARD, so no card is split and a torn card stays whole with what follows it.
    /// The file is read a chunk at a time, never held whole.
    static func vCardPieces(_ path: String, pieceBytes: Int, chunkBytes: Int = 1 << 20) -> [Piece]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { return nil }
        let size = Int(info.st_size)
        guard size > pieceBytes else { return nil }
        var chunk = [UInt8](repeating: 0, count: max(chunkBytes, 64))
        var pieces: [Piece] = []
        var pieceStart = 0
        var cardsBefore = 0
        var begins = 0
        var afterEnd = false
        var sawFirstLine = false
        var position = 0  // the file offset of chunk[0]
        var atLineStart = true
        while position < size {
            let filled = chunk.withUnsafeMutableBytes { buffer -> Int in
                var total = 0
                while total < buffer.count {
                    let n = pread(fd, buffer.baseAddress! + total, buffer.count - total, off_t(position + total))
                    if n < 0 && errno == EINTR { continue }
                    if n <= 0 { break }
                    total += n
                }
                return total
            }
            guard filled > 0 else { break }
            let atEOF = position + filled >= size
            var next = position + filled  // where the next chunk starts
            let stop: Bool = chunk.withUnsafeBufferPointer { bytes -> Bool in
                var index = 0
                while index < filled {
                    if atLineStart {
                        // A line's first bytes are looked at whole: one that starts too near
                        // the chunk's end is read again at the start of the next chunk.
                        if !atEOF && filled - index < 16 && index > 0 { next = position + index; return false }
                        let line = UnsafeBufferPointer(rebasing: bytes[index..<filled])
                        var skip = 0
                        if position + index == 0, line.starts(with: [0xEF, 0xBB, 0xBF]) { skip = 3 }
                        let kind = Self.vCardLineKind(UnsafeBufferPointer(rebasing: line[skip...]))
                        if !sawFirstLine && kind != .blank {
                            sawFirstLine = true
                            if kind != .begin { return true }
                        }
                        switch kind {
                        case .begin:
                            let offset = position + index
                            if afterEnd && offset - pieceStart >= pieceBytes {
                                pieces.append(Piece(range: pieceStart..<offset, cardsBefore: cardsBefore))
                                pieceStart = offset
                                cardsBefore = begins
                            }
                            begins += 1
                            afterEnd = false
                        case .end: afterEnd = true
                        case .blank: break
                        case .other: afterEnd = false
                        }
                    }
                    guard let newline = memchr(bytes.baseAddress! + index, 0x0A, filled - index) else {
                        atLineStart = false
                        return false
                    }
                    index = bytes.baseAddress!.distance(to: newline.assumingMemoryBound(to: UInt8.self)) + 1
                    atLineStart = true
                }
                return false
            }
            if stop || !sawFirstLine && next >= size { return nil }
            position = next
        }
        guard !pieces.isEmpty else { return nil }
        pieces.append(Piece(range: pieceStart..<size, cardsBefore: cardsBefore))
        return pieces
    }

    enum VCardLineKind { case begin, end, blank, other }

    /// What a line is, from its first bytes: BEGIN:VCARD, END:VCARD (any case, nothing after
    /// them but spaces and the line break), blank, or anything else.
    static func vCardLineKind(_ line: UnsafeBufferPointer<UInt8>) -> VCardLineKind {
        func matches(_ word: StaticString) -> Bool {
            let count = word.utf8CodeUnitCount
            guard line.count >= count else { return false }
            for offset in 0..<count where line[offset] | 0x20 != word.utf8Start[offset] | 0x20 { return false }
            var rest = count
            while rest < line.count && (line[rest] == 0x20 || line[rest] == 0x09) { rest += 1 }
            return rest == line.count || line[rest] == 0x0D || line[rest] == 0x0A
        }
        if line.isEmpty || line[0] == 0x0D || line[0] == 0x0A { return .blank }
        if matches("BEGIN:VCARD") { return .begin }
        if matches("END:VCARD") { return .end }
        return .other
    }

    /// The size of the regular file at `path`; nil for anything else or an error.
    static func size(_ path: String) -> Int? {
        var info = stat()
        guard stat(path, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { return nil }
        return Int(info.st_size)
    }

    /// The bytes of the file at `path` in `range`.
    static func read(_ path: String, range: Range<Int>) -> ReadResult {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return .failed(String(cString: strerror(errno))) }
        defer { close(fd) }
        var failure: String?
        let bytes = [UInt8](unsafeUninitializedCapacity: range.count) { buffer, count in
            var filled = 0
            while filled < buffer.count {
                let n = pread(fd, buffer.baseAddress! + filled, buffer.count - filled, off_t(range.lowerBound + filled))
                if n < 0 && errno == EINTR { continue }
                if n < 0 { failure = String(cString: strerror(errno)); break }
                if n == 0 { failure = "the file is shorter than it was (\(range.lowerBound + filled) bytes)"; break }
                filled += n
            }
            count = filled
        }
        if let failure { return .failed(failure) }
        return .bytes(bytes)
    }
}

/// A big file of vCards read a piece at a time, for `leadgate parse` (an import does the
/// same through `ImportJob`): what is held at once is a piece and its cards.
public enum LargeVCardFile {
    /// The byte ranges of the pieces of the file at `path`, or nil when it is read whole:
    /// not bigger than `above` bytes, not a file of vCards, or one card.
    public static func pieces(_ path: String, above: Int = ImportJob.piecesAbove,
                              pieceBytes: Int = ImportJob.pieceBytes) -> [Range<Int>]? {
        guard let size = ImportFiles.size(path), size > above else { return nil }
        return ImportFiles.vCardPieces(path, pieceBytes: pieceBytes)?.map(\.range)
    }

    /// The bytes of one piece.
    public static func read(_ path: String, _ range: Range<Int>) throws(ImportError) -> [UInt8] {
        switch ImportFiles.read(path, range: range) {
        case .bytes(let bytes): return bytes
        case .tooLarge: throw ImportError("\(path): bytes \(range.lowerBound)-\(range.upperBound) cannot be read: the file changed while read")
        case .failed(let why): throw ImportError("\(path): bytes \(range.lowerBound)-\(range.upperBound) cannot be read: \(why)")
        }
    }
}
