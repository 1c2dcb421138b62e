/// vCards as text, for files the import tests write.
public enum CardText {
    public static func vCard(_ name: String, email: String, extra: [String] = []) -> String {
        (["BEGIN:VCARD", "VERSION:3.0", "FN:\(name)", "EMAIL:\(email)"] + extra + ["END:VCARD"]).map { $0 + "\r\n" }.joined()
    }

    public static let torn = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Torn Person\r\nEMAIL:torn@acme.example\r\nTEL:+1 415 55"
}
