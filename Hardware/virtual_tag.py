#!/usr/bin/env python3
"""A virtual NFC tag for vpcd: plays an NTAG21x/Ultralight, a Type 4 tag or a UID-only badge.

It connects to vpcd (the virtual reader driver inside pcscd) the way vsmartcard's vicc does,
so the real PC/SC stack (pcscd, libpcsclite, leadgate) reads it as if it sat on a USB reader.
It answers the PC/SC storage-card pseudo-APDUs a contactless reader handles itself (FF CA get
UID, FF B0 read pages) and the Type 4 commands (SELECT, READ BINARY), counts the commands it
answers, and reports everything as JSON lines on stdout, one event a line:

  {"event": "inserted", "tap": 1}
  {"event": "apdu", "tap": 1, "n": 1, "command": "FFCA000000", "sw": "9000", "length": 9}
  {"event": "removed", "tap": 1, "apdus": 3, "reason": "idle"}
  {"event": "summary", "kind": "ntag215", "apdus_per_tap": [3], "minimum": 3, ...}

vpcd protocol: every message is a 2-byte big-endian length then that many bytes. A 1-byte
message is a control (00 power off, 01 power on, 02 reset, 04 send the ATR; only 04 is
answered); anything longer is a command APDU to answer. Closing the socket removes the card.
vpcd listens on PORT for slot 0 and PORT+1 for slot 1 of the "Virtual PCD" reader: PORT is
$LEADGATE_VPCD_PORT (Hardware/pcscd-vpcd.sh sets it for its private pcscd), else vpcd's own
default 35963.

Examples:
  virtual_tag.py --kind ntag215 --ndef card.ndef              # stays on the reader
  virtual_tag.py --kind ntag213 --uri https://popl.co/x --hold 3
  virtual_tag.py --kind type4 --vcf jane.vcf --mle 32 --taps 20 --slot 1
  virtual_tag.py --kind ntag216 --ndef big.ndef --remove-after 4   # pulled away mid-read
  virtual_tag.py --kind mifare_classic_1k --uid 0A1B2C3D --control  # stdin: insert/remove/quit

Standard library only, so tests and demos need nothing built.
"""

import argparse
import json
import os
import signal
import socket
import struct
import sys
import threading
import time

VPCD_BASE_PORT = int(os.environ.get("LEADGATE_VPCD_PORT") or 35963)

# Type 2 tags: total pages and the data-area size byte of the capability container.
TYPE2_LAYOUTS = {
    "mifare_ultralight": (16, 0x06),
    "ntag213": (45, 0x12),
    "ntag215": (135, 0x3E),
    "ntag216": (231, 0x6D),
}
# PC/SC part 3 card names in the storage-card ATR.
CARD_NAMES = {
    "mifare_classic_1k": 0x0001,
    "mifare_classic_4k": 0x0002,
    "mifare_ultralight": 0x0003,
    "ntag213": 0x0003,
    "ntag215": 0x0003,
    "ntag216": 0x0003,
}
KINDS = sorted(list(CARD_NAMES) + ["type4"])

NDEF_AID_V2 = bytes.fromhex("D2760000850101")
NDEF_AID_V1 = bytes.fromhex("D2760000850100")
SW_OK = b"\x90\x00"


def storage_card_atr(card_name):
    """3B 8F 80 01 80 4F 0C A0 00 00 03 06 SS NN NN 00 00 00 00 TCK (PC/SC part 3)."""
    body = bytes([0x3B, 0x8F, 0x80, 0x01, 0x80, 0x4F, 0x0C, 0xA0, 0x00, 0x00, 0x03, 0x06, 0x03,
                  card_name >> 8, card_name & 0xFF, 0x00, 0x00, 0x00, 0x00])
    return body + bytes([xor(body[1:])])


def iso14443_4_atr(historical):
    body = bytes([0x3B, 0x80 | len(historical), 0x80, 0x01]) + historical
    return body + bytes([xor(body[1:])])


def xor(data):
    value = 0
    for byte in data:
        value ^= byte
    return value


def emit(event, **fields):
    fields = {"event": event, **fields}
    sys.stdout.write(json.dumps(fields) + "\n")
    sys.stdout.flush()


def mime_record(media_type, payload):
    """A short or long NDEF MIME record (TNF 2), alone in its message (MB and ME set)."""
    kind = media_type.encode()
    if len(payload) < 256:
        return bytes([0xD2, len(kind), len(payload)]) + kind + payload
    return bytes([0xC2, len(kind)]) + struct.pack(">I", len(payload)) + kind + payload


def uri_record(uri):
    """A URI record (TNF 1, type U), its prefix abbreviated by the NFC Forum URI identifier code."""
    code, rest = 0, uri
    # Longer prefixes first, so "http://www." wins over "http://".
    for index, prefix in ((1, "http://www."), (2, "https://www."), (3, "http://"), (4, "https://")):
        if uri.startswith(prefix):
            code, rest = index, uri[len(prefix):]
            break
    payload = bytes([code]) + rest.encode()
    if len(payload) < 256:
        return bytes([0xD1, 1, len(payload), 0x55]) + payload
    return bytes([0xC1, 1]) + struct.pack(">I", len(payload)) + b"U" + payload


class TypeTwoMemory:
    """An NTAG21x/Ultralight memory image: UID pages, CC, then the TLVs laid out around reserved areas."""

    def __init__(self, kind, uid, message, lock_control, memory_control):
        pages, size_byte = TYPE2_LAYOUTS[kind]
        self.image = bytearray(pages * 4)
        self.data_end = 16 + size_byte * 8
        uid = uid.ljust(7, b"\x00")[:7]
        self.image[0:4] = bytes([uid[0], uid[1], uid[2], 0x88 ^ uid[0] ^ uid[1] ^ uid[2]])
        self.image[4:8] = uid[3:7]
        self.image[8:12] = bytes([uid[3] ^ uid[4] ^ uid[5] ^ uid[6], 0x48, 0x00, 0x00])
        self.image[12:16] = bytes([0xE1, 0x10, size_byte, 0x00])
        tlvs = bytearray()
        reserved = []
        if lock_control:
            # The Ultralight C form: 16 lock bits at page 0x0A with 16-byte pages, so byte 160.
            tlvs += bytes([0x01, 0x03, 0xA0, 0x10, 0x44])
            reserved.append(range(160, 162))
        if memory_control is not None:
            address, length = memory_control
            if address // 16 > 15 or not 16 <= address < self.data_end:
                raise SystemExit("virtual_tag: --memory-control address must be in the data area and below 256")
            tlvs += bytes([0x02, 0x03, (address // 16) << 4 | address % 16, length, 0x04])
            reserved.append(range(address, address + length))
        if message is not None:
            length = len(message)
            tlvs += bytes([0x03, length]) if length < 0xFF else bytes([0x03, 0xFF, length >> 8, length & 0xFF])
            tlvs += message
        tlvs += b"\xFE"
        # Lay the TLV stream into memory, jumping over reserved areas as a reader will.
        address = 16
        self.ndef_end = 16
        ndef_tlv_end_index = len(tlvs) - 1 if message is not None else 0
        for index, byte in enumerate(tlvs):
            while any(address in area for area in reserved):
                address += 1
            if address >= self.data_end:
                raise SystemExit("virtual_tag: the NDEF message does not fit a %s (%d data bytes)" % (kind, self.data_end - 16))
            self.image[address] = byte
            address += 1
            if index < ndef_tlv_end_index:
                self.ndef_end = address
        if message is None:
            self.ndef_end = address  # up to and including the terminator
        self.pages = pages

    def read(self, page, length):
        if page >= self.pages:
            return None
        start = page * 4
        # NTAG21x and Ultralight roll over to page 0 past the last page.
        return bytes(self.image[(start + i) % len(self.image)] for i in range(length))

    def minimum_commands(self):
        """UID, then 16-byte reads from page 3 through the end of the NDEF TLV."""
        return 1 + -(-(self.ndef_end - 12) // 16)


class VirtualTag:
    def __init__(self, args):
        self.args = args
        self.kind = args.kind
        self.uid = bytes.fromhex(args.uid) if args.uid else (
            bytes.fromhex("0A1B2C3D") if self.kind.startswith("mifare_classic") else bytes.fromhex("04A1B2C3D4E5F6"))
        self.message = load_message(args)
        self.memory = None
        if self.kind in TYPE2_LAYOUTS:
            self.memory = TypeTwoMemory(self.kind, self.uid, self.message, args.lock_control, args.memory_control)
            self.atr = storage_card_atr(CARD_NAMES[self.kind])
        elif self.kind.startswith("mifare_classic"):
            self.atr = storage_card_atr(CARD_NAMES[self.kind])
        else:
            self.atr = iso14443_4_atr(bytes([0x80]))  # DESFire EV1 as PC/SC readers report it
            message = self.message or b""
            self.ndef_file = struct.pack(">H", len(message)) + message
            max_size = max(len(self.ndef_file), 1024)
            self.cc_file = bytes([0x00, 0x0F, 0x20 if args.mapping == 2 else 0x10]) + struct.pack(">HH", args.mle, 0x34) \
                + bytes([0x04, 0x06, 0xE1, 0x04]) + struct.pack(">H", max_size) + bytes([0x00, 0x00])
        self.lock = threading.Lock()
        self.sock = None
        self.inserted = False
        self.tap = 0
        self.apdus = 0
        self.apdus_per_tap = []
        self.last_apdu = None
        self.stopping = False
        self.reset_card_state()

    def reset_card_state(self):
        self.application = None
        self.selected = None

    def minimum_commands(self):
        if self.memory is not None:
            return self.memory.minimum_commands()
        if self.kind.startswith("mifare_classic"):
            return 1
        # UID, SELECT app (v1 tags need the v2 try first), SELECT CC, READ CC, SELECT NDEF, READ NLEN, chunks.
        select = 1 if self.args.mapping == 2 else 2
        length = len(self.ndef_file) - 2
        chunk = min(self.args.mle, 255)
        return 1 + select + 4 + -(-length // chunk)

    # Answering commands.

    def answer(self, apdu):
        if len(apdu) >= 5 and apdu[0] == 0xFF and apdu[1] == 0xCA and apdu[2] == 0x00:
            le = apdu[4] or 256
            return self.uid[:le] + SW_OK
        if len(apdu) >= 5 and apdu[0] == 0xFF and apdu[1] == 0xB0:
            if self.memory is None:
                return b"\x69\x82"  # MIFARE Classic: no authentication, no read
            page = apdu[2] << 8 | apdu[3]
            data = self.memory.read(page, apdu[4] or 16)
            return data + SW_OK if data is not None else b"\x63\x00"
        if self.memory is not None or self.kind.startswith("mifare_classic"):
            return b"\x6D\x00"
        return self.answer_type4(apdu)

    def answer_type4(self, apdu):
        cla, ins, p1, p2 = apdu[0], apdu[1], apdu[2], apdu[3]
        if cla != 0x00:
            return b"\x6E\x00"
        if ins == 0xA4 and p1 == 0x04:
            aid = apdu[5:5 + apdu[4]]
            wanted = NDEF_AID_V2 if self.args.mapping == 2 else NDEF_AID_V1
            if aid == wanted:
                self.application, self.selected = aid, None
                return SW_OK
            self.application, self.selected = None, None
            return b"\x6A\x82"
        if ins == 0xA4 and p1 == 0x00:
            if self.application is None or len(apdu) < 7:
                return b"\x6A\x82"
            fid = apdu[5] << 8 | apdu[6]
            if fid == 0xE103:
                self.selected = self.cc_file
            elif fid == 0xE104:
                self.selected = self.ndef_file
            else:
                return b"\x6A\x82"
            return SW_OK
        if ins == 0xB0:
            if self.selected is None:
                return b"\x69\x86"
            offset = (p1 & 0x7F) << 8 | p2
            le = apdu[4] if len(apdu) == 5 else 0
            le = le or 256
            if le > self.args.mle:
                return b"\x67\x00"
            if offset > len(self.selected):
                return b"\x6B\x00"
            return bytes(self.selected[offset:offset + le]) + SW_OK
        return b"\x6D\x00"

    # The vpcd connection.

    def connect(self):
        """Connects to vpcd, retrying while pcscd is down; False if removed meanwhile."""
        announced = False
        while True:
            with self.lock:
                if not self.inserted or self.stopping:
                    return False
            try:
                sock = socket.create_connection((self.args.host, self.args.port), timeout=2)
                sock.settimeout(None)
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                with self.lock:
                    if not self.inserted or self.stopping:
                        sock.close()
                        return False
                    self.sock = sock
                return True
            except OSError:
                if not announced:
                    emit("waiting", port=self.args.port)
                    announced = True
                time.sleep(0.1)

    def serve(self):
        """Answers vpcd until the card is removed; reconnects if pcscd goes away meanwhile."""
        while self.connect():
            emit("connected", tap=self.tap, port=self.args.port)
            self.reset_card_state()
            sock = self.sock
            try:
                while True:
                    header = recv_exactly(sock, 2)
                    if header is None:
                        break
                    message = recv_exactly(sock, struct.unpack(">H", header)[0])
                    if message is None:
                        break
                    if len(message) == 1:
                        if message[0] == 0x04:
                            send(sock, self.atr)
                        elif message[0] in (0x00, 0x02):
                            self.reset_card_state()
                        continue
                    if self.args.remove_after is not None and self.apdus >= self.args.remove_after:
                        emit("pulled", tap=self.tap, apdus=self.apdus, command=message.hex().upper())
                        self.remove("remove-after")
                        return
                    response = self.answer(message)
                    if self.args.delay_ms:
                        time.sleep(self.args.delay_ms / 1000)
                    send(sock, response)
                    with self.lock:
                        self.apdus += 1
                        self.last_apdu = time.monotonic()
                        count = self.apdus
                    emit("apdu", tap=self.tap, n=count, command=message.hex().upper(),
                         sw=response[-2:].hex().upper(), length=len(response) - 2)
            except OSError:
                pass
            with self.lock:
                still_inserted = self.inserted and not self.stopping
                self.sock = None
            try:
                sock.close()
            except OSError:
                pass
            if not still_inserted:
                return
            emit("lost", tap=self.tap)  # pcscd closed the connection: it stopped or restarted

    def insert(self):
        with self.lock:
            if self.inserted:
                return None
            self.inserted = True
            self.tap += 1
            self.apdus = 0
            self.last_apdu = None
        emit("inserted", tap=self.tap)
        thread = threading.Thread(target=self.serve, daemon=True)
        thread.start()
        return thread

    def remove(self, reason):
        with self.lock:
            if not self.inserted:
                return
            self.inserted = False
            sock, self.sock = self.sock, None
            self.apdus_per_tap.append(self.apdus)
            apdus = self.apdus
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            sock.close()
        emit("removed", tap=self.tap, apdus=apdus, reason=reason)

    def wait_until_done(self, thread, hold):
        """Waits until the card should leave: hold time, idle after a read, or removal mid-read."""
        start = time.monotonic()
        while True:
            with self.lock:
                if not self.inserted:
                    return
                last = self.last_apdu
            now = time.monotonic()
            if hold is not None and now - start >= hold:
                self.remove("hold")
                return
            if hold is None and last is not None and now - last >= self.args.idle_ms / 1000:
                self.remove("idle")
                return
            time.sleep(0.01)

    def summary(self):
        fields = {"kind": self.kind, "apdus_per_tap": self.apdus_per_tap, "minimum": self.minimum_commands()}
        if self.memory is not None:
            fields["ndef_tlv_end"] = self.memory.ndef_end
        if self.message is not None:
            fields["ndef_length"] = len(self.message)
        emit("summary", **fields)


def recv_exactly(sock, count):
    data = b""
    while len(data) < count:
        # vpcd writes the 2-byte length and the message separately; acknowledging at once
        # keeps Nagle's algorithm on its side from holding the message for a delayed ACK
        # (about 40 ms per command otherwise).
        if hasattr(socket, "TCP_QUICKACK"):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_QUICKACK, 1)
        chunk = sock.recv(count - len(data))
        if not chunk:
            return None
        data += chunk
    return data


def send(sock, data):
    sock.sendall(struct.pack(">H", len(data)) + data)


def load_message(args):
    if args.ndef:
        with open(args.ndef, "rb") as handle:
            return handle.read()
    if args.ndef_hex:
        return bytes.fromhex(args.ndef_hex)
    if args.vcf:
        with open(args.vcf, "rb") as handle:
            return mime_record("text/vcard", handle.read())
    if args.uri:
        return uri_record(args.uri)
    return None


def parse_arguments():
    parser = argparse.ArgumentParser(description="A virtual NFC tag for vpcd (see the module docstring).")
    parser.add_argument("--kind", choices=KINDS, default="ntag215")
    parser.add_argument("--uid", help="UID as hex (default 04A1B2C3D4E5F6; 0A1B2C3D for MIFARE Classic)")
    content = parser.add_mutually_exclusive_group()
    content.add_argument("--ndef", help="a file holding one binary NDEF message")
    content.add_argument("--ndef-hex", help="an NDEF message as hex")
    content.add_argument("--vcf", help="a vCard file, stored as one text/vcard record")
    content.add_argument("--uri", help="a URL, stored as one URI record")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--slot", type=int, default=0, help="vpcd slot: 0 is port $LEADGATE_VPCD_PORT (default 35963), 1 is the next")
    parser.add_argument("--port", type=int, help="vpcd port (overrides --slot)")
    parser.add_argument("--mle", type=int, default=32, help="Type 4: MLe, the most bytes one READ BINARY returns")
    parser.add_argument("--mapping", type=int, choices=[1, 2], default=2, help="Type 4: answer the v2 or only the v1 NDEF AID")
    parser.add_argument("--lock-control", action="store_true", help="Type 2: a Lock Control TLV reserving bytes 160-161")
    parser.add_argument("--memory-control", metavar="ADDR:LEN", help="Type 2: a Memory Control TLV reserving LEN bytes at ADDR")
    parser.add_argument("--hold", type=float, help="stay on the reader this many seconds per tap (default: until read, then --idle-ms)")
    parser.add_argument("--idle-ms", type=int, default=150, help="leave this long after the last command when not holding")
    parser.add_argument("--remove-after", type=int, help="pull the tag away when command K+1 arrives, unanswered")
    parser.add_argument("--taps", type=int, default=1, help="how many times to tap")
    parser.add_argument("--gap", type=float, default=0.6, help="seconds off the reader between taps")
    parser.add_argument("--delay-ms", type=float, default=0, help="delay each answer, like a slow reader")
    parser.add_argument("--stay", action="store_true", help="stay on the reader until killed or stdin closes")
    parser.add_argument("--control", action="store_true", help="read insert/remove/quit lines on stdin instead")
    args = parser.parse_args()
    if args.port is None:
        args.port = VPCD_BASE_PORT + args.slot
    if args.memory_control:
        address, length = args.memory_control.split(":")
        args.memory_control = (int(address, 0), int(length, 0))
    if args.kind.startswith("mifare_classic") and (args.ndef or args.ndef_hex or args.vcf or args.uri):
        parser.error("a MIFARE Classic badge here carries only its UID")
    return args


def interrupt(signum, frame):
    raise KeyboardInterrupt


def main():
    # A test stops the tag with SIGTERM; the summary still gets written.
    signal.signal(signal.SIGTERM, interrupt)
    args = parse_arguments()
    tag = VirtualTag(args)
    try:
        if args.control:
            for line in sys.stdin:
                command = line.strip()
                if command == "insert":
                    tag.insert()
                elif command == "remove":
                    tag.remove("control")
                elif command == "quit":
                    break
                elif command:
                    emit("error", message="unknown command %r" % command)
        elif args.stay:
            tag.insert()
            threading.Event().wait()
        else:
            for index in range(args.taps):
                if index:
                    time.sleep(args.gap)
                thread = tag.insert()
                tag.wait_until_done(thread, args.hold)
                thread.join(timeout=5)
                if args.remove_after is not None and index + 1 < args.taps:
                    continue
    except KeyboardInterrupt:
        pass
    finally:
        with tag.lock:
            tag.stopping = True
        tag.remove("exit")
        tag.summary()


if __name__ == "__main__":
    main()
