#!/usr/bin/env python3
"""trace-facts.py DIR... - plain facts from a lab capture folder, for the lab README's tables.

Not the analyzer (that is iou-analyze): this only counts what the files say, so that the README's
numbers can be checked by anyone.
  fgraph_proc.txt  the faulting task (first to enter handle_userfault), its handle_userfault entries,
                   their rate, its sched_switch count by prev_state, its wakeups, whether it exited
  stacks.txt       per victim thread: state in each sample and CPU ticks per second (utime+stime)
  dmesg_hung.txt   hung-task reports (which tasks)
  perf.txt         the cut window: samples of the faulting task / all samples
"""
import re
import sys
from collections import Counter
from pathlib import Path

ENTRY = re.compile(r'^\s*([\d.]+) \|\s+\d+\)\s+(\S+?)-(\d+)\s+\|.*\|\s+handle_userfault\(\)(?: \{|;)')
EVENT = re.compile(r'^\s*([\d.]+) \|\s+\d+\)\s+\S+\s+\|.*/\* (sched_\w+): (.*) \*/')


def fgraph(path):
    task = None
    entries = []
    switches = Counter()
    wakeups = 0
    exited = False
    for line in path.open(errors='replace'):
        m = ENTRY.match(line)
        if m:
            if task is None:
                task = (m.group(2), m.group(3))
            if m.group(3) == task[1]:
                entries.append(float(m.group(1)))
            continue
        m = EVENT.match(line)
        if not m or task is None:
            continue
        ev, body = m.group(2), m.group(3)
        pid = task[1]
        if ev == 'sched_switch' and f' prev_pid={pid} ' in body:
            st = re.search(r'prev_state=(\S+)', body)
            switches[st.group(1) if st else '?'] += 1
        elif ev == 'sched_wakeup' and f' pid={pid} ' in body:
            wakeups += 1
        elif ev == 'sched_process_exit' and f' pid={pid} ' in body:
            exited = True
    if task is None:
        return 'fgraph: no handle_userfault() in the window'
    # the first entry is the ordinary wait for the fault; what follows it is the retry behaviour
    first_wait = f'{(entries[1] - entries[0]) * 1000:.0f} ms' if len(entries) > 1 else 'until the end of the window'
    later = entries[1:]
    span = later[-1] - later[0] if len(later) > 1 else 0.0
    rate = f'{(len(later) - 1) / span:.0f}/s' if span > 0 else '-'
    sw = ' '.join(f'{k}:{v}' for k, v in sorted(switches.items())) or 'none'
    return (f'fgraph: task {task[0]}-{task[1]}: {len(entries)} handle_userfault() entries; first wait {first_wait}; '
            f'then {len(later)} entries over {span:.3f} s (rate {rate}); its sched_switch prev_state {sw}; '
            f'wakeups {wakeups}; exited {"yes" if exited else "no"}')


def stacks(path):
    samples = []
    cur = None
    tid = None
    for line in path.open(errors='replace'):
        if line.startswith('=== sample'):
            up = float(line.split('uptime')[1])
            cur = {'uptime': up, 'threads': {}}
            samples.append(cur)
        elif line.startswith('--- tid'):
            parts = line.split()
            tid = parts[2]
            cur['threads'][tid] = {'comm': ' '.join(parts[4:])}
        elif line.startswith('stat: ') and tid and len(line) > 10:
            rest = line[line.rindex(')') + 2:].split()
            cur['threads'][tid]['state'] = rest[0]
            cur['threads'][tid]['ticks'] = int(rest[11]) + int(rest[12])
    if not samples:
        return 'stacks: empty'
    out = []
    tids = sorted({t for s in samples for t in s['threads']}, key=int)
    if not tids:
        return 'stacks: no victim threads left (victim gone)'
    for t in tids:
        seen = [s for s in samples if t in s['threads'] and 'state' in s['threads'][t]]
        states = ''.join(s['threads'][t]['state'] for s in seen)
        rate = '-'
        if len(seen) > 1 and seen[-1]['uptime'] > seen[0]['uptime']:
            d = seen[-1]['threads'][t]['ticks'] - seen[0]['threads'][t]['ticks']
            rate = f"{d / (seen[-1]['uptime'] - seen[0]['uptime']):.0f} ticks/s"
        comm = seen[0]['threads'][t]['comm'] if seen else '?'
        out.append(f'{t} {comm} {states} {rate}')
    return 'stacks: ' + '; '.join(out)


def hung(path):
    tasks = re.findall(r'INFO: task (\S+) blocked for more than', path.read_text(errors='replace'))
    return 'dmesg_hung: ' + (', '.join(sorted(set(tasks))) if tasks else 'no hung-task report')


def perf(path, comm_prefix):
    total = mine = 0
    for line in path.open(errors='replace'):
        if line and not line[0].isspace() and 'cpu-clock' in line:
            total += 1
            if line.startswith(comm_prefix):
                mine += 1
    return f'perf (cut window): {mine} of {total} samples by {comm_prefix}*'


def main():
    for d in map(Path, sys.argv[1:]):
        print(f'== {d}')
        if (d / 'fgraph_proc.txt').exists():
            print('  ' + fgraph(d / 'fgraph_proc.txt'))
        if (d / 'stacks.txt').exists():
            print('  ' + stacks(d / 'stacks.txt'))
        if (d / 'dmesg_hung.txt').exists():
            print('  ' + hung(d / 'dmesg_hung.txt'))
        if (d / 'perf.txt').exists():
            print('  ' + perf(d / 'perf.txt', 'iou-wrk'))


if __name__ == '__main__':
    main()
