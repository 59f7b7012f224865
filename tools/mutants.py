#!/usr/bin/env python3
"""Mutation testing for the verdict logic (`make mutants`).

Copies the tree to a scratch folder once, then for each mutant changes one operator or constant in
Sources/TraceAnalysis or the format sniffer, rebuilds, and runs the tests (the analysis tests first;
the whole suite only when they pass). A mutant is killed when the build fails or a test fails.
Prints the share killed and every survivor with its file:line and the change.

Mutation operators: comparisons flipped or moved by one (< <= > >= == !=), && and || swapped,
conditions negated (`if x`, `guard x` (so the early return is taken when it should not be) and
`while x` get a `!`), integer literals moved by one, true/false swapped.

A line whose comment says `mutants: equivalent` gets no mutants: every mutant of it was shown to behave
exactly like the original, and the comment just above the line says why. The run lists those lines.

Usage: tools/mutants.py [--max N] [--seed S] [--filter SUBSTRING] [--only FILE:LINE ...] [--keep]

--only runs every mutant of the given lines (paths as the run prints them) instead of a random draw:
the way to re-check a survivor after a fix. Set MUTANTS_SCRATCH when another run is going on.
"""

import argparse
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCRATCH = os.environ.get("MUTANTS_SCRATCH", "/tmp/iou-analyze-mutants")
TARGETS = ["Sources/TraceAnalysis", "Sources/TraceParse/Formats/FormatSniffer.swift"]

SWAPS = [
    (r"(?<=[\s(])<=(?=\s)", "<"),
    (r"(?<=[\s(])>=(?=\s)", ">"),
    (r"(?<=[\s(])<(?=\s)", "<="),
    (r"(?<=[\s(])>(?=\s)", ">="),
    (r"(?<=\s)==(?=\s)", "!="),
    (r"(?<=\s)!=(?=\s)", "=="),
    (r"(?<=\s)&&(?=\s)", "||"),
    (r"(?<=\s)\|\|(?=\s)", "&&"),
    (r"\btrue\b", "false"),
    (r"\bfalse\b", "true"),
]


def code_part(line):
    """The line without its comment and string literals (replaced by spaces of equal length)."""
    out = []
    in_str = False
    i = 0
    while i < len(line):
        c = line[i]
        if not in_str and line.startswith("//", i):
            out.append(" " * (len(line) - i))
            break
        if c == '"':
            in_str = not in_str
            out.append(" ")
        elif in_str:
            out.append(" ")
        else:
            out.append(c)
        i += 1
    return "".join(out)


def candidates(path):
    """(line index, description, new line) for every mutation of one file."""
    lines = open(path).read().split("\n")
    found = []
    for n, line in enumerate(lines):
        if "mutants: equivalent" in line:
            continue
        code = code_part(line)
        stripped = code.strip()
        if not stripped or stripped.startswith(("import ", "///", "case ", "@", "public var", "var ", "let ")) and "=" not in stripped:
            continue
        if "->" in code and re.search(r"\bfunc\b", code):
            continue  # signatures: `->` and generic `<` are not comparisons
        for pattern, repl in SWAPS:
            for m in re.finditer(pattern, code):
                new = line[: m.start()] + repl + line[m.end():]
                found.append((n, f"{m.group(0)} -> {repl}", new))
        for m in re.finditer(r"(?<![\w.])(\d[\d_]*)(\.\d+)?(?![\w.])", code):
            if m.group(2):  # a fraction: nudge its last digit
                text = m.group(0)
                repl = text[:-1] + str((int(text[-1]) + 1) % 10)
            else:
                value = int(m.group(1).replace("_", ""))
                # Limits in ns or bytes move by one unit of their size: a 1 ns change is never seen.
                text, repl = m.group(0), str(value * 2 if value >= 1000 else value + 1)
            new = line[: m.start()] + repl + line[m.end():]
            found.append((n, f"{text} -> {repl}", new))
        m = re.match(r"^(\s*)(if|guard|while) (?!let |var |case )(.+?)( else)? \{", code)
        if m and "," not in m.group(3):
            start, end = m.start(3), m.end(3)
            new = line[:start] + "!(" + line[start:end] + ")" + line[end:]
            found.append((n, f"negate `{m.group(2)}` condition", new))
    return lines, found


def descendants(pid):
    """The processes under `pid` (from /proc), nearest first."""
    children = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                fields = open(f"/proc/{d}/stat").read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            children.setdefault(int(fields[1]), []).append(int(d))
    out, todo = [], [pid]
    while todo:
        for c in children.get(todo.pop(), []):
            out.append(c)
            todo.append(c)
    return out


def run(cmd, timeout):
    # The tests' temporary files go to a directory of their own, removed after each run.
    tmp = tempfile.mkdtemp(prefix="iou-mutants-tmp.")
    # A session of its own: on a timeout the whole group goes, and every process under it (swift
    # test starts the test process in a group of its own: a hung one outlived the group and ran on).
    p = subprocess.Popen(cmd, cwd=SCRATCH, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                         env={**os.environ, "TMPDIR": tmp}, start_new_session=True)
    try:
        out, _ = p.communicate(timeout=timeout)
        return p.returncode, out.decode(errors="replace")
    except subprocess.TimeoutExpired:
        for pid in descendants(p.pid):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        os.killpg(p.pid, signal.SIGKILL)
        p.communicate()
        return -1, "timeout"
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--max", type=int, default=int(os.environ.get("MUTANTS_MAX", "60")))
    ap.add_argument("--seed", type=int, default=int(os.environ.get("MUTANTS_SEED", "1")))
    ap.add_argument("--filter", default=os.environ.get("MUTANTS_FILTER", ""))
    ap.add_argument("--only", action="append", default=[], metavar="FILE:LINE",
                    help="every mutant of this line instead of a random draw (repeatable)")
    ap.add_argument("--keep", action="store_true", help="keep the scratch copy")
    a = ap.parse_args()

    files = []
    for t in TARGETS:
        p = os.path.join(ROOT, t)
        if os.path.isdir(p):
            for d, _, names in os.walk(p):
                files += [os.path.join(d, f) for f in sorted(names) if f.endswith(".swift")]
        else:
            files.append(p)
    mutants = []
    for f in sorted(files):
        rel = os.path.relpath(f, ROOT)
        if a.filter and a.filter not in rel:
            continue
        lines, found = candidates(f)
        for n, desc, new in found:
            mutants.append((rel, n, desc, new))
    exempt = []
    for f in sorted(files):
        for n, line in enumerate(open(f).read().split("\n")):
            if "mutants: equivalent" in line:
                exempt.append((os.path.relpath(f, ROOT), n + 1, line.strip()))
    for rel, n, text in exempt:
        print(f"no mutants (equivalent, see the comment above it): {rel}:{n}: {text}")
    if a.only:
        wanted = set(a.only)
        chosen = [m for m in mutants if f"{m[0]}:{m[1] + 1}" in wanted]
        missing = wanted - {f"{m[0]}:{m[1] + 1}" for m in chosen}
        if missing:
            sys.exit(f"no mutants on {', '.join(sorted(missing))}")
        print(f"{len(mutants)} mutants in {len(files)} files; running the {len(chosen)} on {len(wanted)} given lines",
              flush=True)
    else:
        random.Random(a.seed).shuffle(mutants)
        chosen = sorted(mutants[: a.max])
        print(f"{len(mutants)} mutants in {len(files)} files; running {len(chosen)} (seed {a.seed})", flush=True)

    if os.path.exists(SCRATCH):
        shutil.rmtree(SCRATCH)
    shutil.copytree(ROOT, SCRATCH, ignore=shutil.ignore_patterns(".build", ".build-*", "bench/out"), symlinks=True)
    code, out = run(["swift", "build", "--build-tests"], 1800)
    if code != 0:
        print(out[-3000:])
        sys.exit("the unmutated tree does not build")
    code, out = run(["swift", "test", "--skip-build"], 1800)
    if code != 0:
        print(out[-3000:])
        sys.exit("the unmutated tree does not pass its tests")

    killed, survivors = 0, []
    for i, (rel, n, desc, new) in enumerate(chosen, 1):
        path = os.path.join(SCRATCH, rel)
        original = open(path).read()
        lines = original.split("\n")
        lines[n] = new
        open(path, "w").write("\n".join(lines))
        t0 = time.time()
        how = "survived"
        code, out = run(["swift", "build", "--build-tests"], 1800)
        if code != 0:
            how = "killed (build)"
        else:
            code, out = run(["swift", "test", "--skip-build", "--filter", "TraceAnalysisTests"], 900)
            if code != 0:
                how = "killed (analysis tests" + (", which hung)" if out == "timeout" else ")")
            else:
                code, out = run(["swift", "test", "--skip-build"], 1800)
                if code != 0:
                    how = "killed (suite" + (", which hung)" if out == "timeout" else ")")
        open(path, "w").write(original)
        if how == "survived":
            survivors.append((rel, n, desc))
        else:
            killed += 1
        print(f"[{i}/{len(chosen)}] {rel}:{n + 1} {desc}: {how} ({time.time() - t0:.0f} s)", flush=True)

    total = len(chosen)
    print(f"\nkilled {killed} of {total} mutants ({100.0 * killed / max(total, 1):.1f}%)")
    for rel, n, desc in survivors:
        print(f"  survivor: {rel}:{n + 1}: {desc}")
    if not a.keep:
        shutil.rmtree(SCRATCH, ignore_errors=True)


if __name__ == "__main__":
    main()
