#!/usr/bin/env bash
# Collapse benchmark: builds a ≥1 GiB `perf script` file from the real samples of
# fixtures/shared-traces/vanilla-6.12.117/threadexit/perf.txt (every record repeated with shifted
# timestamps and thread ids, each followed by a blank line) into bench/out/, then times in the same
# run, on the same file with the page cache warm:
#   wc -l                                  (the I/O + newline-scan floor)
#   iou-analyze collapse                   (release build)
#   stackcollapse-perf.pl                  (FlameGraph's; STACKCOLLAPSE_PERF=/path/to/it, skipped when absent)
# and prints MiB/s, the ratios and iou-analyze's peak RSS (GNU time). Fails when a run fails or the
# two collapsers do not print the same bytes.
# BENCH_PERF_MIB sets the size (default 1024); BENCH_RUNS the number of timed runs (best is kept).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.build/release/iou-analyze
SIZE_MIB=${BENCH_PERF_MIB:-1024}
RUNS=${BENCH_RUNS:-3}
OUT=${BENCH_DIR:-bench/out}
mkdir -p "$OUT"
SRC=fixtures/shared-traces/vanilla-6.12.117/threadexit/perf.txt
PF="$OUT/perf-${SIZE_MIB}m.txt"
[ -x "$BIN" ] || { echo "no release build at $BIN: run make build" >&2; exit 1; }

if [ ! -s "$PF" ]; then
  python3 - "$SRC" "$PF" "$SIZE_MIB" <<'PY'
import re, sys
src, dst, mib = sys.argv[1], sys.argv[2], int(sys.argv[3])
records, cur = [], []
for line in open(src, encoding="latin-1"):
    line = line.rstrip("\n")
    if line.startswith("#"):
        continue
    if line == "":
        if cur: records.append(cur)
        cur = []
    else:
        cur.append(line)
if cur: records.append(cur)
head = re.compile(r"^(\S.*?)\s+(\d+) \[(\d+)\]\s+(\d+)\.(\d+):(.*)$")
parsed = []
for r in records:
    m = head.match(r[0])
    parsed.append((m.group(1), int(m.group(2)), m.group(3), int(m.group(4)) * 1000000 + int(m.group(5)), m.group(6), "\n".join(r[1:])))
t0 = min(p[3] for p in parsed)
span = max(p[3] for p in parsed) - t0 + 1000
target = mib << 20
written, rep = 0, 0
with open(dst, "w", encoding="latin-1") as out:
    while written < target:
        shift, tshift = (rep % 16) * 1000, rep * span
        block = []
        for comm, tid, cpu, us, rest, frames in parsed:
            t = us + tshift
            block.append("%s %5d [%s] %5d.%06d:%s\n%s\n\n" % (comm, tid + shift if tid else 0, cpu, t // 1000000, t % 1000000, rest, frames))
        text = "".join(block)
        out.write(text)
        written += len(text)
        rep += 1
print("built %s: %d MiB, %d copies of %d samples" % (dst, written >> 20, rep, len(parsed)), file=sys.stderr)
PY
fi
bytes=$(stat -c %s "$PF")
mib=$(awk -v b="$bytes" 'BEGIN{printf "%.1f", b/1048576}')

best() {  # best wall-clock seconds of RUNS runs of a command, stdout discarded
  local b="" s e d
  for _ in $(seq "$RUNS"); do
    s=$(date +%s.%N); "$@" >/dev/null; e=$(date +%s.%N)
    d=$(awk -v s="$s" -v e="$e" 'BEGIN{printf "%.4f", e - s}')
    b=$(awk -v a="$b" -v d="$d" 'BEGIN{ if (a == "" || d < a) print d; else print a }')
  done
  echo "$b"
}
cat "$PF" >/dev/null
wc_s=$(best wc -l "$PF")
co_s=$(best "$BIN" collapse "$PF")
/usr/bin/time -f %M -o "$OUT/perf-collapse.rss" "$BIN" collapse "$PF" >"$OUT/perf-${SIZE_MIB}m.iou.folded"
rss=$(awk '{printf "%.1f", $1/1024}' "$OUT/perf-collapse.rss")
[ -s "$OUT/perf-${SIZE_MIB}m.iou.folded" ] || { echo "FAILED: collapse printed nothing" >&2; exit 1; }
pl_s=""
if [ -f "${STACKCOLLAPSE_PERF:-}" ]; then
  s=$(date +%s.%N); perl "$STACKCOLLAPSE_PERF" "$PF" >"$OUT/perf-${SIZE_MIB}m.pl.folded"; e=$(date +%s.%N)
  pl_s=$(awk -v s="$s" -v e="$e" 'BEGIN{printf "%.4f", e - s}')
  if ! cmp -s "$OUT/perf-${SIZE_MIB}m.pl.folded" "$OUT/perf-${SIZE_MIB}m.iou.folded"; then
    echo "FAILED: iou-analyze collapse and stackcollapse-perf.pl print different stacks" >&2
    exit 1
  fi
  same="byte-identical output"
fi
awk -v mib="$mib" -v w="$wc_s" -v c="$co_s" -v p="$pl_s" -v same="${same:-}" -v runs="$RUNS" -v rss="$rss" 'BEGIN{
  printf "perf script input: %.1f MiB (page cache warm), best of %d (Perl: 1 run)\n", mib, runs
  printf "  %-32s %8.3f s  %8.0f MiB/s\n", "wc -l", w, mib / w
  printf "  %-32s %8.3f s  %8.0f MiB/s   %.3fx the speed of wc -l, peak RSS %.1f MiB\n", "iou-analyze collapse", c, mib / c, w / c, rss
  if (p != "") printf "  %-32s %8.3f s  %8.1f MiB/s   iou-analyze is %.1fx faster (%s)\n", "stackcollapse-perf.pl", p, mib / p, p / c, same
  else print "  (set STACKCOLLAPSE_PERF=/path/to/stackcollapse-perf.pl to time the Perl script too)"
}'
