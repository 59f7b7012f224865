/// Why a live capture cannot start or had to stop, in words a user can act on.
public struct CaptureError: Error, Sendable, CustomStringConvertible {
  /// The message, with the fix when there is one.
  public var message: String
  /// Creates an error.
  public init(_ message: String) { self.message = message }
  public var description: String { message }
}
