import Foundation
import Glibc

/// What /proc/PID/stat says of a process: its parent and the CPU time it has used (user + system).
struct ProcessStat {
    var parent: Int32
    var cpuSeconds: Double

    init?(pid: Int32) {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return nil }
        // After the command name in parentheses: state, ppid, …, utime (14th field), stime (15th).
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 12, let parent = Int32(fields[1]) else { return nil }
        self.parent = parent
        cpuSeconds = ((Double(fields[11]) ?? 0) + (Double(fields[12]) ?? 0)) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }
}
