import ArgumentParser
import TraceParse

/// `--format ftrace|perf-script|...`: the names users type are the raw values.
extension TraceFormat: ExpressibleByArgument {}
