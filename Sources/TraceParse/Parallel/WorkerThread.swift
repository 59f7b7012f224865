#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A POSIX thread running one closure; ``join()`` waits for it.
final class WorkerThread {
  private final class Body {
    let run: @Sendable () -> Void
    init(_ run: @escaping @Sendable () -> Void) { self.run = run }
  }

  #if canImport(Glibc)
    private var thread = pthread_t()
  #else
    private var thread: pthread_t?
  #endif
  private var started = false

  /// Starts `body` on a new thread (or runs nothing when the thread cannot be created).
  init(_ body: @escaping @Sendable () -> Void) {
    let box = Unmanaged.passRetained(Body(body)).toOpaque()
    let rc = pthread_create(
      &thread, nil,
      { raw in
        let b = Unmanaged<Body>.fromOpaque(raw!).takeRetainedValue()
        b.run()
        return nil
      }, box)
    if rc == 0 {
      started = true
    } else {
      Unmanaged<Body>.fromOpaque(box).release()
    }
  }

  /// True when the thread runs.
  var isRunning: Bool { started }

  /// Waits until the closure returned.
  func join() {
    guard started else { return }
    #if canImport(Glibc)
      pthread_join(thread, nil)
    #else
      pthread_join(thread!, nil)
    #endif
    started = false
  }
}

/// A mutex with one condition variable.
final class Monitor: @unchecked Sendable {
  private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
  private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)

  init() {
    pthread_mutex_init(mutex, nil)
    pthread_cond_init(condition, nil)
  }

  deinit {
    pthread_cond_destroy(condition)
    pthread_mutex_destroy(mutex)
    mutex.deallocate()
    condition.deallocate()
  }

  /// Runs `body` holding the mutex.
  func locked<R>(_ body: () -> R) -> R {
    pthread_mutex_lock(mutex)
    defer { pthread_mutex_unlock(mutex) }
    return body()
  }

  /// Waits for a signal (call inside ``locked(_:)``).
  func wait() { pthread_cond_wait(condition, mutex) }

  /// Wakes every waiter.
  func broadcast() { pthread_cond_broadcast(condition) }
}
