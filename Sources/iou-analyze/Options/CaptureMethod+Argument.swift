import ArgumentParser
import TraceCapture

extension CaptureMethod: ExpressibleByArgument {}
