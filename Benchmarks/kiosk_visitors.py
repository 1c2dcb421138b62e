#!/usr/bin/env python3
"""Memory of `leadgate kiosk` after many visitors, through its HTTP interface.

Starts the kiosk with its simulated reader (the hidden --simulated-reader flag, which adds
POST /simulated/tap), follows the page's event stream like the browser does, and plays N
visitors: tap, "that's me", then three in four agree and answer both questions, one in four
declines (the delete path). Prints the kiosk's resident memory (VmRSS, and the peak VmHWM)
after start, after the first tenth of the visitors and at the end, and the visitors per second.

  kiosk_visitors.py --leadgate .build/release/leadgate --visitors 1000

Standard library only.
"""

import argparse
import json
import os
import queue
import re
import subprocess
import tempfile
import threading
import time
import urllib.request


def rss(pid):
    fields = {}
    with open("/proc/%d/status" % pid) as status:
        for line in status:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                fields[key] = int(value.split()[0]) // 1024
    return fields


class Page:
    """The page's view of the kiosk: the latest view from /events."""

    def __init__(self, url):
        self.url = url
        self.views = queue.Queue()
        self.current = None
        threading.Thread(target=self.follow, daemon=True).start()

    def follow(self):
        with urllib.request.urlopen(self.url + "events") as stream:
            for raw in stream:
                line = raw.decode("utf-8").rstrip("\n")
                if line.startswith("data: "):
                    self.views.put(json.loads(line[6:]))

    def wait(self, screen, timeout=20):
        deadline = time.time() + timeout
        while True:
            view = self.views.get(timeout=max(0.01, deadline - time.time()))
            self.current = view
            if view["screen"] == screen:
                return view

    def post(self, path, body):
        request = urllib.request.Request(self.url + path, data=json.dumps(body).encode(), method="POST",
                                         headers={"content-type": "application/json"})
        with urllib.request.urlopen(request) as response:
            return response.status

    def act(self, action, choice=None):
        return self.post("action", {"action": action, "choice": choice, "generation": self.current["generation"]})


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--leadgate", default=".build/release/leadgate")
    parser.add_argument("--visitors", type=int, default=1000)
    args = parser.parse_args()

    work = tempfile.mkdtemp(prefix="leadgate-kiosk-bench-")
    questions = os.path.join(work, "questions.txt")
    with open(questions, "w") as f:
        f.write("Interested in? | pilot | pricing | newsletter\nTeam size? | 1-10 | 11-50 | 51+\n")
    out = open(os.path.join(work, "kiosk.out"), "w+")
    kiosk = subprocess.Popen([args.leadgate, "kiosk", "--event", "Bench Expo", "--pin", "2468", "--listen", "127.0.0.1:0",
                              "--simulated-reader", "--questions", questions, "--route", "round-robin:alice,bob,carol",
                              "--store", os.path.join(work, "leads.sqlite")], stdout=out, stderr=subprocess.DEVNULL)
    try:
        url = None
        for _ in range(200):
            out.seek(0)
            found = re.search(r"http://127\.0\.0\.1:\d+/", out.read())
            if found:
                url = found.group(0)
                break
            time.sleep(0.05)
        assert url, "the kiosk did not start"
        urllib.request.urlopen(url).read()
        page = Page(url)
        page.wait("idle")
        time.sleep(0.5)
        marks = {"start": rss(kiosk.pid)}
        started = time.time()
        for i in range(args.visitors):
            page.post("simulated/tap", {"name": "Visitor %d" % i, "email": "visitor%d@bench.example" % i,
                                        "organization": "Bench Corp"})
            page.wait("contact")
            page.act("continue")
            page.wait("consent")
            if i % 4 == 3:
                page.act("decline")
                page.wait("declined")
            else:
                page.act("agree")
                page.wait("question")
                page.act("answer", i % 3)
                page.wait("question")
                page.act("answer", (i // 3) % 3)
                page.wait("thanks")
            page.act("finish")
            page.wait("idle")
            if i + 1 == max(1, args.visitors // 10):
                marks["tenth"] = rss(kiosk.pid)
        elapsed = time.time() - started
        time.sleep(0.5)
        marks["end"] = rss(kiosk.pid)
        print(json.dumps({"visitors": args.visitors, "seconds": round(elapsed, 2),
                          "visitors_per_second": round(args.visitors / elapsed, 1), "rss_mib": marks}))
    finally:
        kiosk.terminate()
        kiosk.wait(timeout=10)
        subprocess.run(["rm", "-rf", work])


if __name__ == "__main__":
    main()
