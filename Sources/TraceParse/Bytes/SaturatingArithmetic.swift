/// Arithmetic on numbers that came from the input: a crafted or corrupt file may hold any value,
/// so sums and differences of parsed timestamps and durations saturate at the bounds of `Int64`
/// instead of trapping. A saturated value is absurd but harmless; the parsers warn about the numbers
/// that produce one.
extension Int64 {
  /// `self + other`, clamped to `Int64.min...Int64.max`.
  @inlinable public func addingSaturated(_ other: Int64) -> Int64 {
    let (r, o) = addingReportingOverflow(other)
    return o ? (other > 0 ? .max : .min) : r
  }

  /// `self - other`, clamped to `Int64.min...Int64.max`.
  @inlinable public func subtractingSaturated(_ other: Int64) -> Int64 {
    let (r, o) = subtractingReportingOverflow(other)
    return o ? (other < 0 ? .max : .min) : r
  }
}
