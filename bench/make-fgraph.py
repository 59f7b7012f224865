#!/usr/bin/env python3
"""Builds a large function_graph trace (the kernel's text: funcgraph-abstime, funcgraph-proc) from
real captures by repeating them: copy k of source i is a later run of the same machine, its
timestamps moved past the previous copy's end and its task pids (those above 20; the idle tasks
and early kernel threads stay) raised by 1000 * (k * len(sources) + i), in the proc column, the
`=>` context-switch lines and the sched events' `pid=` / `iou-wrk-` fields. The proc column is
re-centred as the kernel prints it (14 characters), so every line keeps the kernel's layout.
Comment lines (`#`) are kept from the first source only.

usage: make-fgraph.py OUTPUT SIZE_MIB SOURCE... (prints the number of copies on stdout)
"""
import gzip
import re
import sys

out, size_mib, sources = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
PROC = 14  # TRACE_GRAPH_PROCINFO_LENGTH

slot = re.compile(
    rb"^( *)(\d+)\.(\d{6})(?= \|)"  # 1-3: the leading timestamp
    rb"|(?<=[)>] )( *)([^\s|]+)-(\d+)( *)(?=\||=>|$)"  # 4-7: comm-pid in the proc column and `=>` lines
    rb"|(?<=pid=)(\d+)|(?<==iou-wrk-)(\d+)",  # 8, 9: pids in sched event text
    re.M,
)


def template(path):
    """The source cut into literal text and slots: ("t", pad, µs), ("p", left, comm, pid, right), ("n", pid)."""
    data = (gzip.open if path.endswith(".gz") else open)(path, "rb").read()
    body = b"".join(l for l in data.splitlines(keepends=True) if not l.startswith(b"#"))
    head = b"".join(l for l in data.splitlines(keepends=True) if l.startswith(b"#"))
    parts, slots, pos = [], [], 0
    for m in slot.finditer(body):
        parts.append(body[pos : m.start()])
        if m.group(2) is not None:
            slots.append(("t", len(m.group(1)) + len(m.group(2)), int(m.group(2)) * 1_000_000 + int(m.group(3))))
        elif m.group(5) is not None:
            slots.append(("p", m.group(4), m.group(5), int(m.group(6)), m.group(7)))
        else:
            slots.append(("n", int(m.group(8) or m.group(9))))
        pos = m.end()
    times = [s[2] for s in slots if s[0] == "t"]
    return head, parts, slots, body[pos:], max(times) - min(times) + 1_000_000, min(times)


def proc(left, comm, pid, right, new):
    if new == pid:
        return left + comm + b"-%d" % pid + right
    token = comm + b"-%d" % new
    spaces, old_spaces = max(PROC - len(token), 0), max(PROC - len(comm) - 1 - len(str(pid)), 0)
    extra = max(len(right) - (old_spaces - old_spaces // 2), 0)  # the space before `|`
    return b" " * (spaces // 2) + token + b" " * (spaces - spaces // 2 + extra)


def render(t, dt, dp):
    head, parts, slots, tail, _, _ = t
    chunks = []
    for p, s in zip(parts, slots):
        chunks.append(p)
        if s[0] == "t":
            us = s[2] + dt
            chunks.append(b"%*d.%06d" % (s[1], us // 1_000_000, us % 1_000_000))
        elif s[0] == "p":
            chunks.append(proc(s[1], s[2], s[3], s[4], s[3] + dp if s[3] > 20 else s[3]))
        else:
            chunks.append(b"%d" % (s[1] + dp if s[1] > 20 else s[1]))
    chunks.append(tail)
    return b"".join(chunks)


templates = [template(s) for s in sources]
target = size_mib << 20
written, copy, clock = 0, 0, templates[0][5]
with open(out, "wb") as f:
    f.write(templates[0][0])
    while written < target:
        for i, t in enumerate(templates):
            text = render(t, clock - t[5], 1000 * (copy * len(templates) + i))
            clock += t[4]
            f.write(text)
            written += len(text)
        copy += 1
print(copy)
print(f"{out}: {written >> 20} MiB, {copy} copies of {len(sources)} capture(s)", file=sys.stderr)
