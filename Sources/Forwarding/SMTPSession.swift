import COpenSSL
import Foundation

/// One conversation with a mail server: EHLO, STARTTLS when offered (or required), then one
/// message per `send`. Blocks: use it only on a `BlockingCallThread`.
///
/// Failures name the step; a 4xx reply or a lost connection is worth a retry, a 5xx is not.
final class SMTPSession {
    private let server: SMTPServer
    private var descriptor: Int32 = -1
    private var context: OpaquePointer?
    private var tls: OpaquePointer?
    private var buffer: [UInt8] = []
    private(set) var isEncrypted = false

    init(server: SMTPServer, timeout: Int = 30) throws(ForwardingError) {
        self.server = server
        try connect(timeout: timeout)
        try expect(220, after: "connect")
        var extensions = try hello()
        if extensions.contains("STARTTLS") && server.startTLS != .never {
            try command("STARTTLS", expecting: [220])
            try startTLS()
            extensions = try hello()
        } else if server.startTLS == .required {
            throw ForwardingError(.rejected, "\(server.description) does not offer STARTTLS (starttls=required)", function: "EHLO")
        }
        if let user = server.user {
            guard isEncrypted || server.isLoopback else {
                throw ForwardingError(.rejected, "\(server.description) offers no STARTTLS: not sending the password in the clear", function: "AUTH")
            }
            guard extensions.contains("AUTH") else {
                throw ForwardingError(.rejected, "\(server.description) does not offer AUTH", function: "AUTH")
            }
            let token = Data(([0] + Array(user.utf8) + [0] + Array((server.password ?? "").utf8))).base64EncodedString()
            try command("AUTH PLAIN \(token)", expecting: [235], redacted: "AUTH PLAIN")
        }
    }

    deinit {
        // A polite QUIT only on a connection that is in order (not after a failed handshake).
        if descriptor >= 0 && (tls == nil || isEncrypted) { _ = try? command("QUIT", expecting: [221]) }
        if let tls { SSL_free(tls) }
        if let context { SSL_CTX_free(context) }
        if descriptor >= 0 { close(descriptor) }
    }

    /// Sends one message to `recipient`.
    func send(to recipient: String, subject: String, body: String, messageID: String) throws(ForwardingError) {
        try command("MAIL FROM:<\(server.from)>", expecting: [250])
        try command("RCPT TO:<\(recipient)>", expecting: [250, 251])
        try command("DATA", expecting: [354])
        var message = ""
        message += "From: leadgate <\(server.from)>\r\n"
        message += "To: <\(recipient)>\r\n"
        message += "Subject: \(Self.encodedHeader(subject))\r\n"
        message += "Date: \(Self.dateFormatter.string(from: Date()))\r\n"
        message += "Message-ID: <\(messageID)>\r\n"
        message += "MIME-Version: 1.0\r\n"
        message += "Content-Type: text/plain; charset=utf-8\r\n"
        message += "Content-Transfer-Encoding: base64\r\n\r\n"
        // Base64 lines never start with a dot and need no 8BITMIME from the server.
        let encoded = Data(body.replacingOccurrences(of: "\n", with: "\r\n").utf8).base64EncodedString(options: [.lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed])
        message += encoded + "\r\n.\r\n"
        try write(message, step: "DATA")
        try expect(250, after: "DATA")
    }

    // MARK: the protocol

    private func hello() throws(ForwardingError) -> Set<String> {
        let reply = try command("EHLO \(Self.localName)", expecting: [250])
        return Set(reply.dropFirst().map { $0.split(separator: " ").first.map { String($0).uppercased() } ?? "" })
    }

    /// `redacted`, when given, stands for the line in errors (it carries a secret).
    @discardableResult
    private func command(_ line: String, expecting codes: Set<Int>, redacted: String? = nil) throws(ForwardingError) -> [String] {
        try write(line + "\r\n", step: Self.verb(redacted ?? line))
        let (code, lines) = try readReply(step: Self.verb(line))
        guard codes.contains(code) else { throw Self.failure(code, lines, step: Self.verb(line)) }
        return lines
    }

    private func expect(_ expected: Int, after step: String) throws(ForwardingError) {
        let (code, lines) = try readReply(step: step)
        guard code == expected else { throw Self.failure(code, lines, step: step) }
    }

    private static func failure(_ code: Int, _ lines: [String], step: String) -> ForwardingError {
        let text = "\(code) " + lines.joined(separator: " ")
        return ForwardingError((400..<500).contains(code) ? .temporaryFailure : .rejected, text, function: step)
    }

    private static func verb(_ line: String) -> String {
        String(line.prefix { $0 != " " && $0 != ":" })
    }

    /// A reply: its code and the text of each line ("250-a", "250 b" -> ["a", "b"]).
    private func readReply(step: String) throws(ForwardingError) -> (Int, [String]) {
        var lines: [String] = []
        while true {
            let line = try readLine(step: step)
            guard line.count >= 3, let code = Int(line.prefix(3)) else {
                throw ForwardingError(.temporaryFailure, "not an SMTP reply: \(line.prefix(80))", function: step)
            }
            lines.append(String(line.dropFirst(4)))
            if line.count == 3 || line[line.index(line.startIndex, offsetBy: 3)] == " " { return (code, lines) }
        }
    }

    private func readLine(step: String) throws(ForwardingError) -> String {
        while true {
            if let end = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                var line = Array(buffer[..<end])
                buffer.removeFirst(end + 1)
                if line.last == UInt8(ascii: "\r") { line.removeLast() }
                return String(decoding: line, as: UTF8.self)
            }
            guard buffer.count < 65536 else { throw ForwardingError(.rejected, "SMTP reply line too long", function: step) }
            var chunk = [UInt8](repeating: 0, count: 4096)
            let count: Int = chunk.withUnsafeMutableBytes { bytes in
                if let tls { return Int(SSL_read(tls, bytes.baseAddress, Int32(bytes.count))) }
                return recv(descriptor, bytes.baseAddress, bytes.count, 0)
            }
            guard count > 0 else {
                throw ForwardingError(.unreachable, "\(server.description) closed the connection", function: step)
            }
            buffer += chunk[..<count]
        }
    }

    private func write(_ text: String, step: String) throws(ForwardingError) {
        let bytes = Array(text.utf8)
        var start = 0
        while start < bytes.count {
            let sent: Int = bytes[start...].withUnsafeBytes { raw in
                if let tls { return Int(SSL_write(tls, raw.baseAddress, Int32(raw.count))) }
                return Glibc.send(descriptor, raw.baseAddress, raw.count, Int32(MSG_NOSIGNAL))
            }
            guard sent > 0 else {
                throw ForwardingError(.unreachable, "\(server.description): write failed: \(String(cString: strerror(errno)))", function: step)
            }
            start += sent
        }
    }

    // MARK: sockets and TLS

    private func connect(timeout: Int) throws(ForwardingError) {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let rc = getaddrinfo(server.host, String(server.port), &hints, &list)
        guard rc == 0, let first = list else {
            throw ForwardingError(.unreachable, "\(server.host): \(String(cString: gai_strerror(rc)))", function: "getaddrinfo")
        }
        defer { freeaddrinfo(list) }
        var lastError = ECONNREFUSED
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let current = entry {
            let fd = socket(current.pointee.ai_family, current.pointee.ai_socktype, current.pointee.ai_protocol)
            if fd >= 0 {
                var time = timeval(tv_sec: timeout, tv_usec: 0)
                setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &time, socklen_t(MemoryLayout<timeval>.size))
                setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &time, socklen_t(MemoryLayout<timeval>.size))
                if Glibc.connect(fd, current.pointee.ai_addr, current.pointee.ai_addrlen) == 0 {
                    descriptor = fd
                    return
                }
                lastError = errno
                close(fd)
            }
            entry = current.pointee.ai_next
        }
        throw ForwardingError(.unreachable, "\(server.description): \(String(cString: strerror(lastError)))", function: "connect")
    }

    private func startTLS() throws(ForwardingError) {
        guard let context = SSL_CTX_new(TLS_client_method()) else { throw tlsFailure("SSL_CTX_new") }
        self.context = context
        SSL_CTX_set_verify(context, SSL_VERIFY_PEER, nil)
        if let caFile = server.caFile {
            guard SSL_CTX_load_verify_locations(context, caFile, nil) == 1 else { throw tlsFailure("SSL_CTX_load_verify_locations") }
        } else {
            SSL_CTX_set_default_verify_paths(context)
        }
        guard let tls = SSL_new(context) else { throw tlsFailure("SSL_new") }
        self.tls = tls
        SSL_set_fd(tls, descriptor)
        var address = in6_addr()
        let isIP = inet_pton(AF_INET, server.host, &address) == 1 || inet_pton(AF_INET6, server.host, &address) == 1
        if isIP {
            X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(tls), server.host)
        } else {
            _ = leadgate_ssl_set_server_name(tls, server.host)
            SSL_set1_host(tls, server.host)
        }
        // Bytes read before the handshake would be the server talking out of turn.
        buffer.removeAll()
        guard SSL_connect(tls) == 1 else { throw tlsFailure("SSL_connect") }
        isEncrypted = true
    }

    private func tlsFailure(_ function: String) -> ForwardingError {
        var text = ""
        let code = ERR_get_error()
        if code != 0 {
            var chars = [CChar](repeating: 0, count: 256)
            ERR_error_string_n(code, &chars, chars.count)
            text = String(decoding: chars.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
        if let tls, SSL_get_verify_result(tls) != X509_V_OK {
            text = String(cString: X509_verify_cert_error_string(Int(SSL_get_verify_result(tls))))
        }
        ERR_clear_error()
        return ForwardingError(.unreachable, "\(server.description): TLS failed: \(text.isEmpty ? "handshake failed" : text)", function: function)
    }

    // MARK: formatting

    private static let localName: String = {
        let name = ProcessInfo.processInfo.hostName
        return name.isEmpty || name.contains(" ") ? "leadgate.localdomain" : name
    }()

    static let dateFormatter: DateFormatter = {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss Z"
        return formatter
    }()

    /// RFC 2047 for headers that are not plain ASCII.
    static func encodedHeader(_ text: String) -> String {
        let oneLine = text.replacingOccurrences(of: "\r", with: " ").replacingOccurrences(of: "\n", with: " ")
        if oneLine.allSatisfy({ $0.isASCII }) { return oneLine }
        return "=?utf-8?B?" + Data(oneLine.utf8).base64EncodedString() + "?="
    }
}
