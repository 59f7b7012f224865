#!/bin/bash
# lab.sh - the iou-analyze kernel lab, end to end.
#
#   lab.sh all                 deps + build + initramfs + run + table (what `make lab` runs)
#   lab.sh deps                install the Debian packages the lab needs (apt-get, only missing ones)
#   lab.sh build [KERNEL...]   build vanilla and each series under kernel-patch/patches/
#   lab.sh initramfs [--extra HOST[:GUEST]]...   (re)build the guest initramfs
#   lab.sh run [KERNEL...]     boot each kernel once per scenario, store fixtures/lab/<kernel>/<scenario>/
#   lab.sh collect             rewrite fixtures/lab/ from the raw results kept in $LAB_CACHE/results
#   lab.sh table [--readme]    verdicts: the reproducer's own observation, and iou-analyze analyze/compare
#                              when .build/release/iou-analyze exists (never builds it); --readme also
#                              writes the table into kernel-patch/README.md
# `all` also runs race-capture-test.sh vanilla (capture --until-verdict in the guest against the race)
# and fullgraph.sh vanilla (the benchmark trace, kept in $LAB_CACHE/fullgraph, recorded once)
# Environment: LAB_KERNELS, LAB_SCENARIOS (space separated) narrow the matrix; LAB_FIXTURES (default
# fixtures/lab) is where captures go; LAB_CACHE (default
# ~/.cache/iou-analyze/lab) holds sources, build output, kernels, raw results; LAB_RACE_MAX bounds the race
# (default 400 iterations, on every kernel); LAB_BUSY_PAGES the faults of the busy controls' runs with
# sched events and with perf/stacks (10240), LAB_BUSY_NOSCHED_PAGES those of their run without sched events
# (2048); LAB_JOBS how many guests boot at once (default: one per CPU). Kernel builds run under flock
# /tmp/iou-kernel.lock, guest boots (boot.sh) under flock /tmp/iou-qemu.lock (.J for the J-th job); the
# waits are logged in $LAB_CACHE/lock-waits.log, `all` sums them up with the time of each step in
# $LAB_CACHE/timing.txt.
# Every guest boot has a hard timeout (boot.sh); nothing here touches the host's tracing.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
export LAB_CACHE=${LAB_CACHE:-$HOME/.cache/iou-analyze/lab}
FIXTURES=${LAB_FIXTURES:-$REPO/fixtures/lab}
RAW=$LAB_CACHE/results
read -r -a KERNELS <<< "${LAB_KERNELS:-vanilla seed-series uffd-retry-sleep iowq-fail-fault}"
read -r -a SCENARIOS <<< "${LAB_SCENARIOS:-threadexit cancel ringclose sigstop write-signal kill9 resolved nouffd race busy-uffd-iouring busy-uffd-write many-workers}"
ANALYZER=${IOU_ANALYZE:-$REPO/.build/release/iou-analyze}
PACKAGES="linux-source-6.12 python3 busybox-static qemu-system-x86 linux-perf liburing-dev build-essential bc flex bison libelf-dev libssl-dev cpio ccache file trace-cmd"

log() { echo "[lab] $*" >&2; }

# build_kernel NAME: build-kernel.sh under the kernel lock (one kernel build at a time on this machine),
# the wait logged like boot.sh's
build_kernel() {
    local lock=${LAB_KERNEL_LOCK:-/tmp/iou-kernel.lock} w0 fd rc=0
    mkdir -p "$LAB_CACHE"
    exec {fd}>>"$lock"
    w0=$(date +%s)
    flock "$fd"
    echo "$(date -u +%FT%TZ) kernel $1 waited $(( $(date +%s) - w0 ))s for $lock" >> "$LAB_CACHE/lock-waits.log"
    "$HERE/build-kernel.sh" "$1" || rc=$?
    exec {fd}>&-
    return $rc
}

cmd_deps() {
    local missing=()
    for p in $PACKAGES; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        log "installing ${missing[*]}"
        DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}" >&2 \
            || { apt-get update >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}" >&2; }
    fi
    log "packages present; linux-source-6.12 $(dpkg-query -W -f='${Version}' linux-source-6.12)"
}

cmd_build() {
    local ks=("$@"); [ ${#ks[@]} -gt 0 ] || ks=("${KERNELS[@]}")
    for k in "${ks[@]}"; do build_kernel "$k"; done
}

cmd_initramfs() {
    "$HERE/mkinitramfs.sh" "$LAB_CACHE/initramfs.cpio.gz" "$@"
}

repro_args() {
    case "$1" in
        race) echo "race -f /tmp/race-target -n ${LAB_RACE_MAX:-400}" ;;
        busy-*) echo "$1 -b /dev/ram0 -p ${LAB_BUSY_PAGES:-10240}" ;;
        nosched-busy-*) echo "${1#nosched-} -b /dev/ram0 -p ${LAB_BUSY_NOSCHED_PAGES:-2048}" ;;
        many-workers) echo "$1 -b /dev/ram0" ;;
        *) echo "$1 -H -b /dev/ram0" ;;
    esac
}

# recut_perf FILE LIMIT: keep the repo small - a shorter prefix of the same `perf script` output,
# again cut at a blank line between samples, with the `# cut:` line saying so
recut_perf() {
    local f=$1 limit=$2
    [ -f "$f" ] || return 0
    [ "$(wc -l < "$f")" -gt "$limit" ] || return 0
    local first=1 total keep
    total=$(wc -l < "$f")
    if sed -n 1p "$f" | grep -q '^# cut:'; then
        first=2
        total=$(sed -n '1s/.*output (\([0-9]*\) lines).*/\1/p' "$f")
    fi
    keep=$(sed -n "${first},$((first + limit - 2))p" "$f" | grep -n '^$' | tail -n 1 | cut -d: -f1)
    { echo "# cut: one contiguous window = first $keep lines (complete samples, cut at a blank line) of the \`perf script\` output ($total lines); nothing spliced"
      sed -n "${first},$((first + keep - 1))p" "$f"; } > "$f.tmp"
    mv "$f.tmp" "$f"
}

# write fixtures/lab/<k>/<s>/ from the raw guest output
collect() {
    local k=$1 s=$2 raw=$RAW/$1/$2 dst=$FIXTURES/$1/$2
    rm -rf "$dst"; mkdir -p "$dst"
    for f in fgraph_proc.txt fgraph_nosched.txt perf.txt stacks.txt dmesg_hung.txt sysrq.txt; do
        if [ -f "$raw/$f" ]; then cp "$raw/$f" "$dst/"; fi
    done
    recut_perf "$dst/perf.txt" "${LAB_FIXTURE_PERF_LINES:-500}"
    # busy controls and many-workers keep a longer function_graph window (20000 lines), gzip -9
    # (iou-analyze reads .gz)
    case "$s" in busy-*|many-workers) for f in "$dst"/fgraph_proc.txt "$dst"/fgraph_nosched.txt; do
        if [ -f "$f" ]; then gzip -9 -n "$f"; fi; done ;; esac
    local ver="$LAB_CACHE/kernels/$k/version.txt"
    local args; args=$(repro_args "$s")
    {
        echo "# $k / $s"
        echo
        if [ "$s" = race ]; then echo "Real captures from QEMU boots of the race scenario (one for fgraph_proc.txt, one for the other files, skipped when the first never saw the race),"; else echo "Real captures from one QEMU boot,"; fi
        echo "$(date -u +%Y-%m-%d) by \`kernel-patch/lab/lab.sh run\` (guest boot to power-off: $(cat "$raw/.boot_seconds" 2>/dev/null || echo ?) s wall)."
        echo
        echo "- Kernel: Linux $(sed -n 's/^kernel=//p' "$ver") from Debian \`$(sed -n 's/^debian_source=//p' "$ver")\`,"
        echo "  \`make ARCH=x86_64 tinyconfig\` + \`kernel-patch/lab/lab.config\` + olddefconfig, gcc $(sed -n 's/^gcc=//p' "$ver");"
        echo "  bzImage md5 $(sed -n 's/^bzImage_md5=//p' "$ver"), source commit $(sed -n 's/^commit=//p' "$ver" | cut -c1-12) of the lab tree."
        if [ "$k" = vanilla ]; then
            echo "- Patch: none (vanilla)."
        else
            echo "- Patch: \`kernel-patch/patches/$k/\` ($(cd "$REPO/kernel-patch/patches/$k" && ls *.patch | tr '\n' ' ' | sed 's/ $//')), applied with \`git am\`."
        fi
        echo "- Machine: \`qemu-system-x86_64 $(cat "$raw/.qemu_args" 2>/dev/null || echo '-accel tcg,thread=single -cpu max -smp 2 -m 1536')\`, kernel command line:"
        echo "  \`$(cat "$raw/guest-cmdline.txt" 2>/dev/null)\`"
        echo "- Reproducer: \`kernel-patch/repro/uffd_iou.c\` (static, liburing 2.3):"
        echo "  fgraph_proc.txt from its own run \`LAB_STOP_MS=1000 LAB_CLEAR_EACH=1 uffd_iou $args -R 3000\`;"
        echo "  perf.txt, stacks.txt, dmesg_hung.txt, sysrq.txt from one other run \`uffd_iou $args -R 3000 -x /lab/capture.sh\`."
        case "$s" in many-workers)
            echo "  The function_graph run keeps the first 19999 lines of \`trace\` (gzip -9); capture.sh reniced"
            echo "  itself to -20 (\`LAB_CAPTURE_NICE\`: 40 spinning workers leave a nice-0 shell about 1/40 of a CPU)." ;;
        esac
        case "$s" in busy-*)
            echo "  fgraph_nosched.txt from a third, shorter run \`LAB_STOP_MS=1000 LAB_CLEAR_EACH=1 uffd_iou $(repro_args "nosched-$s") -R 3000\`"
            echo "  (the same recipe as fgraph_proc.txt's but without any sched event enabled);"
            echo "  busy runs keep the first 19999 lines of \`trace\` (gzip -9), and their perf/stacks are taken while the faults are served." ;;
        esac
        echo "- Capture commands: \`kernel-patch/lab/guest/run-scenario.sh\` and \`guest/capture.sh\` (the recipe of the"
        echo "  developers' trace set: function_graph with set_graph_function=handle_userfault, funcgraph-proc and"
        echo "  funcgraph-abstime, sched_switch/sched_wakeup/sched_process_exit, 65536 KiB buffer per CPU, tracing stopped"
        echo "  1.0 s after the trigger, first lines of \`trace\` read and kept; perf record -e cpu-clock -F 999 -g -a -- sleep 2 +"
        echo "  perf script cut at a blank line; 3 stack samples 1 s apart; hung_task_timeout_secs=4, wait <= 12 s while"
        echo "  a victim thread is in D;"
        echo "  sysrq l + w). Files longer than the limit start with a \`# cut: ...\` line; nothing is spliced."
        echo
        echo "## What the reproducer observed"
        echo
        echo '```'
        grep -h '^RESULT' "$raw"/repro_fgraph.txt 2>/dev/null | sed 's/^/fgraph run:  /' || true
        grep -h '^RESULT' "$raw"/repro_rest.txt 2>/dev/null | sed 's/^/capture run: /' || true
        echo "details (capture run; for the race both runs):"
        grep -h 'supervisor: thread\|victim reaped\|NOT reaped\|race:\|completion\|returned\|served' "$raw"/repro_rest.txt "$raw"/repro_fgraph.txt 2>/dev/null \
            | grep -v 'handler: fault' | cut -c1-160 | head -30 || true
        echo '```'
        echo
        echo "Counted from the files here by \`kernel-patch/lab/trace-facts.py\`:"
        echo
        echo '```'
        python3 "$HERE/trace-facts.py" "$dst" | tail -n +2 | sed 's/^  //'
        echo '```'
        if [ -f "$raw/perf_summary.txt" ]; then
            echo
            echo "perf, whole 2 s recording before the cut (samples per command):"
            echo
            echo '```'
            head -8 "$raw/perf_summary.txt"
            echo '```'
        fi
        if [ -f "$raw/fgraph_stats.txt" ]; then
            echo
            echo "ftrace per-CPU buffer stats after the fgraph run:"
            echo
            echo '```'
            sed 's|/sys/kernel/tracing/per_cpu/||' "$raw/fgraph_stats.txt"
            echo '```'
        fi
    } > "$dst/README.md"
}

run_one() {
    local k=$1 s=$2 raw=$RAW/$1/$2
    rm -rf "$raw"; mkdir -p "$raw"
    local t0; t0=$(date +%s)
    if [ "$s" = race ]; then
        # the race needs full preemption (measured: ~200-300 iterations with preempt=full)
        local extra="preempt=full lab_race_max=${LAB_RACE_MAX:-400}"
        "$HERE/boot.sh" "$k" race "$raw" --captures fgraph --append "$extra" --timeout 1500 || true
        mv "$raw/.boot_seconds" "$raw/.boot_seconds.fgraph" 2>/dev/null || true
        # a victim survived its SIGKILL (spinning, or hung in D on a fixed kernel): capture the rest
        if grep -q '^RESULT scenario=race iterations=[0-9]* victim=' "$raw/repro_fgraph.txt" 2>/dev/null; then
            "$HERE/boot.sh" "$k" race "$raw" --captures rest --append "$extra" --timeout 1500 || true
        else
            log "$k/race: no victim survived its SIGKILL in the fgraph boot; no second boot"
            cp "$raw/.boot_seconds.fgraph" "$raw/.boot_seconds" 2>/dev/null || true
        fi
    else
        "$HERE/boot.sh" "$k" "$s" "$raw" --timeout 600 || true
    fi
    log "$k/$s: $(grep -h '^RESULT' "$raw"/repro_*.txt 2>/dev/null | tr '\n' ' ') ($(( $(date +%s) - t0 )) s)"
    timing "run $k/$s" "$t0"
    collect "$k" "$s"
}

# run_kernels K...: every scenario of each kernel in turn (one guest at a time)
run_kernels() {
    local k s
    for k in "$@"; do
        for s in "${SCENARIOS[@]}"; do run_one "$k" "$s"; done
    done
}

# cmd_run [KERNEL...]: LAB_JOBS guests at once (default: one per CPU, at most one per kernel). Job j
# boots the kernels j, j+LAB_JOBS, ... in turn; each job has its own QEMU lock, /tmp/iou-qemu.lock for
# the first and /tmp/iou-qemu.lock.J for job J, so that however many lab runs there are, no more than
# LAB_JOBS guests run at once. A guest is one TCG thread: two guests keep two cores busy.
cmd_run() {
    local ks=("$@"); [ ${#ks[@]} -gt 0 ] || ks=("${KERNELS[@]}")
    [ -f "$LAB_CACHE/initramfs.cpio.gz" ] || cmd_initramfs
    local k; for k in "${ks[@]}"; do [ -f "$LAB_CACHE/kernels/$k/bzImage" ] || build_kernel "$k"; done
    local jobs=${LAB_JOBS:-$(nproc)} j i pids=() rc=0
    [ "$jobs" -ge 1 ] || jobs=1
    [ "$jobs" -le ${#ks[@]} ] || jobs=${#ks[@]}
    for (( j = 0; j < jobs; j++ )); do
        local mine=()
        for (( i = j; i < ${#ks[@]}; i += jobs )); do mine+=("${ks[i]}"); done
        if [ "$j" -eq 0 ]; then
            run_kernels "${mine[@]}" &
        else
            LAB_QEMU_LOCK=/tmp/iou-qemu.lock.$(( j + 1 )) run_kernels "${mine[@]}" &
        fi
        pids+=($!)
    done
    for i in "${pids[@]}"; do wait "$i" || rc=$?; done
    return $rc
}

# timing LABEL T0: one line of $LAB_CACHE/timing.txt: seconds since T0, the load average now
timing() {
    printf '%-36s %5d s  load %s\n' "$1" $(( $(date +%s) - $2 )) "$(cut -d' ' -f1-3 /proc/loadavg)" >> "$LAB_CACHE/timing.txt"
}

# step LABEL CMD...: run CMD and log its time
step() {
    local label=$1 t0 rc=0; shift
    t0=$(date +%s)
    "$@" || rc=$?
    timing "$label" "$t0"
    return $rc
}

# lock_waits FROM_LINE: the waits for the QEMU and kernel locks logged since line FROM_LINE
lock_waits() {
    [ -f "$LAB_CACHE/lock-waits.log" ] || return 0
    tail -n +"$1" "$LAB_CACHE/lock-waits.log" | awk '
        { n[$2]++; w = $(NF-2); sub(/s$/, "", w); t[$2] += w }
        END { for (k in n) printf "%s lock: %d acquisitions, %d s waited\n", k, n[k], t[k] }'
}

verdict_name() {
    case "$1" in 0) echo "$2" ;; 1) echo "$3" ;; 2) echo "bad-input" ;; 3) echo "inconclusive" ;; *) echo "rc$1" ;; esac
}

# results K S: the reproducer's RESULT lines of the runs behind fixture K/S, as its README quotes them
# (the fixture, not whatever raw output the cache holds, so that the table always describes the fixtures)
results() {
    sed -n 's/^\(fgraph run\|capture run\): *\(RESULT .*\)/\2/p' "$FIXTURES/$1/$2/README.md" 2>/dev/null || true
}

# the reproducer's own view: spin/no spin, threads in D, victim reaped
observed() {
    local r; r=$(results "$1" "$2" | tail -1)
    [ -n "$r" ] || { echo "-"; return; }
    local spin d reaped
    spin=$(sed -n 's/.* spin=\([a-z]*\).*/\1/p' <<< "$r")
    d=$(sed -n 's/.* threads_in_D=\([0-9]*\).*/\1/p' <<< "$r")
    reaped=$(sed -n 's/.* victim_reaped=\([a-z]*\).*/\1/p' <<< "$r")
    local more=""
    grep -q 'iterations=' <<< "$r" && more+=" it=$(sed -n 's/.* iterations=\([0-9]*\).*/\1/p' <<< "$r")"
    grep -q 'faults_served=' <<< "$r" && more+=" faults=$(sed -n 's/.* faults_served=\([0-9-]*\).*/\1/p' <<< "$r")"
    grep -q 'workers_asleep_at_trigger=' <<< "$r" && more+=" workers=$(sed -n 's/.* workers_asleep_at_trigger=\([0-9]*\).*/\1/p' <<< "$r")"
    echo "spin=$spin D=${d:-0} reaped=${reaped%%(*}$more"
}

# residual_hangs COMPARE_OUTPUT: the kinds of hang `compare` named after the fix, in a few words
# (the lines are read into a variable first: \`grep ... | grep -q\` under pipefail fails at random when
# grep -q exits at its first match and the writer gets SIGPIPE)
residual_hangs() {
    local f=$1 out=() lines
    lines=$(grep '^  residual hang:' "$f" || true)
    [ -n "$lines" ] || { echo none; return; }
    if grep -q '^  residual hang: none' <<< "$lines"; then echo none; return; fi
    [[ $lines == *io_wq_put_and_exit* ]] && out+=("exit D in io_wq_put_and_exit")
    [[ $lines == *"hung-task detector"* ]] && out+=("hung-task report")
    [[ $lines == *"asleep in the fault path"* ]] && out+=("asleep in the fault path")
    [ ${#out[@]} -gt 0 ] || out+=("task in D")
    local IFS=','; echo "${out[*]}"
}

cmd_table() {
    local have=0 cmpout
    cmpout=$(mktemp)
    if [ -x "$ANALYZER" ]; then have=1; else
        log "no $ANALYZER: skipping analyze/compare (build it with \`swift build -c release\`, then run \`lab.sh table\`)"
    fi
    printf '%-17s %-18s %-40s %-14s %-33s %s\n' kernel scenario "reproducer saw" analyze "compare vanilla->kernel" "residual hang (after)"
    for k in "${KERNELS[@]}"; do
        for s in "${SCENARIOS[@]}"; do
            local d=$FIXTURES/$k/$s an="-" cmp="-" hang="-"
            [ -d "$d" ] || continue
            if [ $have = 1 ]; then
                set +e
                "$ANALYZER" analyze "$d" > /dev/null 2>&1; an=$(verdict_name $? no-spin SPINNING)
                # compare only where vanilla really spun (the reproducer saw it)
                if [ -d "$FIXTURES/vanilla/$s" ] && [[ $(results vanilla "$s") == *" spin=yes"* ]]; then
                    "$ANALYZER" compare "$FIXTURES/vanilla/$s" "$d" > "$cmpout" 2>&1
                    cmp=$(verdict_name $? CONFIRMED "NOT CONFIRMED")
                    hang=$(residual_hangs "$cmpout")
                    [ "$k" = vanilla ] && cmp="$cmp (negative control)"
                fi
                set -e
            fi
            printf '%-17s %-18s %-40s %-14s %-33s %s\n' "$k" "$s" "$(observed "$k" "$s")" "$an" "$cmp" "$hang"
        done
    done
    rm -f "$cmpout"
}

# readme_table FILE: put the table in FILE into kernel-patch/README.md between the lab-table markers
readme_table() {
    python3 - "$REPO/kernel-patch/README.md" "$1" <<'PY'
import sys
readme, table = sys.argv[1], open(sys.argv[2]).read()
text = open(readme).read()
begin = text.index("<!-- lab-table:begin")
begin = text.index("\n", begin) + 1
end = text.index("<!-- lab-table:end -->")
open(readme, "w").write(text[:begin] + "```\n" + table + "```\n" + text[end:])
PY
    log "table written into kernel-patch/README.md"
}

case "${1:-all}" in
    deps) cmd_deps ;;
    build) shift; cmd_build "$@" ;;
    initramfs) shift; cmd_initramfs "$@" ;;
    run) shift; cmd_run "$@" ;;
    table)
        if [ "${2:-}" = --readme ]; then
            mkdir -p "$LAB_CACHE"; cmd_table | tee "$LAB_CACHE/table.txt"; readme_table "$LAB_CACHE/table.txt"
        else cmd_table; fi ;;
    collect)  # rewrite fixtures/lab/<k>/<s>/ from the raw results already in $LAB_CACHE/results
        for k in "${KERNELS[@]}"; do for s in "${SCENARIOS[@]}"; do
            if [ -d "$RAW/$k/$s" ]; then collect "$k" "$s"; fi
        done; done ;;
    all)
        start=$(date +%s)
        mkdir -p "$LAB_CACHE"
        waits_from=1
        if [ -f "$LAB_CACHE/lock-waits.log" ]; then waits_from=$(( $(wc -l < "$LAB_CACHE/lock-waits.log") + 1 )); fi
        echo "# lab.sh all started $(date -u +%FT%TZ), load $(cut -d' ' -f1-3 /proc/loadavg)" >> "$LAB_CACHE/timing.txt"
        step deps cmd_deps
        for k in "${KERNELS[@]}"; do step "build $k" build_kernel "$k"; done
        step initramfs cmd_initramfs
        cmd_run
        step race-capture-test "$HERE/race-capture-test.sh" vanilla
        if [ -s "$LAB_CACHE/fullgraph/fgraph_full.txt" ] && [ "${LAB_FULLGRAPH:-0}" != 1 ]; then
            log "fullgraph: kept $LAB_CACHE/fullgraph (LAB_FULLGRAPH=1 records it again)"
        else step fullgraph "$HERE/fullgraph.sh" vanilla; fi
        step table cmd_table > "$LAB_CACHE/table.txt"
        cat "$LAB_CACHE/table.txt"
        readme_table "$LAB_CACHE/table.txt"
        timing "all" "$start"
        lock_waits "$waits_from" >> "$LAB_CACHE/timing.txt"
        log "lab finished in $(( ($(date +%s) - start) / 60 )) min; table also in $LAB_CACHE/table.txt, times in $LAB_CACHE/timing.txt"
        lock_waits "$waits_from" >&2
        ;;
    *) sed -n '2,16p' "$0"; exit 2 ;;
esac
