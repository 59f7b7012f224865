/// A growable list of trivial values in raw memory that its owner frees with ``free()``: appending
/// costs no uniqueness check (as an array's does), which counts when a chunk appends a value per line.
struct RawList<Element> {
  private var storage: UnsafeMutablePointer<Element>
  private var capacity: Int
  /// Number of values.
  private(set) var count = 0

  /// An empty list with room for `capacity` values.
  init(capacity: Int) {
    self.capacity = max(capacity, 1)
    storage = .allocate(capacity: self.capacity)
  }

  /// The values, valid until the next append or ``free()``.
  var values: UnsafeBufferPointer<Element> { UnsafeBufferPointer(start: storage, count: count) }

  /// The value at `i` (0 ≤ i < count; not checked).
  @inline(__always) subscript(i: Int) -> Element { storage[i] }

  /// Adds `value` at the end.
  @inline(__always) mutating func append(_ value: Element) {
    if count == capacity {
      let bigger = UnsafeMutablePointer<Element>.allocate(capacity: capacity * 2)
      bigger.moveInitialize(from: storage, count: count)
      storage.deallocate()
      storage = bigger
      capacity *= 2
    }
    (storage + count).initialize(to: value)
    count &+= 1
  }

  /// Removes the values, keeping the memory for new ones.
  mutating func removeAll() { count = 0 }

  /// Frees the memory (the list must not be used after).
  func free() { storage.deallocate() }
}
