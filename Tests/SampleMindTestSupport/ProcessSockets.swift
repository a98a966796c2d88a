import Foundation

/// The sockets a running process holds, read from /proc (Linux).
public enum ProcessSockets {
    /// UDP sockets of process `pid`: its socket descriptors looked up in /proc/PID/net/udp and
    /// udp6 (which list the sockets of the process's own network namespace).
    public static func udpCount(of pid: Int32) throws -> Int {
        let fds = try FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd")
        let inodes = Set(fds.compactMap { fd -> String? in
            guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/fd/\(fd)"),
                  target.hasPrefix("socket:[") else { return nil }
            return String(target.dropFirst(8).dropLast())
        })
        var count = 0
        for table in ["udp", "udp6"] {
            let text = (try? String(contentsOfFile: "/proc/\(pid)/net/\(table)", encoding: .utf8)) ?? ""
            for line in text.split(separator: "\n").dropFirst() {
                let columns = line.split(separator: " ")
                if columns.count > 9, inodes.contains(String(columns[9])) { count += 1 }
            }
        }
        return count
    }
}
