#!/usr/bin/env python3
"""Owner-notification receivers for tests and demos, on 127.0.0.1 only: an incoming webhook
(Slack/Mattermost/Teams style, JSON {"text": ...}) and an SMTP server, optionally offering
STARTTLS. Standard library only (Python 3.11 has no smtpd: the SMTP side is asyncio).

usage: notify_receiver.py --log FILE [--http-port 0] [--smtp-port 0]
                          [--tls-cert CERT --tls-key KEY] [--http-statuses 500,200]

Each message received is appended to FILE as one JSON line:
  {"channel": "webhook", "path": ..., "idempotency_key": ..., "status": ..., "text": ..., "received_at": ...}
  {"channel": "smtp", "mail_from": ..., "rcpt_to": [...], "tls": bool, "auth_user": ..., "subject": ...,
   "message_id": ..., "text": ..., "received_at": ...}
--http-statuses answers webhook posts in order (the last one repeating); only 2xx posts count
as received ("status" says what was answered). Once both servers listen, one line is printed on
stdout: {"http_port": N, "smtp_port": M}.
"""
import argparse
import asyncio
import base64
import email
import email.policy
import json
import signal
import ssl
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--log", required=True)
    parser.add_argument("--http-port", type=int, default=0)
    parser.add_argument("--smtp-port", type=int, default=0)
    parser.add_argument("--tls-cert")
    parser.add_argument("--tls-key")
    parser.add_argument("--http-statuses", default="200")
    args = parser.parse_args()
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    lock = threading.Lock()
    statuses = [int(s) for s in args.http_statuses.split(",") if s.strip()]
    state = {"next": 0}

    def record(entry):
        entry["received_at"] = time.time()
        with lock:
            with open(args.log, "a") as log:
                log.write(json.dumps(entry) + "\n")

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *_):
            pass

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            with lock:
                status = statuses[min(state["next"], len(statuses) - 1)]
                state["next"] += 1
            try:
                text = json.loads(body).get("text")
            except (ValueError, AttributeError):
                text = None
            record({"channel": "webhook", "path": self.path, "status": status,
                    "idempotency_key": self.headers.get("Idempotency-Key", ""),
                    "content_type": self.headers.get("Content-Type", ""), "text": text})
            reply = b"ok" if status < 300 else b"scripted failure"
            self.send_response(status)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

    http = ThreadingHTTPServer(("127.0.0.1", args.http_port), Handler)
    threading.Thread(target=http.serve_forever, daemon=True).start()

    tls_context = None
    if args.tls_cert:
        tls_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        tls_context.load_cert_chain(args.tls_cert, args.tls_key)

    async def session(reader, writer):
        tls = False
        auth_user = None
        mail_from, rcpt_to = None, []

        async def reply(line):
            writer.write((line + "\r\n").encode())
            await writer.drain()

        await reply("220 notify_receiver ESMTP")
        while True:
            raw = await reader.readline()
            if not raw:
                break
            line = raw.decode("utf-8", "replace").rstrip("\r\n")
            verb = line.split(" ", 1)[0].split(":", 1)[0].upper()
            if verb in ("EHLO", "HELO"):
                if tls_context and not tls:
                    await reply("250-notify_receiver")
                    await reply("250-8BITMIME")
                    await reply("250-AUTH PLAIN")
                    await reply("250 STARTTLS")
                else:
                    await reply("250-notify_receiver")
                    await reply("250-AUTH PLAIN")
                    await reply("250 8BITMIME")
            elif verb == "STARTTLS" and tls_context and not tls:
                await reply("220 go ahead")
                await writer.start_tls(tls_context)
                tls = True
                mail_from, rcpt_to = None, []
            elif verb == "AUTH":
                parts = line.split(" ")
                try:
                    _, user, password = base64.b64decode(parts[2]).split(b"\0")
                    auth_user = user.decode()
                    await reply("235 authenticated")
                except (IndexError, ValueError):
                    await reply("501 bad AUTH")
            elif verb == "MAIL":
                mail_from = line.split(":", 1)[1].strip().strip("<>")
                rcpt_to = []
                await reply("250 ok")
            elif verb == "RCPT":
                rcpt_to.append(line.split(":", 1)[1].strip().strip("<>"))
                await reply("250 ok")
            elif verb == "DATA":
                await reply("354 end with .")
                lines = []
                while True:
                    data = await reader.readline()
                    if not data or data in (b".\r\n", b".\n"):
                        break
                    if data.startswith(b".."):
                        data = data[1:]
                    lines.append(data)
                message = email.message_from_bytes(b"".join(lines), policy=email.policy.default)
                body = message.get_body(preferencelist=("plain",))
                record({"channel": "smtp", "mail_from": mail_from, "rcpt_to": rcpt_to, "tls": tls, "auth_user": auth_user,
                        "subject": str(message["Subject"]), "message_id": str(message["Message-ID"]),
                        "text": body.get_content() if body else None})
                await reply("250 queued")
            elif verb == "RSET":
                mail_from, rcpt_to = None, []
                await reply("250 ok")
            elif verb == "NOOP":
                await reply("250 ok")
            elif verb == "QUIT":
                await reply("221 bye")
                break
            else:
                await reply("502 not implemented")
        writer.close()

    async def serve():
        server = await asyncio.start_server(session, "127.0.0.1", args.smtp_port)
        port = server.sockets[0].getsockname()[1]
        print(json.dumps({"http_port": http.server_address[1], "smtp_port": port}), flush=True)
        async with server:
            await server.serve_forever()

    try:
        asyncio.run(serve())
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
