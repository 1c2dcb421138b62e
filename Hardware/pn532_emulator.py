#!/usr/bin/env python3
"""A PN532 on a pseudo-terminal, for libnfc's real pn532_uart driver: no reader needed.

It speaks the PN532 UART frame protocol (preamble 00 00 FF, LEN, LCS, TFI D4/D5, data, DCS,
postamble; ACK 00 00 FF 00 FF 00; the HSU wake-up 55 55 + zeros) well enough for libnfc 1.8.0
to open it, poll it and read tags from it, and it plays a script of tags (JSON):

    {"steps": [
      {"wait": 0.5},
      {"kind": "type2", "uid": "04A1B2C3D4E5F6", "ndef": "D1010B5502...", "hold": 1.0},
      {"kind": "type4", "uid": "08112233", "ndef": "...", "mle": 59, "hold": 1.0},
      {"kind": "classic", "uid": "DEADBEEF", "hold": 0.5},
      {"kind": "type2", "uid": "...", "ndef": "...", "remove_after": 2},
      {"unplug": 2.0}
    ]}

A tag step puts the tag on the reader for `hold` seconds (default 1), or until it has answered
`remove_after` data-exchange commands (the next finds it gone: a tag pulled away mid-read);
`gap` (default 0.5 s) of empty field follows. A Type 2 tag takes `memory` (its whole image
from page 0, hex) or `ndef` (a message, laid out as an NTAG215, or NTAG216 if longer); a Type 4 tag takes `ndef`,
and `mle` (default 59) and `v1` (only the v1 application name answers). `{"unplug": S}`
closes the pseudo-terminal for S seconds (a reader pulled out), then opens a new one. The
script's clock starts with the first InListPassiveTarget, so a slow client misses nothing.

The pseudo-terminal's path is printed as `ready PATH`; with --link the emulator keeps a
symlink there that follows it across an unplug, so `pn532_uart:LINK` stays valid. Every
frame and event is logged as one JSON line to --log (tests count commands per tap with it).

    python3 Hardware/pn532_emulator.py --script tags.json --link /tmp/pn532 --log /tmp/pn532.log &
    nfc-list -v   # with LIBNFC_DEVICE=pn532_uart:/tmp/pn532
    leadgate read --reader nfc:pn532_uart:/tmp/pn532 --json

Python standard library only.
"""

import argparse
import json
import os
import pty
import select
import signal
import sys
import time
import tty

ACK = bytes([0x00, 0x00, 0xFF, 0x00, 0xFF, 0x00])
SYNTAX_ERROR = bytes([0x00, 0x00, 0xFF, 0x01, 0xFF, 0x7F, 0x81, 0x00])

NAMES = {
    0x00: "Diagnose", 0x02: "GetFirmwareVersion", 0x04: "GetGeneralStatus", 0x06: "ReadRegister",
    0x08: "WriteRegister", 0x0C: "ReadGPIO", 0x0E: "WriteGPIO", 0x12: "SetParameters",
    0x14: "SAMConfiguration", 0x16: "PowerDown", 0x32: "RFConfiguration", 0x40: "InDataExchange",
    0x42: "InCommunicateThru", 0x44: "InDeselect", 0x4A: "InListPassiveTarget", 0x52: "InRelease",
    0x54: "InSelect", 0x60: "InAutoPoll",
}

# A pending InListPassiveTarget older than this is not answered: libnfc gave up on it after
# 300 ms and will flush whatever comes late.
LIST_ANSWER_WINDOW = 0.25
NDEF_AID_V2 = bytes.fromhex("D2760000850101")
NDEF_AID_V1 = bytes.fromhex("D2760000850100")


def hexbytes(text):
    return bytes.fromhex(text.replace(" ", "").replace(":", ""))


class Tag:
    def __init__(self, spec, ordinal):
        self.ordinal = ordinal
        self.kind = spec.get("kind", "type2")
        self.uid = hexbytes(spec.get("uid", "04A1B2C3D4E5F6"))
        self.hold = float(spec.get("hold", 1.0))
        self.gap = float(spec.get("gap", 0.5))
        self.remove_after = spec.get("remove_after")
        self.exchanges = 0
        self.selected_file = None
        self.application = False
        if self.kind == "type2":
            self.atqa, self.sak, self.ats = bytes([0x00, 0x44]), 0x00, None
            if "memory" in spec:
                self.memory = bytearray(hexbytes(spec["memory"]))
            else:
                self.memory = self.ntag(hexbytes(spec.get("ndef", "")))
        elif self.kind == "type4":
            self.atqa, self.sak = bytes([0x03, 0x44]), 0x20
            self.ats = bytes([0x06, 0x75, 0x77, 0x81, 0x02, 0x80])
            self.v1 = bool(spec.get("v1", False))
            mle = int(spec.get("mle", 59))
            ndef = hexbytes(spec.get("ndef", ""))
            self.files = {
                0xE103: bytes([0x00, 0x0F, 0x10 if self.v1 else 0x20, mle >> 8, mle & 0xFF, 0x00, 0x34,
                               0x04, 0x06, 0xE1, 0x04, 0x10, 0x00, 0x00, 0x00]),
                0xE104: len(ndef).to_bytes(2, "big") + ndef,
            }
        elif self.kind == "classic":
            self.atqa, self.sak, self.ats = bytes([0x00, 0x04]), 0x08, None
        else:
            raise ValueError("unknown tag kind %r" % self.kind)

    def ntag(self, ndef):
        """An NTAG215 image holding the message, or an NTAG216 if it needs the room."""
        if len(ndef) < 0xFF:
            tlv = bytes([0x03, len(ndef)]) + ndef + b"\xFE"
        else:
            tlv = bytes([0x03, 0xFF, len(ndef) >> 8, len(ndef) & 0xFF]) + ndef + b"\xFE"
        pages, size_byte = (135, 0x3E) if len(tlv) <= 496 else (231, 0x6D)
        if len(tlv) > size_byte * 8:
            raise ValueError("NDEF message too long for an NTAG216")
        uid = (self.uid + bytes(7))[:7]
        memory = bytearray(pages * 4)
        memory[0:3] = uid[0:3]
        memory[3] = 0x88 ^ uid[0] ^ uid[1] ^ uid[2]
        memory[4:8] = uid[3:7]
        memory[8] = uid[3] ^ uid[4] ^ uid[5] ^ uid[6]
        memory[12:16] = bytes([0xE1, 0x10, size_byte, 0x00])
        memory[16:16 + len(tlv)] = tlv
        return memory

    def target_data(self):
        data = bytes([0x01]) + self.atqa + bytes([self.sak, len(self.uid)]) + self.uid
        if self.ats is not None:
            data += self.ats
        return data

    def exchange(self, command):
        """The tag's answer to a command, without the PN532 status byte."""
        if self.kind == "type2":
            if command[:1] == b"\x30" and len(command) >= 2:
                start = command[1] * 4
                block = bytes(self.memory[start:start + 16])
                return block + bytes(16 - len(block))
            if command[:1] == b"\x3A" and len(command) >= 3:
                return bytes(self.memory[command[1] * 4:(command[2] + 1) * 4])
            if command[:1] == b"\x60":
                return bytes([0x00, 0x04, 0x04, 0x02, 0x01, 0x00, 0x11, 0x03])
            return None
        if self.kind == "type4":
            return self.apdu(command)
        return None

    def apdu(self, apdu):
        if len(apdu) < 4:
            return b"\x67\x00"
        ins, p1, p2 = apdu[1], apdu[2], apdu[3]
        if ins == 0xA4 and p1 == 0x04:
            name = apdu[5:5 + apdu[4]] if len(apdu) > 4 else b""
            if name == (NDEF_AID_V1 if self.v1 else NDEF_AID_V2):
                self.application = True
                return b"\x90\x00"
            return b"\x6A\x82"
        if ins == 0xA4 and p1 == 0x00:
            file_id = int.from_bytes(apdu[5:7], "big") if len(apdu) >= 7 else None
            if self.application and file_id in self.files:
                self.selected_file = file_id
                return b"\x90\x00"
            return b"\x6A\x82"
        if ins == 0xB0:
            if self.selected_file is None:
                return b"\x69\x86"
            data = self.files[self.selected_file]
            offset = (p1 << 8) | p2
            length = apdu[4] if len(apdu) > 4 else 0
            if length == 0:
                length = 256
            if offset > len(data):
                return b"\x6B\x00"
            return data[offset:offset + length] + b"\x90\x00"
        return b"\x6D\x00"


class Emulator:
    def __init__(self, steps, log, link, repeat):
        self.steps = steps
        self.repeat = repeat
        self.log_file = log
        self.link = link
        self.start = time.monotonic()
        self.master = self.slave = None
        self.buffer = bytearray()
        self.registers = {}
        self.passive_retries = 0xFF
        self.pending_list = None  # (received at, initiator data)
        self.tag = None
        self.tag_leaves = None  # when the tag on the reader leaves
        self.next_step_at = None  # when the script moves on, once started
        self.started = False
        self.step_index = 0
        self.round = 0
        self.ordinal = 0
        self.unplugged_until = None
        self.asleep = False

    def log(self, **entry):
        entry = dict(t=round(time.monotonic() - self.start, 4), **entry)
        if self.log_file:
            self.log_file.write(json.dumps(entry) + "\n")
            self.log_file.flush()

    # The pseudo-terminal -------------------------------------------------------------

    def plug(self):
        self.master, self.slave = pty.openpty()
        tty.setraw(self.slave)
        path = os.ttyname(self.slave)
        if self.link:
            temporary = self.link + ".new"
            try:
                os.unlink(temporary)
            except FileNotFoundError:
                pass
            os.symlink(path, temporary)
            os.replace(temporary, self.link)
        self.buffer.clear()
        self.pending_list = None
        self.asleep = False
        self.registers = {}
        self.passive_retries = 0xFF
        self.log(event="plugged", path=path)
        print("ready " + (self.link or path), flush=True)

    def unplug(self):
        if self.link:
            try:
                os.unlink(self.link)
            except FileNotFoundError:
                pass
        os.close(self.master)
        os.close(self.slave)
        self.master = self.slave = None
        self.log(event="unplugged")

    def send(self, data):
        try:
            os.write(self.master, data)
        except OSError:
            pass

    def respond(self, code, data=b""):
        body = bytes([0xD5, code + 1]) + bytes(data)
        length = len(body)
        if length <= 0xFF:
            frame = bytes([0x00, 0x00, 0xFF, length, (256 - length) & 0xFF]) + body
        else:  # an extended frame: FF FF, LENm LENl, LCS
            high, low = length >> 8, length & 0xFF
            frame = bytes([0x00, 0x00, 0xFF, 0xFF, 0xFF, high, low, (256 - high - low) & 0xFF]) + body
        frame += bytes([(256 - sum(body)) & 0xFF, 0x00])
        self.send(frame)

    # The script ----------------------------------------------------------------------

    def start_script(self, now):
        if not self.started and self.steps:
            self.started = True
            self.next_step_at = now
            self.log(event="script_started")

    def advance(self, now):
        """Moves the script on: tags leave, steps begin."""
        if self.tag is not None and self.tag_leaves is not None and now >= self.tag_leaves:
            self.remove_tag(now, "hold ended")
        if self.unplugged_until is not None and now >= self.unplugged_until:
            self.unplugged_until = None
            self.plug()
        while self.tag is None and self.unplugged_until is None and self.next_step_at is not None \
                and now >= self.next_step_at:
            if self.step_index >= len(self.steps):
                self.round += 1
                if self.round >= self.repeat:
                    self.next_step_at = None
                    self.log(event="script_done")
                    return
                self.step_index = 0
            step = self.steps[self.step_index]
            self.step_index += 1
            if "wait" in step:
                self.next_step_at = now + float(step["wait"])
            elif "unplug" in step:
                self.tag = None
                self.unplug()
                self.unplugged_until = now + float(step["unplug"])
                self.next_step_at = self.unplugged_until
            else:
                self.tag = Tag(step, self.ordinal)
                self.ordinal += 1
                self.tag_leaves = now + self.tag.hold
                self.log(event="tag_placed", tag=self.tag.ordinal, kind=self.tag.kind, uid=self.tag.uid.hex().upper())
                self.answer_pending_list(now)

    def remove_tag(self, now, why):
        self.log(event="tag_removed", tag=self.tag.ordinal, why=why)
        self.next_step_at = now + self.tag.gap
        self.tag = None
        self.tag_leaves = None

    def deadline(self):
        times = [t for t in (self.tag_leaves if self.tag else None, self.unplugged_until,
                             self.next_step_at if self.tag is None else None) if t is not None]
        return min(times) if times else None

    # Frames ----------------------------------------------------------------------------

    def feed(self, data, now):
        self.buffer += data
        while True:
            start = self.buffer.find(b"\x00\xFF")
            if start < 0:
                # Keep a trailing 00: it may be the start of a start code.
                del self.buffer[:max(0, len(self.buffer) - 1)]
                return
            frame = self.buffer[start + 2:]
            if len(frame) < 2:
                return
            if frame[0] == 0x00 and frame[1] == 0xFF:  # ACK from the host: abort the command running
                del self.buffer[:start + 4]
                if self.pending_list is not None:
                    self.log(event="aborted", cmd="InListPassiveTarget")
                self.pending_list = None
                continue
            if frame[0] == 0xFF and frame[1] == 0x00:  # NACK: send the last answer again (never needed here)
                del self.buffer[:start + 4]
                continue
            if frame[0] == 0xFF and frame[1] == 0xFF:  # extended frame
                if len(frame) < 5:
                    return
                length = (frame[2] << 8) | frame[3]
                header = 5
                valid_length = (frame[2] + frame[3] + frame[4]) & 0xFF == 0
            else:
                length = frame[0]
                header = 2
                valid_length = (frame[0] + frame[1]) & 0xFF == 0
            if not valid_length:
                del self.buffer[:start + 2]
                continue
            if len(frame) < header + length + 2:
                return
            body = bytes(frame[header:header + length])
            checksum = frame[header + length]
            del self.buffer[:start + 2 + header + length + 2]
            if (sum(body) + checksum) & 0xFF != 0 or len(body) < 2 or body[0] != 0xD4:
                self.log(event="bad_frame", data=body.hex())
                continue
            self.command(body[1], body[2:], now)

    def command(self, code, data, now):
        name = NAMES.get(code, "Unknown")
        entry = dict(cmd=name, code="%02X" % code, data=data.hex().upper())
        if self.tag is not None:
            entry["tag"] = self.tag.ordinal
        self.log(**entry)
        # A new command ends one still running (an InListPassiveTarget waiting for a tag).
        self.pending_list = None
        self.send(ACK)
        self.asleep = False
        if code == 0x02:
            self.respond(code, bytes([0x32, 0x01, 0x06, 0x07]))
        elif code == 0x00:
            if data[:1] == b"\x06":
                self.respond(code, bytes([0x00 if self.tag else 0x01]))
            else:
                self.respond(code, data)
        elif code == 0x04:
            self.respond(code, bytes([0x00, 0x01, 0x01 if self.tag else 0x00]))
        elif code == 0x06:
            addresses = [(data[i] << 8) | data[i + 1] for i in range(0, len(data) - 1, 2)]
            self.respond(code, bytes(self.registers.get(a, 0) for a in addresses))
        elif code == 0x08:
            for i in range(0, len(data) - 2, 3):
                self.registers[(data[i] << 8) | data[i + 1]] = data[i + 2]
            self.respond(code)
        elif code in (0x12, 0x14):
            self.respond(code)
        elif code == 0x16:
            self.asleep = True
            self.respond(code, b"\x00")
        elif code == 0x32:
            if data[:1] == b"\x05" and len(data) >= 4:
                self.passive_retries = data[3]
            self.respond(code)
        elif code in (0x44, 0x52):
            self.respond(code, b"\x00")
        elif code == 0x4A:
            self.start_script(now)
            self.advance(now)
            self.pending_list = (now, data[1] if len(data) > 1 else 0, bytes(data[2:]))
            self.answer_pending_list(now)
        elif code in (0x40, 0x42):
            payload = data[1:] if code == 0x40 else data
            self.exchange(code, payload, now)
        elif code == 0x60:
            self.start_script(now)
            self.advance(now)
            if self.tag:
                self.respond(code, bytes([0x01, 0x10, len(self.tag.target_data())]) + self.tag.target_data())
            else:
                self.respond(code, b"\x00")
        else:
            self.log(event="unknown_command", code="%02X" % code)
            self.send(SYNTAX_ERROR)

    def answer_pending_list(self, now):
        if self.pending_list is None:
            return
        received, modulation, initiator = self.pending_list
        if now - received > LIST_ANSWER_WINDOW:
            self.pending_list = None
            return
        # Only ISO 14443-A at 106 kbps (BrTy 00) finds the tags played here.
        tag = self.tag if modulation == 0x00 else None
        if tag is not None and initiator:
            wanted = bytes(b for i, b in enumerate(initiator) if not (b == 0x88 and i % 4 == 0))
            if wanted != tag.uid:
                tag = None
        if tag is not None:
            self.pending_list = None
            tag.application = False
            tag.selected_file = None
            self.respond(0x4A, b"\x01" + tag.target_data())
        elif self.passive_retries != 0xFF:
            self.pending_list = None
            self.respond(0x4A, b"\x00")
        # else: a real PN532 keeps trying until a tag comes or the host gives up.

    def exchange(self, code, payload, now):
        tag = self.tag
        if tag is not None and tag.remove_after is not None and tag.exchanges >= int(tag.remove_after):
            self.remove_tag(now, "remove_after")
            tag = None
        if tag is None:
            self.respond(code, b"\x01")  # time-out: no answer from the field
            return
        tag.exchanges += 1
        if code == 0x42:
            # Raw frames: only the ISO-DEP presence check (an R(NAK) block) is answered.
            if tag.kind == "type4" and payload[:1] in (b"\xB2", b"\xB3"):
                self.respond(code, b"\x00" + bytes([0xA2 | (payload[0] & 1)]))
            else:
                self.respond(code, b"\x01")
            return
        answer = tag.exchange(bytes(payload))
        if answer is None:
            self.respond(code, b"\x01" if tag.kind != "classic" else b"\x14")
        else:
            self.respond(code, b"\x00" + answer)

    # The loop --------------------------------------------------------------------------

    def run(self):
        self.plug()
        while True:
            now = time.monotonic()
            self.advance(now)
            deadline = self.deadline()
            if self.pending_list is not None:
                window_end = self.pending_list[0] + LIST_ANSWER_WINDOW
                deadline = window_end if deadline is None else min(deadline, window_end)
            timeout = None if deadline is None else max(0.0, deadline - now)
            if self.master is None:
                time.sleep(timeout if timeout is not None else 3600)
                continue
            readable, _, _ = select.select([self.master], [], [], timeout)
            now = time.monotonic()
            if self.pending_list is not None and now - self.pending_list[0] > LIST_ANSWER_WINDOW:
                self.pending_list = None
            if readable:
                try:
                    data = os.read(self.master, 4096)
                except OSError:
                    data = b""
                if data:
                    self.feed(data, now)


def main():
    parser = argparse.ArgumentParser(description="A PN532 on a pseudo-terminal for libnfc's pn532_uart driver.")
    parser.add_argument("--script", help="JSON file: {\"steps\": [...]} (or a bare list of steps)")
    parser.add_argument("--link", help="keep a symlink to the pseudo-terminal here (stable across unplugs)")
    parser.add_argument("--log", help="append one JSON line per frame and event to this file")
    parser.add_argument("--repeat", type=int, default=1, help="play the script this many times")
    args = parser.parse_args()
    steps = []
    if args.script:
        with open(args.script) as handle:
            loaded = json.load(handle)
        steps = loaded["steps"] if isinstance(loaded, dict) else loaded
    log = open(args.log, "a") if args.log else None
    emulator = Emulator(steps, log, args.link, max(1, args.repeat))

    def stop(*_):
        if args.link:
            try:
                os.unlink(args.link)
            except FileNotFoundError:
                pass
        sys.exit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    emulator.run()


if __name__ == "__main__":
    main()
