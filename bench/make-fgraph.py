#!/usr/bin/env python3
"""Builds a large function_graph trace from a real capture by repeating it with shifted
timestamps and pids (each copy is a new run of the same scenario, later in time, with new tids).

usage: make-fgraph.py SOURCE OUTPUT SIZE_MIB
"""
import re
import sys

src, out, size_mib = sys.argv[1], sys.argv[2], int(sys.argv[3])
text = open(src, encoding="utf-8", errors="surrogateescape").read()
# Drop the `# cut:` and header comment lines after the first copy.
body = "".join(l for l in text.splitlines(keepends=True) if not l.startswith("#"))

# Slots: leading abstime `   4.862612 |`, and pids after `comm-`, `pid=`, `iou-wrk-`.
slot = re.compile(r"^( *)(\d+)\.(\d{6})( \|)|(?:(?<=pid=)|(?<=-))(\d+)(?=[ \n|,])", re.M)
parts, kinds = [], []
pos = 0
for m in slot.finditer(body):
    parts.append(body[pos:m.start()])
    if m.group(2) is not None:
        kinds.append(("ts", m.group(1), int(m.group(2)) * 1_000_000 + int(m.group(3)), m.group(4)))
    else:
        kinds.append(("pid", int(m.group(5)), m.group(5)))
    pos = m.end()
tail = body[pos:]
ts_values = [k[2] for k in kinds if k[0] == "ts"]
span = max(ts_values) - min(ts_values) + 1000

target = size_mib << 20
written = 0
with open(out, "w", encoding="utf-8", errors="surrogateescape") as f:
    f.write("".join(l for l in text.splitlines(keepends=True) if l.startswith("# tracer") or l.startswith("#     ")))
    copy = 0
    while written < target:
        dt = copy * span
        dp = copy * 1000
        chunks = []
        for p, k in zip(parts, kinds):
            chunks.append(p)
            if k[0] == "ts":
                us = k[2] + dt
                chunks.append(f"{k[1]}{us // 1_000_000}.{us % 1_000_000:06d}{k[3]}")
            else:
                chunks.append(str(k[1] + dp) if k[1] > 20 else k[2])
        chunks.append(tail)
        s = "".join(chunks)
        f.write(s)
        written += len(s)
        copy += 1
print(f"{out}: {written >> 20} MiB, {copy} copies of {src}")
