import Foundation
import Glibc

/// Two network namespaces joined by a veth pair, made by a test for anything that sends multicast
/// (WLED Audio Sync's default group, Ableton Link's discovery), so that no multicast ever leaves
/// on the host's own interfaces.
///
/// Each end has an IPv4 address on its own /24, `lo` up, `multicast on`, a route for 224.0.0.0/4
/// on the veth and IPv6 off. Names carry the test process's PID, so runs never share them;
/// namespaces left by an earlier run that died (same prefix) are deleted first. ``remove()``
/// deletes both, and the test calls it in a `defer`. Needs root (CAP_NET_ADMIN) and iproute2.
public final class NetworkNamespacePair {
    public static let prefix = "smsync-"
    public static let ip = "/usr/sbin/ip"

    public let first: String
    public let second: String
    /// The veth ends' addresses (without the /24), in the first and second namespace.
    public let firstAddress: String
    public let secondAddress: String
    public let firstDevice: String
    public let secondDevice: String

    /// `subnet` is the third octet of 10.77.x.0/24 (each test picks its own).
    public init(label: String, subnet: Int) throws {
        Self.removeStale()
        let tag = "\(getpid() % 100_000)"
        first = "\(Self.prefix)\(label)-a-\(tag)"
        second = "\(Self.prefix)\(label)-b-\(tag)"
        // Interface names are at most 15 bytes.
        firstDevice = "smv\(subnet)a\(tag)"
        secondDevice = "smv\(subnet)b\(tag)"
        firstAddress = "10.77.\(subnet).1"
        secondAddress = "10.77.\(subnet).2"
        do {
            try Self.run(["netns", "add", first])
            try Self.run(["netns", "add", second])
            for namespace in [first, second] {
                try Self.run(["netns", "exec", namespace, "sysctl", "-q", "-w", "net.ipv6.conf.all.disable_ipv6=1"])
                try Self.run(["-n", namespace, "link", "set", "lo", "up"])
            }
            try plug()
        } catch {
            remove()
            throw error
        }
    }

    /// Makes the veth pair between the namespaces, with its addresses and multicast routes.
    public func plug() throws {
        try Self.run(["link", "add", firstDevice, "netns", first, "type", "veth", "peer", "name", secondDevice, "netns", second])
        for (namespace, device, address) in [(first, firstDevice, firstAddress), (second, secondDevice, secondAddress)] {
            try Self.run(["-n", namespace, "addr", "add", "\(address)/24", "dev", device])
            try Self.run(["-n", namespace, "link", "set", device, "multicast", "on", "up"])
            try Self.run(["-n", namespace, "route", "add", "224.0.0.0/4", "dev", device])
        }
    }

    /// Deletes the veth pair, as when a network adapter is pulled out: both ends vanish.
    public func unplug() throws {
        try Self.run(["-n", first, "link", "delete", firstDevice])
    }

    /// Deletes both namespaces (the veth pair goes with them). Safe to call twice.
    public func remove() {
        for namespace in [first, second] { _ = try? Self.run(["netns", "delete", namespace]) }
    }

    /// Arguments that run `command` inside `namespace` (`ip netns exec NAME …`, which execs the
    /// command, so the child's PID is the command's).
    public func exec(in namespace: String, _ command: [String]) -> (String, [String]) {
        (Self.ip, ["netns", "exec", namespace] + command)
    }

    /// Throws unless process `pid`, once it runs `executable`, is in `namespace`: its
    /// /proc/PID/ns/net is the inode that /run/netns/NAME names. `ip netns exec` enters the
    /// namespace and then execs the command in the same process, so the check waits for the exec
    /// (until then the process is `ip` itself, still in the host's namespace). Tests call it
    /// before trusting anything a child sends, and kill the child when it throws.
    public func verify(pid: Int32, isIn namespace: String, running executable: String, timeout: Double = 5) throws {
        let target = URL(fileURLWithPath: executable).resolvingSymlinksInPath().path
        let deadline = Date().addingTimeInterval(timeout)
        while (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/exe")) != target {
            guard Date() < deadline else {
                throw NetworkNamespaceError("process \(pid) did not start \(executable) within \(timeout) s (ip netns exec failed?)")
            }
            usleep(5_000)
        }
        var process = stat(), named = stat()
        guard stat("/proc/\(pid)/ns/net", &process) == 0, stat("/run/netns/\(namespace)", &named) == 0 else {
            throw NetworkNamespaceError("cannot read the network namespace of process \(pid) or of \(namespace): \(String(cString: strerror(errno)))")
        }
        var host = stat()
        guard stat("/proc/self/ns/net", &host) == 0, process.st_ino != host.st_ino else {
            throw NetworkNamespaceError("process \(pid) runs in the host's network namespace (inode \(host.st_ino)), not in \(namespace) (inode \(named.st_ino)); stopping before it sends anything")
        }
        guard process.st_ino == named.st_ino, process.st_dev == named.st_dev else {
            throw NetworkNamespaceError("process \(pid) is not in network namespace \(namespace)")
        }
    }

    private static func removeStale() {
        guard let list = try? run(["netns", "list"]) else { return }
        for line in list.split(separator: "\n") {
            let name = String(line.split(separator: " ").first ?? "")
            if name.hasPrefix(prefix) { _ = try? run(["netns", "delete", name]) }
        }
    }

    @discardableResult
    private static func run(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: ip)
        process.arguments = arguments
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw NetworkNamespaceError("ip \(arguments.joined(separator: " ")) failed: \(message) (tests that send multicast need root and iproute2)")
        }
        return text
    }
}

/// Setting up or checking a test's network namespaces failed.
public struct NetworkNamespaceError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
