import Foundation
import TraceDat

TraceDatWorker.runIfRequested()  // the trace.dat helper process (libtracecmd isolated) stops here
exit(EntryPoint.run(Array(CommandLine.arguments.dropFirst())))
