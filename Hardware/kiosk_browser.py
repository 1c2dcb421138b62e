#!/usr/bin/python3
"""Drives `leadgate kiosk` in a real browser: headless Debian chromium through selenium, with
taps from the virtual tag (virtual_tag.py on pcscd+vpcd).

The kiosk must already be running (the Swift test starts it) with the questions file of
KioskCommandTests, a short idle timeout, and the PIN given with --pin. This script plays the
visitors, checks what the page shows, saves a screenshot of each screen, and prints one JSON
object on its last line: what it saw and the timings the page recorded. Exit 0 when every
check held; otherwise 1 with the failed check on stderr.

  kiosk_browser.py --url http://127.0.0.1:PORT/ --pin 2468 --screenshots docs/kiosk
  kiosk_browser.py --url ... --pin 2468 --only latency --latency-taps 50   # the benchmark

Checks: agree with questions, decline, idle wipe (the visitor's name gone from the DOM and
the history), a second tap mid-flow, three visitors for round-robin, a wrong PIN refused and
the right one closing the kiosk. The store is checked by the Swift test afterwards.
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

from selenium import webdriver
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

HERE = os.path.dirname(os.path.abspath(__file__))
VIRTUAL_TAG = os.path.join(HERE, "virtual_tag.py")


class CheckFailed(Exception):
    pass


def check(condition, message):
    if not condition:
        raise CheckFailed(message)


def ndef_vcard_hex(name, email, org=None):
    """One short NDEF record (text/vcard) holding a vCard 3.0."""
    card = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:%s\r\n" % name
    if org:
        card += "ORG:%s\r\n" % org
    card += "EMAIL:%s\r\nEND:VCARD\r\n" % email
    payload = card.encode("utf-8")
    kind = b"text/vcard"
    assert len(payload) < 256
    record = bytes([0xD2, len(kind), len(payload)]) + kind + payload
    return record.hex().upper()


class Kiosk:
    def __init__(self, url, slot, shots):
        self.url = url
        self.slot = slot
        self.shots = shots
        self.uid_counter = 0x10
        self.profile = tempfile.mkdtemp(prefix="leadgate-chromium-")
        options = webdriver.ChromeOptions()
        options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
        for argument in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                         "--window-size=1280,800", "--no-first-run", "--disable-extensions",
                         "--hide-scrollbars", "--user-data-dir=" + self.profile]:
            options.add_argument(argument)
        service = Service(shutil.which("chromedriver") or "/usr/bin/chromedriver")
        self.driver = webdriver.Chrome(service=service, options=options)
        self.driver.set_page_load_timeout(30)

    def close(self):
        try:
            self.driver.quit()
        finally:
            shutil.rmtree(self.profile, ignore_errors=True)

    # --- the page -------------------------------------------------------------------------

    def screen(self):
        return self.driver.execute_script("return document.getElementById('app').getAttribute('data-screen')")

    def generation(self):
        return int(self.driver.execute_script("return document.getElementById('app').getAttribute('data-generation') || '-1'"))

    def wait_screen(self, screen, timeout=20, after=None):
        """Waits until the page shows `screen` (with a generation above `after`)."""
        def ready(_):
            if self.screen() != screen:
                return False
            return after is None or self.generation() > after
        try:
            WebDriverWait(self.driver, timeout, poll_frequency=0.02).until(ready)
        except TimeoutException:
            raise CheckFailed("the page did not show %s within %s s (it shows %s)" % (screen, timeout, self.screen()))

    def click(self, name, choice=None):
        selector = '#app [data-kiosk="%s"]' % name
        if choice is not None:
            selector += '[data-choice="%d"]' % choice
        self.driver.find_element(By.CSS_SELECTOR, selector).click()

    def text(self):
        return self.driver.find_element(By.ID, "app").text

    def dom(self):
        return self.driver.execute_script("return document.documentElement.outerHTML")

    def shot(self, name):
        if self.shots:
            os.makedirs(self.shots, exist_ok=True)
            self.driver.save_screenshot(os.path.join(self.shots, name + ".png"))

    def log(self):
        return self.driver.execute_script("return window.kioskLog")

    # --- taps -----------------------------------------------------------------------------

    def tap(self, name, email, org=None):
        """Taps an NTAG215 holding the visitor's vCard on the virtual reader; returns at once."""
        self.uid_counter += 1
        uid = "04A1B2C3D4%02X%02X" % (self.slot, self.uid_counter & 0xFF)
        return subprocess.Popen([sys.executable, "-u", VIRTUAL_TAG, "--slot", str(self.slot), "--kind", "ntag215",
                                 "--uid", uid, "--ndef-hex", ndef_vcard_hex(name, email, org)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def visitor(self, name, email, org=None):
        """A tap, then the contact screen showing the visitor's name."""
        before = self.generation()
        tag = self.tap(name, email, org)
        self.wait_screen("contact", after=before)
        tag.wait(timeout=20)
        check(name in self.text(), "the contact screen does not show %s: %r" % (name, self.text()))

    def agree(self, answers):
        self.click("continue")
        self.wait_screen("consent")
        self.click("agree")
        for choice in answers:
            self.wait_screen("question")
            before = self.generation()
            if choice is None:
                self.click("skip")
            else:
                self.click("choice", choice)
            self.wait_until_generation_above(before)
        self.wait_screen("thanks")

    def wait_until_generation_above(self, generation):
        WebDriverWait(self.driver, 20, poll_frequency=0.02).until(lambda _: self.generation() > generation)

    def finish(self):
        self.click("finish")
        self.wait_screen("idle")


def run(args):
    results = {"checks": []}
    kiosk = Kiosk(args.url, args.slot, args.screenshots)
    try:
        start = time.time()
        kiosk.driver.get(args.url)
        kiosk.wait_screen("idle")
        timing = kiosk.driver.execute_script("""
            var n = performance.getEntriesByType('navigation')[0];
            return {load: n.loadEventEnd - n.startTime, dom: n.domContentLoadedEventEnd - n.startTime,
                    origin: performance.timeOrigin, first: window.kioskLog.length ? window.kioskLog[0].at : null};
            """)
        results["page_load_ms"] = timing["load"]
        results["first_screen_ms"] = (timing["first"] - timing["origin"]) if timing["first"] else None
        history_length = kiosk.driver.execute_script("return history.length")
        kiosk.shot("idle")

        if args.only in (None, "flow"):
            # Agree, with both questions answered.
            kiosk.visitor("Ada Agree", "ada@acme.example", "Acme Corp")
            kiosk.shot("contact")
            kiosk.click("continue")
            kiosk.wait_screen("consent")
            check("contact" in kiosk.text().lower(), "the consent screen shows no consent text")
            kiosk.shot("consent")
            kiosk.click("agree")
            kiosk.wait_screen("question")
            kiosk.shot("question")
            check("Question 1 of 2" in kiosk.text(), "no question progress: %r" % kiosk.text())
            before = kiosk.generation()
            kiosk.click("choice", 0)
            kiosk.wait_until_generation_above(before)
            kiosk.wait_screen("question")
            # The keyboard answers too: "2" picks the second choice.
            kiosk.driver.find_element(By.TAG_NAME, "body").send_keys("2")
            kiosk.wait_screen("thanks")
            kiosk.shot("thanks")
            kiosk.finish()
            results["checks"].append("agree with questions")

            # Decline: the screen says nothing was kept.
            kiosk.visitor("Dan Decline", "dan@decline.example")
            kiosk.click("continue")
            kiosk.wait_screen("consent")
            kiosk.click("decline")
            kiosk.wait_screen("declined")
            check("Nothing about you was kept" in kiosk.text(), "the declined screen does not say so: %r" % kiosk.text())
            kiosk.shot("declined")
            kiosk.finish()
            check("Dan Decline" not in kiosk.dom(), "the declined visitor's name stays in the DOM")
            results["checks"].append("decline")

            # Idle wipe: the visitor walks away at the consent screen.
            kiosk.visitor("Ivy Idle", "ivy@idle.example")
            kiosk.click("continue")
            kiosk.wait_screen("consent")
            kiosk.wait_screen("idle", timeout=args.idle_timeout + 15)
            dom = kiosk.dom()
            check("Ivy Idle" not in dom and "ivy@idle.example" not in dom, "the previous visitor is still in the DOM after the idle reset")
            check(kiosk.driver.execute_script("return history.length") == history_length, "the kiosk added history entries")
            check(kiosk.driver.current_url.rstrip("/") == args.url.rstrip("/"), "the page left its address: %s" % kiosk.driver.current_url)
            results["checks"].append("idle wipe")

            # A second tap mid-flow starts over for the new visitor.
            kiosk.visitor("Mia Midflow", "mia@midflow.example")
            kiosk.click("continue")
            kiosk.wait_screen("consent")
            kiosk.visitor("Nick Next", "nick@next.example")
            check("Mia Midflow" not in kiosk.dom(), "the first visitor's name stays after the second tap")
            kiosk.agree([None, None])
            kiosk.finish()
            results["checks"].append("second tap mid-flow")

            # Three more visitors for the round-robin owners.
            for name, email in [("Rae One", "rae@one.example"), ("Rob Two", "rob@two.example"), ("Roz Three", "roz@three.example")]:
                kiosk.visitor(name, email)
                kiosk.agree([2, None])
                kiosk.finish()
            results["checks"].append("round-robin visitors")

        if args.latency_taps:
            # Tap, see the details, "not me": tap-to-screen measured by the page against the
            # time the reader reported the tag.
            for i in range(args.latency_taps):
                kiosk.visitor("Lat Visitor%d" % i, "lat%d@latency.example" % i)
                kiosk.click("cancel")
                kiosk.wait_screen("idle")
            results["checks"].append("latency taps")

        contact_latencies = [entry["at"] - entry["tapAt"] for entry in kiosk.log() if entry["screen"] == "contact" and entry["tapAt"]]
        results["tap_to_screen_ms"] = contact_latencies

        if args.only in (None, "flow", "pin"):
            # Leaving needs the PIN: a wrong one is refused, the kiosk keeps serving.
            body = kiosk.driver.find_element(By.TAG_NAME, "body")
            body.send_keys(Keys.CONTROL, Keys.ALT, "l")
            WebDriverWait(kiosk.driver, 10).until(lambda d: d.find_element(By.ID, "pinpad").is_displayed())
            body.send_keys("0000")
            body.send_keys(Keys.ENTER)
            WebDriverWait(kiosk.driver, 10).until(lambda d: "Wrong PIN" in d.find_element(By.ID, "pin-message").text)
            kiosk.shot("pin")
            kiosk.driver.find_element(By.CSS_SELECTOR, '[data-kiosk="pin-cancel"]').click()
            check(kiosk.screen() == "idle", "the kiosk left its screen after a wrong PIN")
            # The hidden corner opens the pad too; the right PIN on its buttons closes the kiosk.
            kiosk.driver.find_element(By.CSS_SELECTOR, '[data-kiosk="exit"]').click()
            WebDriverWait(kiosk.driver, 10).until(lambda d: d.find_element(By.ID, "pinpad").is_displayed())
            for digit in args.pin:
                kiosk.driver.find_element(By.CSS_SELECTOR, '[data-kiosk="pin-digit"][data-digit="%s"]' % digit).click()
            kiosk.driver.find_element(By.CSS_SELECTOR, '[data-kiosk="pin-ok"]').click()
            WebDriverWait(kiosk.driver, 10).until(lambda d: d.find_elements(By.CSS_SELECTOR, '[data-kiosk="closed"]'))
            results["checks"].append("pin")
        results["elapsed_s"] = time.time() - start
    finally:
        kiosk.close()
    latencies = results["tap_to_screen_ms"]
    if latencies:
        ordered = sorted(latencies)
        results["tap_to_screen_median_ms"] = statistics.median(ordered)
        results["tap_to_screen_p95_ms"] = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", required=True)
    parser.add_argument("--pin", required=True)
    parser.add_argument("--slot", type=int, default=0)
    parser.add_argument("--screenshots", help="save a PNG of each screen here")
    parser.add_argument("--idle-timeout", type=float, default=6, help="the kiosk's --idle-timeout in seconds")
    parser.add_argument("--only", choices=["flow", "latency", "pin"], help="run only this part")
    parser.add_argument("--latency-taps", type=int, default=0, help="extra tap/'not me' rounds for the tap-to-screen figure")
    args = parser.parse_args()
    try:
        results = run(args)
    except CheckFailed as failure:
        print("kiosk_browser: check failed: %s" % failure, file=sys.stderr)
        sys.exit(1)
    print(json.dumps(results))


if __name__ == "__main__":
    main()
