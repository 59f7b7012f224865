import Foundation
import TraceAnalysis
import TraceParse

/// The words for the analysis's typed evidence: the one place where facts become sentences.
/// Every report (text, Markdown, JUnit, HTML, Chrome) words evidence through these.
public enum Wording {
  /// `SLEEPING → SPINNING`.
  public static func sequence(_ verdicts: [Verdict]) -> String {
    verdicts.map(\.rawValue).joined(separator: " → ")
  }

  /// One fact of a phase.
  public static func text(_ fact: PhaseFact) -> String {
    switch fact {
    case .backToBackRetries(let n): "\(n) back-to-back fault retries, none of which slept"
    case .retryRate(let n, let span):
      String(format: "%.0f retries/s over %@", Double(n) / seconds(span), Format.duration(span))
    case .onCPU(let p): String(format: "on-CPU %.0f%% of the time (sched_switch)", p)
    case .scheduleReturnedAtOnce(let r, let n): "schedule() returned without switching out in \(r) of \(n) calls"
    case .neverBlocked: "never switched out in S/D during the loop"
    case .onlyPreempted(let n): "only preempted (state R) \(n) times, never switched out in S/D"
    case .stillBlockedAtEnd: "still blocked in the fault path when the capture ended"
    case .sleptThenReturned(let n): "\(n) fault call\(n == 1 ? "" : "s") that slept, then returned"
    case .blockedOffCPU(let d): "off-CPU blocked \(Format.duration(d))"
    case .wokeAndRetried(let n, let span):
      String(format: "woke and retried %d times (%.1f wake-ups/s)", n, Double(n) / seconds(span))
    case .wakeups(let n): "\(n) sched_wakeup\(n == 1 ? "" : "s") while in the fault path"
    case .quickRetriesBetweenSleeps(let n): "\(n) \(retries(n)) returned at once before sleeping again"
    case .sleepInferredFromDurations: "sleep inferred from schedule() durations (no sched_switch events in the capture)"
    case .inNewCallAtEnd(let line):
      "in a new fault call (line \(line)) when the capture ended, after sleeping in every earlier one"
    case .quickRetriesAtEndAsBeforeSleeping(let n, let most):
      "the capture ended after \(n) quick \(retries(n)), no more than the \(most) it made before sleeping earlier"
    case .loopEndedInInferredSleep(let n):
      "\(n) back-to-back \(retries(n)) that then slept again; without sched_switch events a brief sleep in each cannot be told from a loop"
    case .tooFewRetriesAtEnd(let n, let needed):
      "only \(n) back-to-back \(retries(n)) before the capture ended (\(needed) make a loop)"
    case .returnedAfterQuickRetries(let n): "the fault returned after \(n) quick \(retries(n)) (no loop)"
    case .lastCallReturned(let line): "the last fault call returned at line \(line)"
    case .exited(let line, let ts):
      "the thread exited at line \(line)" + (ts.map { " (\(Format.timestamp($0)))" } ?? "")
    case .noFurtherFaultCall: "no further fault call up to the end of the capture"
    }
  }

  /// One piece of a thread's evidence.
  public static func text(_ evidence: ThreadEvidence) -> String {
    switch evidence {
    case .phase(let v, let lines, let start, let end):
      "\(v.rawValue): lines \(lines.first)–\(lines.last)"
        + (start.map { " (\(Format.timestamp($0)) → \(Format.timestamp(end)))" } ?? "")
    case .phaseFact(let f): text(f)
    case .faultSamples(let inFault, let total, let inRetry, let lines):
      String(
        format:
          "%d of %d samples of this thread are in the fault path (%.0f%%), %d of them inside the retry function; lines %d–%d",
        inFault, total, percent(inFault, total), inRetry, lines.first, lines.last)
    case .faultSampleRate(let n, let span):
      String(format: "%.0f fault-path samples/s over %@", Double(n) / seconds(span), Format.duration(span))
    case .cpuShareFromSamples(let p, let method):
      String(format: "on-CPU %.0f%% of one CPU: %@", p, text(method))
    case .mostlyOffCPU(let p, let max):
      String(
        format: "on-CPU only %.0f%% of the time (below %.0f%%): no loop keeps a thread off its CPU that long", p, max)
    case .lowShareOnSaturatedCPUs(let p, let cpus):
      String(
        format:
          "on-CPU only %.0f%%, but %@ it was sampled on never ran the idle task: saturated CPUs, where a low share does not show a wait",
        p, cpus == 1 ? "the CPU" : "none of the \(cpus) CPUs")
    case .sighting(let s): text(s, framesShown: 4)
    case .procStat(let from, let to, let span, let p, let states, let lines):
      String(
        format: "/proc stat: utime+stime %lld → %lld ticks over %.2f s = %.0f%% of a CPU, state %@ (lines %d–%d)",
        from, to, seconds(span), p, states.map(\.letter).joined(separator: "/"), lines.first, lines.last)
    case .claimedCPUUsage(let p): "the report states CPU usage \(p)% (the reporter's statement, not a measurement)"
    case .blockedInFaultSnapshots(let n, let of): "blocked in the fault path in \(n) of \(of) snapshots"
    case .ownerWaitsForWorkers(let tid, let comm, let frame):
      "task \(tid) (\(comm)) is blocked in D waiting for io workers to exit (\(frame)), while this worker keeps running"
    case .noFaultPath: "no call of the fault function and no fault-path stack for this thread in the capture"
    case .counted(let f): text(f)
    }
  }

  /// One fact from histogram counts.
  public static func text(_ fact: CountedFact) -> String {
    switch fact {
    case .retriesWithoutSleep(let n, let k, let lines):
      "\(n) \(retries(n)) counted over \(k) read intervals (lines \(lines.first)–\(lines.last)), in none of which it switched out in S/D"
    case .retryRate(let n, let span):
      String(
        format: "%.0f retries/s over %@ (%lld counted between timed readings)", Double(n) / seconds(span),
        Format.duration(span), n)
    case .preemptedOnly(let n):
      "switched out only while runnable (R) meanwhile: \(n) preemption\(n == 1 ? "" : "s"), no sleep"
    case .untilLastReading: "still retrying at the last reading"
    case .retriesWithSleeps(let n, let sleeps, let k, let span):
      "\(n) \(retries(n)) with \(sleeps) switch-out\(sleeps == 1 ? "" : "s") in S/D over \(k) read interval\(k == 1 ? "" : "s")"
        + (span.map { $0 > 0 ? String(format: " (%.1f sleeps/s)", Double(sleeps) / seconds($0)) : "" } ?? "")
    case .exitedAfterRetries(let n, let line):
      "exited (switched out in X/Z, reading at line \(line)) after \(n) \(retries(n))"
    case .retriesStopped(let n, let quiet):
      "no retry in the last \(quiet) read interval\(quiet == 1 ? "" : "s"), after \(n) that never slept"
    case .countedRetries(let n, let k):
      "\(n) \(retries(n)) counted in all (hist trigger, \(k) reading\(k == 1 ? "" : "s"))"
    }
  }

  /// How a sampled CPU share was computed.
  public static func text(_ method: CPUShareMethod) -> String {
    switch method {
    case .periodsOfBusiestCPU(let cpu, let mine, let theirs):
      "its sample periods (\(mine)) over the periods sampled on the busiest CPU, CPU \(cpu) (\(theirs))"
    }
  }

  /// Why a verdict is INCONCLUSIVE or weaker than it could be.
  public static func text(_ caveat: Caveat) -> String {
    switch caveat {
    case .noTaskColumn(let cpu): "lines without a task column on CPU \(cpu) before any context-switch banner"
    case .callersHidden(let fn):
      "callers of \(fn) were not in the capture (set_graph_function starts the graph there); the loop is recognised from repeated entries without sleeping"
    case .lostEvents(let line, let cpu, let n):
      "events were lost inside this thread's fault window (line \(line), CPU \(cpu)\(n > 0 ? ", \(n) events" : "")): retries and sleeps may be missing, so no verdict is given"
    case .lostEventsBesideIntactLoop(let line, let cpu, let n, let retries, let lines):
      "events were lost inside this thread's fault window (line \(line), CPU \(cpu)\(n > 0 ? ", \(n) events" : "")), but \(retries) back-to-back retries of its loop (lines \(lines.first)–\(lines.last)) have no loss among them"
    case .tooFewFaultSamples(let n, let needed):
      "only \(n) fault-path sample\(n == 1 ? "" : "s") (\(needed) needed)"
    case .lowFaultSampleShare(let p, let needed):
      String(format: "in the fault path in %.0f%% of its samples, below the %.0f%% that shows a loop", p, needed)
    case .noSampleInRetryFunction: "no sample inside the retry function itself, so the samples do not show it retrying"
    case .notBusy(let p):
      String(format: "on-CPU only %.0f%% of the time: not a tight loop, but sampling cannot show sleeps", p)
    case .sampledEvidence:
      "sampled evidence: the thread burns a CPU inside the fault path; a function_graph trace would count the retries"
    case .noCPUShareFromSamples(let why):
      switch why {
      case .noPeriods:
        "sampled in the fault path, but the samples have no periods, so they do not give its CPU share (perf script -F needs `period`)"
      case .noCPUColumn:
        "sampled in the fault path, but the samples have no CPU column, so they do not give its CPU share (record with -a, print `cpu`)"
      }
    case .namedByLockdepOnly:
      "only lockdep's list of lock holders names it: the report holds no stack of it, so where it is (spinning in the fault path or not) is not shown; a sysrq-l backtrace or a trace would"
    case .busyInKernelStackNotShown(let p):
      String(
        format:
          "not an io worker, but it burns %.0f%% of a CPU in system time and no stack shows where (a running task's /proc stack is empty): a loop in the kernel is not ruled out; a trace or sysrq-l backtraces would show it",
        p)
    case .sampledWaiting:
      "sampled evidence: it is seldom on a CPU, and its samples in the fault path show where it waits; a function_graph trace would show each sleep"
    case .weakerThanTrace:
      "weaker evidence than a trace: no sequence of retries was recorded; capture function_graph and sched_switch to prove the loop"
    case .lockupReport: "a soft-lockup/RCU-stall report caught it running in the fault path"
    case .pastedStacks(let n, let claimed):
      "evidence available: \(n == 1 ? "one sampled stack" : "\(n) sampled stacks") pasted from perf report"
        + (claimed ? " plus the CPU use stated in the text" : "")
        + "; weaker than a trace or a series of samples, which would show the loop repeating"
    case .placeholderTid(let tid): "the text names no tid for this thread: tid \(tid) is a placeholder"
    case .procEvidence(let n, let of):
      "/proc evidence: it burns a CPU and \(n) of its \(of) stack samples are in the fault path; a function_graph trace would count the retries"
    case .snapshotEvidence(let n):
      "snapshot evidence: caught on-CPU in the fault path in \(n) snapshots and never asleep there; a function_graph trace would count the retries"
    case .burnsCPUStackNotShown:
      "it burns a CPU, but a running task's /proc stack is empty, so its place in the fault path is not shown"
    case .caughtOnCPU(let n):
      "\(n) snapshot\(n == 1 ? "" : "s") caught it on-CPU in the fault path; one instant does not show a loop"
    case .faultSnapshotsUndecided(let n, let of, let asleep, let share):
      if let share {
        String(
          format:
            "in the fault path in %d of %d snapshots, asleep there in %d, at %.0f%% of a CPU: between a sleeper's share and a loop's, so the snapshots cannot tell a loop from a wait",
          n, of, asleep, share)
      } else {
        "in the fault path in \(n) of \(of) snapshots, but no state or CPU time was recorded with them (a /proc/PID/stat line beside each stack gives both), so they cannot tell a loop from a wait"
      }
    case .countedEvidence:
      "counted evidence (hist triggers, lossless): counts have no order within an interval and no stack; the /proc stacks of the run place the loop"
    case .noSwitchOutCounts:
      "no sched_switch histogram (keys=prev_pid,prev_state), so whether the retries slept is unknown"
    case .switchOutsDropped:
      "the sched_switch histogram dropped entries (its table was full) during the retries: a sleep may be missing"
    case .countedFunctionUnnamed:
      "the hits histogram does not say which function it counts (no `# iou-analyze hist:` line): taken as the retry function's calls"
    case .countsNotKept(let n): "\(n) counts past the reader's limit were not kept"
    case .tooFewCountedIntervals(let k, let needed, let n, let neededRetries):
      "retried without sleeping over only \(k) read interval\(k == 1 ? "" : "s") (\(n) \(retries(n))); \(needed) intervals and \(neededRetries) retries make a loop"
    }
  }

  /// What shows a task blocked.
  public static func text(_ evidence: BlockedEvidence) -> String {
    switch evidence {
    case .switchedOutInD(let line, let ts, let d):
      "switched out in D at line \(line) (\(Format.timestamp(ts))) and never ran again up to the end of the capture"
        + (d.map { " (\(Format.duration($0)))" } ?? "")
    case .sighting(let s): text(s, framesShown: 3)
    case .moreSightings(let n): "… and \(n) more samples showing the same"
    case .placeholderTid(let tid): "the text names no pid for this task: tid \(tid) is a placeholder"
    }
  }

  /// A stack seen in a document: `/proc stack at line 12: state D in a ← b ← c`.
  static func text(_ s: StackSighting, framesShown: Int) -> String {
    "\(name(s.source)) at line \(s.line): \(s.state.map { "state \($0.letter), " } ?? "")in "
      + s.frames.prefix(framesShown).joined(separator: " ← ")
  }

  /// The document kind a stack came from.
  public static func name(_ source: SnapshotSource) -> String {
    switch source {
    case .procStack: "/proc stack"
    case .hungTask: "hung-task report"
    case .runningBacktrace: "NMI backtrace (sysrq l)"
    case .taskDump: "sysrq task dump"
    case .lockup: "lockup report"
    case .perfReport: "pasted perf stack"
    }
  }

  /// What a capture could not show.
  public static func text(_ note: CaptureNote) -> String {
    switch note {
    case .cutWindow: "the file is a window cut from a longer capture (`# cut:` line)"
    case .noSchedSwitch: "no sched_switch events: sleeps are inferred from schedule() durations only"
    case .noTimestamps: "no timestamps (funcgraph-abstime off): retry rates cannot be computed"
    case .eventsOnly: "events only: no function_graph calls, samples or stacks to place threads in the fault path"
    case .lostEventMarkers(let n): "\(n) lost-events marker(s) in the file"
    case .noThreadInScope(let blocked):
      blocked
        ? "no io worker or fault-path thread in this capture"
        : "no io worker and no thread in the fault path in this capture"
    }
  }

  /// The command that captures what was missing.
  public static func command(_ hint: CaptureHint) -> String {
    switch hint {
    case .enableSchedEvents:
      "echo 1 > /sys/kernel/tracing/events/sched/sched_switch/enable; echo 1 > /sys/kernel/tracing/events/sched/sched_wakeup/enable"
    case .enableAbsoluteTimestamps: "echo funcgraph-abstime > /sys/kernel/tracing/trace_options"
    case .recordFaultPathTrace:
      "trace-cmd record -p function_graph -g handle_userfault -e sched_switch -e sched_wakeup -e sched_process_exit -- sleep 2"
    case .recordPerfSamples: "perf record -e cpu-clock -F 999 -g -a -- sleep 2 && perf script"
    case .largerBuffer:
      "echo 65536 > /sys/kernel/tracing/buffer_size_kb  # larger per-CPU buffer, and narrow set_graph_function"
    }
  }

  /// Why a file was skipped.
  public static func text(_ why: SkipReason) -> String {
    switch why {
    case .empty: "empty file (nothing was captured; for a hung-task log this means no hang was reported)"
    case .unreadable(let d): d.formatted
    case .nothingTraced: "nothing was traced: no fault-path call and no sched event"
    }
  }

  /// Why a run's verdict is what it is.
  public static func text(_ reason: RunReason) -> String {
    switch reason {
    case .thread(let comm, let tid, let v, let files):
      "\(comm) (tid \(tid)) \(v.rawValue) in \(files.joined(separator: ", "))"
    case .overruled(let comm, let tid, let file, let by):
      "\(comm) (tid \(tid)) is INCONCLUSIVE in \(file), but \(by), a capture of another kind, decides its role"
    case .waiterWithoutWorker(let tid, let comm, let file):
      "task \(tid) (\(comm)) is blocked waiting for its io workers in \(file), but no worker is in the capture"
    case .noThreadInScope: "no io worker and no thread in the fault path"
    case .noSpin: "no thread in the fault path is spinning"
    }
  }

  /// Why a comparison came out as it did.
  public static func text(_ reason: ComparisonReason) -> String {
    switch reason {
    case .samePath(let p):
      "BEFORE and AFTER are the same path (\(p)): a capture compared with itself cannot show what a fix did"
    case .beforeSpins(let n, let comm, let tid, let file):
      "before: SPINNING in \(n) capture\(n == 1 ? "" : "s") (e.g. \(comm) tid \(tid) in \(file))"
    case .beforeInconclusive(let reasons):
      "before: no spin could be proven (\(reasons.map(text).joined(separator: "; ")))"
    case .beforeShowsNoSpin:
      "before: no thread spins in the fault loop, so the capture does not show the bug the fix is for"
    case .afterStillSpins(let comm, let tid, let file): "after: \(comm) (tid \(tid)) still SPINNING in \(file)"
    case .afterInconclusive(let reasons):
      "after: cannot be decided (\(reasons.map(text).joined(separator: "; ")))"
    case .afterNothingInFaultPath:
      "after: no thread in the fault path at all, so the scenario may not have reproduced; nothing shows the fix at work"
    case .afterSettled(let comm, let tid, let seq, let file): "after: \(comm) (tid \(tid)) \(sequence(seq)) in \(file)"
    }
  }

  /// What keeps a task from ending after the fix.
  public static func text(_ kind: ResidualHangKind) -> String {
    switch kind {
    case .asleepInFaultPath(let fn, let line, let d):
      "asleep in the fault path (\(fn)) from line \(line) to the end of the capture"
        + (d.map { " (\(Format.duration($0)))" } ?? "") + ": the fault is never served"
    case .blockedInD(let frame, let d, let hung):
      "blocked in D" + (frame.map { " in \($0)" } ?? "")
        + (d.map { " for \(Format.duration($0)) up to the end of the capture" } ?? "")
        + (hung ? "; the hung-task detector reported it" : "")
    }
  }

  private static func seconds(_ ns: Int64) -> Double { Double(ns) / 1e9 }
  private static func percent(_ n: Int, _ of: Int) -> Double { of > 0 ? Double(n) * 100 / Double(of) : 0 }
  private static func retries(_ n: Int) -> String { n == 1 ? "retry" : "retries" }
  private static func retries(_ n: Int64) -> String { n == 1 ? "retry" : "retries" }
}
