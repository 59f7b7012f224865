#!/usr/bin/env python3
"""Builds an unbalanced function_graph text from a real capture: the first SIZE_MIB MiB of SOURCE
(whole lines) with every Nth exit line removed, as if those events were lost. Each removed exit
leaves its call open, so the thread's stack grows past any real depth unless the reader
resynchronises (the edit, named: exits dropped; nothing else changes).

usage: make-unbalanced.py SOURCE OUTPUT SIZE_MIB [N=50]
"""
import sys

src, out, size_mib = sys.argv[1], sys.argv[2], int(sys.argv[3])
every = int(sys.argv[4]) if len(sys.argv) > 4 else 50
limit = size_mib << 20
written = exits = dropped = 0
with open(src, "rb") as f, open(out, "wb") as o:
    for line in f:
        if written + len(line) > limit:
            break
        # trace-cmd report (`funcgraph_exit:`) and kernel text (`|  }` after the duration column).
        if b"funcgraph_exit:" in line or line.rstrip().endswith(b"}") and b"|" in line:
            exits += 1
            if exits % every == 0:
                dropped += 1
                continue
        o.write(line)
        written += len(line)
print(f"{out}: {written >> 20} MiB of {src}, {dropped} of {exits} exit lines dropped (every {every}th)")
