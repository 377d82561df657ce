#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Build seed inputs for fuzz_trace from trace folders.

    make_trace_seeds.py OUTDIR [--stream-bytes N] TRACE_FOLDER...

The stream's first packet is cut to N bytes (its packet_size and
content_size rewritten) so that babeltrace2 can index it.

Each seed is: one flags byte (bit 0: let the trace's hostname name the
host), u16 LE metadata length, the metadata as text (packetized metadata is unpacked, so
that it fits), then the first N bytes of the trace's first stream file.
"""
import os
import struct
import sys

MAGIC = 0x75D11D57


def metadata_text(raw):
    if len(raw) < 4 or struct.unpack('<I', raw[:4])[0] != MAGIC:
        return raw
    out, off = [], 0
    while off + 37 <= len(raw):
        content_bits, packet_bits = struct.unpack('<II', raw[off + 24:off + 32])
        if not packet_bits:
            break
        out.append(raw[off + 37:off + content_bits // 8])
        off += packet_bits // 8
    text = b''.join(out)
    if not text.startswith(b'/* CTF'):
        text = b'/* CTF 1.8 */\n' + text
    return text


def shrink_packet(data, n):
    """The first n bytes of a stream whose first packet is cut to n bytes:
    its packet context's packet_size (and content_size, when larger) are
    rewritten, found as the u64 equal to the packet size in bits."""
    out = bytearray(data[:n])
    for off in range(0, min(len(out), 256) - 7, 1):
        (v,) = struct.unpack_from('<Q', data, off)
        if v and v % 8 == 0 and v // 8 <= len(data) and v // 8 >= 1024 and off >= 8:
            (content,) = struct.unpack_from('<Q', data, off - 8)
            if 0 < content <= v:
                struct.pack_into('<Q', out, off, n * 8)
                struct.pack_into('<Q', out, off - 8, min(content, n * 8))
                break
    return bytes(out)


def main():
    args = sys.argv[1:]
    outdir = args.pop(0)
    stream_bytes = [4096]
    if args and args[0] == '--stream-bytes':
        args.pop(0)
        stream_bytes = [int(x) for x in args.pop(0).split(',')]
    os.makedirs(outdir, exist_ok=True)
    for folder in args:
        meta = metadata_text(open(os.path.join(folder, 'metadata'), 'rb').read())
        if len(meta) > 0xffff:
            print(f'skip {folder}: metadata text {len(meta)} bytes', file=sys.stderr)
            continue
        streams = sorted(f for f in os.listdir(folder)
                         if not f.startswith('.') and f != 'metadata'
                         and os.path.isfile(os.path.join(folder, f)))
        if not streams:
            continue
        data = open(os.path.join(folder, streams[0]), 'rb').read()
        tag = folder.strip('/').replace('/', '_')[-60:]
        for n in stream_bytes:
            for use_env in (0, 1):
                seed = struct.pack('<BH', use_env, len(meta)) + meta + shrink_packet(data, n)
                name = f'{tag}-{n}{"-env" if use_env else ""}'
                with open(os.path.join(outdir, name), 'wb') as f:
                    f.write(seed)


if __name__ == '__main__':
    main()
