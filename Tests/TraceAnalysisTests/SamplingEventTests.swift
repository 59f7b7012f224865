import Foundation
import Testing
import TraceParse

@testable import TraceAnalysis

/// The CPU share of sampled threads comes from the sample periods and CPUs, whatever the sampled
/// event: `cycles` (perf's default with a PMU) decides like `cpu-clock`, and a worker that is
/// seldom on a CPU is evidence against a spin. The captures are the real perf captures of the
/// vanilla and the fixed kernel, edited as each test says (``PerfCaptureEdit``).
@Suite struct SamplingEventTests {
  static let vanilla = Fixtures.path("shared-traces/vanilla-6.12.117/threadexit/perf.txt")
  static let fixed = Fixtures.path("shared-traces/fix-fail-fault/threadexit/perf.txt")

  static func run(_ edit: PerfCaptureEdit, _ configure: (inout AnalysisOptions) -> Void = { _ in }) throws
    -> RunAnalysis
  {
    try analyze(Fixtures.temporary(edit.lines), configure)
  }

  static func share(_ v: ThreadVerdict) -> (Double, CPUShareMethod)? {
    for e in v.evidence { if case .cpuShareFromSamples(let p, let m) = e { return (p, m) } }
    return nil
  }

  @Test func theEditKeepsTheCapture() throws {
    // Printed again without an edit, the capture gives the verdict and share of the original.
    let original = try #require(try analyze(Self.vanilla).thread(93))
    let again = try #require(try Self.run(PerfCaptureEdit(Self.vanilla)).thread(93))
    #expect(again.verdict == original.verdict && again.evidence == original.evidence)
  }

  @Test(arguments: ["cycles", "cycles:ppp", "instructions", "r003c"])
  func aSpinningWorkerSampledOnAnyEventSpins(_ event: String) throws {
    // Edit: every sample's event relabelled.
    var edit = PerfCaptureEdit(Self.vanilla)
    edit.relabel(event)
    let run = try Self.run(edit)
    #expect(run.verdict == .spinning && run.exitCode == 1)
    let w = try #require(run.thread(93))
    #expect(w.verdict == .spinning)
    let (p, method) = try #require(Self.share(w))
    #expect(method == .periodsOfBusiestCPU(cpu: 0, threadPeriods: 142 * 1_001_001, cpuPeriods: 143 * 1_001_001))
    #expect(abs(p - 100 * 142 / 143) < 1e-9)
  }

  @Test func frequencyModePeriodsInCyclesGiveTheSameShare() throws {
    // Edit: relabelled `cycles`, each period turned into cycles at 2.4 GHz and varied by ±10%
    // in turn, as `-F` frequency mode varies them.
    var edit = PerfCaptureEdit(Self.vanilla)
    edit.relabel("cycles")
    for i in edit.samples.indices {
      edit.samples[i].period = edit.samples[i].period * 24 / 10 * (i % 2 == 0 ? 11 : 9) / 10
    }
    let w = try #require(try Self.run(edit).thread(93))
    #expect(w.verdict == .spinning)
    let (p, _) = try #require(Self.share(w))
    #expect(p > 95 && p <= 100)
  }

  /// The fixed kernel's capture (no worker sample) with two idle samples of CPU 1 replaced by the
  /// vanilla worker's two samples in handle_userfault (its comm, tid and frames; the idle
  /// samples' CPU, time and period), every event relabelled `cycles`: a worker that waits in the
  /// fault path and is sampled 2 times in ~190 samples of its CPU.
  static func sleepingWorker() -> PerfCaptureEdit {
    let worker = PerfCaptureEdit(vanilla).samples.filter { $0.comm == "iou-wrk-92" }.prefix(2)
    var edit = PerfCaptureEdit(fixed)
    let idle = edit.samples.indices.filter { edit.samples[$0].comm == "swapper" && edit.samples[$0].cpu == 1 }
    for (slot, w) in zip(idle.suffix(40).prefix(2), worker) {
      edit.samples[slot].comm = w.comm
      edit.samples[slot].tid = w.tid
      edit.samples[slot].frames = w.frames
    }
    edit.relabel("cycles")
    return edit
  }

  @Test func aWorkerSeldomOnACPUSleepsInTheFaultPath() throws {
    let edit = Self.sleepingWorker()
    #expect(edit.samples.count >= 370 && edit.samples.filter { $0.comm == "iou-wrk-92" }.count == 2)
    let run = try Self.run(edit)
    let w = try #require(run.thread(93))
    #expect(w.verdict == .sleeping)
    #expect(run.verdict != .inconclusive && run.exitCode == 0)
    let (p, method) = try #require(Self.share(w))
    guard case .periodsOfBusiestCPU(1, let mine, let cpu) = method else {
      Issue.record("share of \(method)")
      return
    }
    #expect(mine == 2 * 1_001_001 && p == 100 * Double(mine) / Double(cpu) && p < 2)
    #expect(w.evidence.contains(.mostlyOffCPU(cpuSharePercent: p, maxPercent: 20)))
  }

  @Test func theCPUNumbersDoNotMatter() throws {
    // Edit: the sleeping-worker capture with CPUs 0 and 1 swapped in every sample header: CPU 0 is
    // then the busiest, and the worker's samples are on the other CPU.
    var swapped = Self.sleepingWorker()
    for i in swapped.samples.indices { swapped.samples[i].cpu = 1 - swapped.samples[i].cpu }
    let original = try #require(try Self.run(Self.sleepingWorker()).thread(93))
    let w = try #require(try Self.run(swapped).thread(93))
    #expect(w.verdict == .sleeping && w.verdict == original.verdict)
    let (p, method) = try #require(Self.share(w))
    guard case .periodsOfBusiestCPU(0, _, _) = method else {
      Issue.record("share of \(method)")
      return
    }
    #expect(p == Self.share(original)?.0)
  }

  @Test func theAsleepShareIsABoundary() throws {
    // The same capture with the limit just above and just below the worker's share (~1.06%).
    let edit = Self.sleepingWorker()
    let above = try #require(try Self.run(edit) { $0.thresholds.maxAsleepShare = 0.0107 }.thread(93))
    #expect(above.verdict == .sleeping)
    let below = try #require(try Self.run(edit) { $0.thresholds.maxAsleepShare = 0.0106 }.thread(93))
    #expect(below.verdict == .inconclusive)  // then only 2 fault-path samples: too few to decide
    #expect(below.caveats.contains(.tooFewFaultSamples(samples: 2, needed: 5)))
  }

  @Test func aWorkerSampledOnlyOutsideTheFaultPathIsNotInFault() throws {
    // Edit as sleepingWorker, but both worker samples cut above the fault (the frames outside
    // asm_exc_page_fault: the copy in io_write, the io-wq loop): no sample is in the fault path.
    var edit = Self.sleepingWorker()
    for i in edit.samples.indices where edit.samples[i].comm == "iou-wrk-92" {
      let f = edit.samples[i].frames
      let fault = try #require(f.firstIndex { $0.contains(" asm_exc_page_fault+") })
      edit.samples[i].frames = Array(f[(fault + 1)...])
    }
    let w = try #require(try Self.run(edit).thread(93))
    #expect(w.verdict == .notInFault && w.evidence.contains(.noFaultPath))
  }

  @Test func aLowShareOutsideTheRetryFunctionIsNoFault() throws {
    // Edit as sleepingWorker, but both worker samples cut below handle_userfault (the frames
    // from hugetlb_fault outwards): ordinary faults, no wait in the retry function.
    var edit = Self.sleepingWorker()
    for i in edit.samples.indices where edit.samples[i].comm == "iou-wrk-92" {
      edit.samples[i].frames = Array(edit.samples[i].frames.drop { !$0.contains(" hugetlb_fault+") })
    }
    let w = try #require(try Self.run(edit).thread(93))
    #expect(w.verdict == .notInFault)
    #expect(!w.evidence.contains(.noFaultPath))
  }

  @Test func aHeaderEndingInTheTimeIsStillPerfScript() throws {
    // `perf script -F comm,tid,cpu,time,ip,sym,dso`: the header ends with the time's `: ` (edit: no
    // period and no event column); the worker's samples are still read, without a CPU share.
    var edit = PerfCaptureEdit(Self.vanilla)
    edit.printPeriod = false
    edit.printEvent = false
    let run = try Self.run(edit)
    #expect(run.files[0].format == "perf-script")
    let w = try #require(run.thread(93))
    #expect(w.verdict == .inconclusive && w.caveats.contains(.noCPUShareFromSamples(reason: .noPeriods)))
  }

  @Test func withoutPeriodsOrCPUsTheShareIsUnknownAndSaysWhy() throws {
    var noPeriod = PerfCaptureEdit(Self.vanilla)
    noPeriod.relabel("cycles")
    noPeriod.printPeriod = false
    let a = try #require(try Self.run(noPeriod).thread(93))
    #expect(a.verdict == .inconclusive && a.caveats.contains(.noCPUShareFromSamples(reason: .noPeriods)))
    var noCPU = PerfCaptureEdit(Self.vanilla)
    noCPU.printCPU = false
    let b = try #require(try Self.run(noCPU).thread(93))
    #expect(b.verdict == .inconclusive && b.caveats.contains(.noCPUShareFromSamples(reason: .noCPUColumn)))
  }

  @Test func aBusyShareJustBelowTheLimitIsNotASpin() throws {
    // The vanilla worker at 99.3% of CPU 0, with the busy limit just above and just below.
    let edit = PerfCaptureEdit(Self.vanilla)
    let share = 142.0 / 143.0
    let spin = try #require(try Self.run(edit) { $0.thresholds.minBusyShare = share - 1e-6 }.thread(93))
    #expect(spin.verdict == .spinning)
    let not = try #require(try Self.run(edit) { $0.thresholds.minBusyShare = share + 1e-6 }.thread(93))
    #expect(not.verdict == .inconclusive && not.caveats.contains { if case .notBusy = $0 { true } else { false } })
  }

  @Test func samplesWithoutATimeColumnCiteTheirFirstAndLastLine() throws {
    // Edit: the capture printed without its time column (`perf script -F` without `time`).
    let lines = PerfCaptureEdit(Self.vanilla).lines.map { l -> String in
      guard !l.hasPrefix("\t"), !l.hasPrefix("#"), let colon = l.range(of: ": ") else { return l }
      return String(l[..<l.index(colon.lowerBound, offsetBy: -12)]) + String(l[colon.upperBound...])
    }
    #expect(lines[1] == "iou-wrk-92      93 [000]    1001001 cpu-clock: ")
    let w = try #require(try analyze(Fixtures.temporary(lines)).thread(93))
    #expect(w.verdict == .spinning)
    let cited = w.evidence.compactMap { e -> LineRange? in
      if case .faultSamples(142, 142, 85, let r) = e { r } else { nil }
    }
    #expect(cited.first?.first == 2 && cited.first?.last == 3979)
  }
}
