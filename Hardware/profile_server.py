#!/usr/bin/env python3
"""A profile-page server on loopback for the profile-link tests (issue 16).

usage: profile_server.py [--port 0]

Serves the pages a digital business card's link may lead to, and the hostile ones:
  /vcard-page   HTML with a "save contact" link to /jane.vcf
  /jane.vcf     a vCard (text/vcard)
  /card.vcf     a vCard served directly (text/x-vcard)
  /jsonld       HTML with a schema.org Person in JSON-LD
  /hcard        HTML with an h-card (microformats2)
  /nothing      HTML with no contact at all
  /big          a 10 MB HTML page
  /loop         a redirect to itself, for ever
  /hop/N        redirects N times (to /hop/N-1), then /jsonld
  /to-private   a redirect to http://10.1.2.3/profile (a private address)
  /to-metadata  a redirect to http://169.254.169.254/latest/meta-data/ (link-local)
  /slow         waits 10 s before answering
The port is printed on stdout once the server listens. Each request is logged on stderr.
"""
import argparse
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

JANE_VCF = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Doe;Jane;;;\r\nFN:Jane Doe\r\nORG:Acme Corp\r\nTITLE:CTO\r\n"
    "EMAIL;TYPE=work:jane@acme.example\r\nTEL;TYPE=cell:+1 415 555 0100\r\nEND:VCARD\r\n"
)
CARD_VCF = "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Carl Card\r\nEMAIL:carl@card.example\r\nEND:VCARD\r\n"

VCARD_PAGE = """<!doctype html><html><head><title>Jane Doe | Popl</title></head>
<body><h1>Jane Doe</h1><a class="button" href="/jane.vcf">Save contact</a></body></html>"""

JSONLD_PAGE = """<!doctype html><html><head><title>Bob Stone</title>
<script type="application/ld+json">
{"@context": "https://schema.org", "@graph": [
  {"@type": "WebPage", "name": "Bob's page"},
  {"@type": "Person", "name": "Bob Stone", "givenName": "Bob", "familyName": "Stone",
   "jobTitle": "VP Sales", "email": "mailto:bob@globex.example", "telephone": "+1 (415) 555-0111",
   "worksFor": {"@type": "Organization", "name": "Globex, Inc."}, "url": "https://globex.example/bob"}
]}
</script></head><body><p>Bob Stone</p></body></html>"""

HCARD_PAGE = """<!doctype html><html><body>
<div class="h-card">
  <img class="u-photo" src="/ann.jpg" alt="">
  <a class="p-name u-url" href="https://initech.example/ann">Ann &amp; Lee</a>
  <span class="p-job-title">Engineer</span> at <span class="p-org">Initech</span>
  <a class="u-email" href="mailto:ann@initech.example">email me</a>
  <span class="p-tel">+1 415 555 0122</span>
</div></body></html>"""

NOTHING_PAGE = "<!doctype html><html><body><p>Welcome to my link tree.</p></body></html>"


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def send(self, status, body, content_type="text/html; charset=utf-8", headers=()):
        data = body.encode() if isinstance(body, str) else body
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        try:
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def redirect(self, location):
        self.send(302, "", headers=[("Location", location)])

    def do_GET(self):
        path = self.path.split("?")[0]
        if path == "/vcard-page":
            self.send(200, VCARD_PAGE)
        elif path == "/jane.vcf":
            self.send(200, JANE_VCF, "text/vcard; charset=utf-8")
        elif path == "/card.vcf":
            self.send(200, CARD_VCF, "text/x-vcard")
        elif path == "/jsonld":
            self.send(200, JSONLD_PAGE)
        elif path == "/hcard":
            self.send(200, HCARD_PAGE)
        elif path == "/nothing":
            self.send(200, NOTHING_PAGE)
        elif path == "/big":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(10 << 20))
            self.end_headers()
            chunk = b"<p>" + b"x" * 65529 + b"</p>\n"
            try:
                for _ in range(160):
                    self.wfile.write(chunk)
            except (BrokenPipeError, ConnectionResetError):
                pass
        elif path == "/loop":
            self.redirect("/loop")
        elif path.startswith("/hop/"):
            n = int(path[5:] or "0")
            self.redirect("/jsonld" if n <= 0 else "/hop/%d" % (n - 1))
        elif path == "/to-private":
            self.redirect("http://10.1.2.3/profile")
        elif path == "/to-metadata":
            self.redirect("http://169.254.169.254/latest/meta-data/")
        elif path == "/slow":
            time.sleep(10)
            self.send(200, JSONLD_PAGE)
        else:
            self.send(404, "not found", "text/plain")

    def log_message(self, fmt, *args):
        sys.stderr.write("profile_server: " + (fmt % args) + "\n")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    print(server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
