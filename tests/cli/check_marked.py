#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Check that corrected traces (lttsync --write) are marked as such
(doc/correcting.md, "How a corrected trace is marked").

usage: check_marked.py REPORT_JSON OUT_DIR ORIGINAL_TRACE...

Each ORIGINAL_TRACE is found in OUT_DIR under its host's name (its
`hostname`). For each, from the metadata babeltrace2 prints:
  - the corrected clock's UUID differs from the original's and is the one
    the documented derivation gives: the first 16 bytes of SHA-256 of
    "lttsync corrected clock", NUL, the original UUID's 16 bytes, then for
    each segment of the host's transform in the report its start ("" for
    the first), slope and offset, each NUL-terminated; version 8, RFC 9562
    variant;
  - the environment holds lttsync_reference (the report's reference) and
    lttsync_transform (the segments' equations, never "+ -");
  - every other environment entry (hostname included) and every other
    field of the clock are unchanged.
Prints "N passed, N failed" and exits non-zero on any failure.
"""
import hashlib
import json
import os
import re
import subprocess
import sys

passed = failed = 0


def check(what, ok):
    global passed, failed
    if ok:
        passed += 1
        print("ok: " + what)
    else:
        failed += 1
        print("FAIL: " + what)


def metadata(trace):
    return subprocess.run(["babeltrace2", "-o", "ctf-metadata", trace],
                          capture_output=True, text=True, check=True).stdout


def block(text, name):
    """The lines of the top-level block `name {` ... `};`."""
    m = re.search(r"^" + name + r" \{\n(.*?)^\};", text, re.S | re.M)
    return m[1] if m else ""


def env(text):
    return dict(re.findall(r"^\s*(\w+) = (.*);$", block(text, "env"), re.M))


def clock_uuid(text):
    m = re.search(r'uuid = "([0-9a-f-]{36})"', block(text, "clock"))
    return m[1] if m else None


def clock_identity(text):
    """(name, frequency, offset in cycles): written alike by any writer."""
    e = dict(re.findall(r"^\s*(\w+) = ([^;]*);", block(text, "clock"), re.M))
    freq = int(e.get("freq", "1000000000"))
    offset = int(e.get("offset_s", "0")) * freq + int(e.get("offset", "0"))
    return e.get("name", "").strip('"'), freq, offset


def equation(seg):
    off = seg["offset_ns"]
    sign, mag = ("-", off[1:]) if off.startswith("-") else ("+", off)
    return "%s * t %s %s" % (seg["slope"], sign, mag)


def expected(uuid, segments):
    h = hashlib.sha256(b"lttsync corrected clock\0" + bytes.fromhex(uuid.replace("-", "")))
    for k, seg in enumerate(segments):
        start = "" if k == 0 else str(seg["from_ns"])
        for part in (start, seg["slope"], seg["offset_ns"]):
            h.update(part.encode() + b"\0")
    u = bytearray(h.digest()[:16])
    u[6] = (u[6] & 0x0F) | 0x80
    u[8] = (u[8] & 0x3F) | 0x80
    x = u.hex()
    text = "; ".join(equation(s) if k == 0 else "from %d: %s" % (s["from_ns"], equation(s))
                     for k, s in enumerate(segments))
    return "%s-%s-%s-%s-%s" % (x[:8], x[8:12], x[12:16], x[16:20], x[20:]), text


def main():
    report = json.load(open(sys.argv[1]))
    out = sys.argv[2]
    hosts = {h["host"]: h for h in report["hosts"]}
    for trace in sys.argv[3:]:
        orig = metadata(trace)
        host = json.loads(env(orig)["hostname"])
        name = trace + " (" + host + ")"
        mine = metadata(os.path.join(out, host))
        old_uuid, new_uuid = clock_uuid(orig), clock_uuid(mine)
        want_uuid, want_text = expected(old_uuid, hosts[host]["segments"])
        check(name + ": clock UUID changed (" + str(old_uuid) + " -> " + str(new_uuid) + ")",
              new_uuid and new_uuid != old_uuid)
        check(name + ": clock UUID is the documented derivation " + want_uuid,
              new_uuid == want_uuid)
        e0, e1 = env(orig), env(mine)
        check(name + ": lttsync_reference names the reference",
              e1.get("lttsync_reference") == json.dumps(report["reference"]))
        check(name + ": lttsync_transform is the transform applied: " + want_text,
              e1.get("lttsync_transform") == json.dumps(want_text))
        check(name + ": no '+ -' in lttsync_transform", "+ -" not in e1.get("lttsync_transform", ""))
        rest = {k: v for k, v in e1.items() if not k.startswith("lttsync_")}
        check(name + ": hostname and the other environment entries unchanged", rest == e0)
        check(name + ": the clock's name, frequency and offset unchanged",
              clock_identity(mine) == clock_identity(orig))
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
