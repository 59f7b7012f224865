import Foundation
import Synchronization

/// Set by SIGINT, SIGTERM and SIGHUP (and by `--until-verdict`); capture loops poll it so that every
/// exit path runs the restore code.
public let stopRequested = Atomic<Bool>(false)

/// Which signal stopped the capture (0 when none).
public let stopSignal = Atomic<Int32>(0)

/// Installs handlers for SIGINT, SIGTERM and SIGHUP that only set ``stopRequested``.
public func installStopHandlers() {
  for sig in [SIGINT, SIGTERM, SIGHUP] {
    var action = sigaction()
    action.__sigaction_handler.sa_handler = { s in
      stopSignal.store(s, ordering: .relaxed)
      stopRequested.store(true, ordering: .relaxed)
    }
    sigemptyset(&action.sa_mask)
    action.sa_flags = 0  // no SA_RESTART: a blocked poll/read returns EINTR
    sigaction(sig, &action, nil)
  }
}
