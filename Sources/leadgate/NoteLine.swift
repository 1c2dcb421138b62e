/// The note line being typed, with a cursor and the usual line-editing keys: arrows,
/// Home/End, Ctrl-A/E, Ctrl-W, Ctrl-U, Ctrl-K, Backspace and Delete.
struct NoteLine: Equatable {
    private(set) var characters: [Character] = []
    /// Characters before the cursor.
    private(set) var cursor = 0

    var text: String {
        get { String(characters) }
        set { characters = Array(newValue); cursor = characters.count }
    }

    var isEmpty: Bool { characters.isEmpty }
    var beforeCursor: String { String(characters[..<cursor]) }

    mutating func insert(_ s: String) {
        let new = Array(s)
        characters.insert(contentsOf: new, at: cursor)
        cursor += new.count
    }

    mutating func backspace() {
        guard cursor > 0 else { return }
        characters.remove(at: cursor - 1)
        cursor -= 1
    }

    mutating func deleteForward() {
        guard cursor < characters.count else { return }
        characters.remove(at: cursor)
    }

    mutating func left() { cursor = max(0, cursor - 1) }
    mutating func right() { cursor = min(characters.count, cursor + 1) }
    mutating func home() { cursor = 0 }
    mutating func end() { cursor = characters.count }

    /// Ctrl-W: the word before the cursor, and the spaces after it.
    mutating func deleteWordBackward() {
        var start = cursor
        while start > 0 && characters[start - 1].isWhitespace { start -= 1 }
        while start > 0 && !characters[start - 1].isWhitespace { start -= 1 }
        characters.removeSubrange(start..<cursor)
        cursor = start
    }

    /// Ctrl-U: everything before the cursor.
    mutating func deleteToStart() {
        characters.removeSubrange(0..<cursor)
        cursor = 0
    }

    /// Ctrl-K: everything from the cursor on.
    mutating func deleteToEnd() {
        characters.removeSubrange(cursor...)
    }

    /// Applies an escape sequence's final bytes (after ESC): `[D` left, `[C` right, `[H`
    /// `[1~` `[7~` `OH` home, `[F` `[4~` `[8~` `OF` end, `[3~` delete. Others do nothing.
    mutating func apply(escape sequence: [UInt8]) {
        switch String(decoding: sequence, as: UTF8.self) {
        case "[D", "OD": left()
        case "[C", "OC": right()
        case "[H", "OH", "[1~", "[7~": home()
        case "[F", "OF", "[4~", "[8~": end()
        case "[3~": deleteForward()
        default: break
        }
    }
}
