import Foundation

exit(EntryPoint.run(Array(CommandLine.arguments.dropFirst())))
