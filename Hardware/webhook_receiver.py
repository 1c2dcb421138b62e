#!/usr/bin/env python3
"""A Standard Webhooks receiver for tests and demos, on 127.0.0.1 only.

It checks each POST's signature (webhook-signature = "v1," + base64 of HMAC-SHA256 over
"{webhook-id}.{webhook-timestamp}.{body}", the secret given as "whsec_" + base64 or as plain
text), answers with the next status of a script, and appends what it got to a JSON-lines log.

usage: webhook_receiver.py --secret S --log FILE [--statuses 500,200] [--port 0]

--statuses is answered in order, one per request, the last one repeating; "429:2" answers
429 with Retry-After: 2; "hang:3" waits 3 seconds, then answers 200 (to a client that has
likely given up); "302=URL" answers 302 with Location: URL (any 3xx). A bad signature or a
stale timestamp (over 5 minutes) gets 401 whatever the script says, except a scripted 3xx
or 401 (which a receiver sends before it looks at the signature). Any method is answered
and logged with its method and whether it carried a signature, so a redirect target shows
what reached it. The port is printed on stdout once the server listens.
"""
import argparse
import base64
import hashlib
import hmac
import json
import signal
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def secret_bytes(secret):
    if secret.startswith("whsec_"):
        return base64.b64decode(secret[len("whsec_"):])
    return secret.encode()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--secret", required=True)
    parser.add_argument("--log", required=True)
    parser.add_argument("--statuses", default="200")
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    # A parent that spawns us from a thread with signals blocked must still be able to stop us.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    key = secret_bytes(args.secret)
    script = [s.strip() for s in args.statuses.split(",") if s.strip()]
    lock = threading.Lock()
    state = {"next": 0}

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *_):
            pass

        def do_GET(self):
            self.do_POST()

        do_PUT = do_GET
        do_DELETE = do_GET

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            wid = self.headers.get("webhook-id", "")
            ts = self.headers.get("webhook-timestamp", "")
            signatures = self.headers.get("webhook-signature", "").split()
            expected = "v1," + base64.b64encode(
                hmac.new(key, wid.encode() + b"." + ts.encode() + b"." + body, hashlib.sha256).digest()).decode()
            signature_ok = any(hmac.compare_digest(s, expected) for s in signatures)
            fresh = ts.isdigit() and abs(time.time() - int(ts)) <= 300
            with lock:
                step = script[min(state["next"], len(script) - 1)]
                state["next"] += 1
            location = ""
            if "=" in step:
                status, _, location = step.partition("=")
                retry_after = ""
            else:
                status, _, retry_after = step.partition(":")
            if status == "hang":
                time.sleep(float(retry_after))
                status, retry_after = "200", ""
            status = int(status)
            with lock:
                if not (signature_ok and fresh) and not (300 <= status < 400 or status == 401):
                    status, retry_after = 401, ""
                try:
                    parsed = json.loads(body)
                except ValueError:
                    parsed = None
                entry = {"id": wid, "timestamp": ts, "signature_ok": signature_ok, "fresh": fresh,
                         "content_type": self.headers.get("Content-Type", ""), "status": status,
                         "received_at": time.time(), "body": parsed, "method": self.command, "path": self.path,
                         "has_signature": "webhook-signature" in self.headers}
                with open(args.log, "a") as log:
                    log.write(json.dumps(entry) + "\n")
            self.send_response(status)
            if retry_after:
                self.send_header("Retry-After", retry_after)
            if location:
                self.send_header("Location", location)
            reply = b'{"ok": true}' if status < 300 else b'{"error": "scripted"}'
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    print(server.server_address[1], flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    sys.exit(0)


if __name__ == "__main__":
    main()
