import Glibc

/// A non-blocking UDP socket. Connected to one peer (a send target: the kernel then reports an
/// unreachable or refusing target on later sends) or bound to a local address (a listener; the
/// tests' and benchmark's OSC receivers are such listeners too).
public final class UDPSocket: Sendable {
    let descriptor: Int32

    private init(descriptor: Int32) { self.descriptor = descriptor }

    deinit { close(descriptor) }

    /// A socket whose sends go to `peer`.
    static func connected(to peer: SocketAddress) -> Result<UDPSocket, OSCError> {
        let fd = socket(peer.family, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return .failure(OSCError("cannot open a UDP socket: \(String(cString: strerror(errno)))")) }
        let socket = UDPSocket(descriptor: fd)
        guard peer.withSockaddr({ connect(fd, $0, $1) }) == 0 else {
            return .failure(OSCError("cannot address \(peer.text): \(String(cString: strerror(errno)))"))
        }
        return .success(socket)
    }

    /// How many routers multicast packets may cross (1: the local network only). Unicast
    /// sockets ignore it.
    func setMulticastHops(_ hops: Int32, family: Int32) {
        var value = hops
        let size = socklen_t(MemoryLayout<Int32>.size)
        if family == AF_INET6 {
            _ = setsockopt(descriptor, Int32(IPPROTO_IPV6), IPV6_MULTICAST_HOPS, &value, size)
        } else {
            _ = setsockopt(descriptor, Int32(IPPROTO_IP), IP_MULTICAST_TTL, &value, size)
        }
    }

    /// A socket that receives on `host:port` (port 0 picks a free one).
    public static func bound(host: String, port: Int) -> Result<UDPSocket, OSCError> {
        let address: SocketAddress
        switch SocketAddress.resolve(host: host, port: port, passive: true) {
        case .success(let resolved): address = resolved
        case .failure(let error): return .failure(OSCError("cannot listen for OSC on \(host): \(error.description)"))
        }
        let fd = socket(address.family, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return .failure(OSCError("cannot open a UDP socket: \(String(cString: strerror(errno)))")) }
        let socket = UDPSocket(descriptor: fd)
        guard address.withSockaddr({ bind(fd, $0, $1) }) == 0 else {
            return .failure(OSCError("cannot listen for OSC on \(address.text): \(String(cString: strerror(errno))); choose another osc.listen_port"))
        }
        return .success(socket)
    }

    /// Sends one datagram without waiting; errno's value when it failed (EAGAIN: the socket's
    /// buffer is full; ECONNREFUSED: nobody listens there; EHOSTUNREACH, ENETUNREACH: gone).
    func send(_ bytes: [UInt8]) -> Int32? {
        let sent = bytes.withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT | MSG_NOSIGNAL)) }
        return sent == bytes.count ? nil : errno
    }

    /// Sends a reply to `peer` (listener sockets).
    public func send(_ bytes: [UInt8], to peer: SocketAddress) {
        _ = peer.withSockaddr { address, length in
            bytes.withUnsafeBytes { sendto(descriptor, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT | MSG_NOSIGNAL), address, length) }
        }
    }

    /// The next datagram (at most `limit` bytes; longer ones are marked truncated) and its sender,
    /// waiting up to `timeout` seconds.
    public func receive(limit: Int, timeout: Double) -> (bytes: [UInt8], truncated: Bool, sender: SocketAddress)? {
        var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        guard poll(&poller, 1, Int32(timeout * 1000)) > 0 else { return nil }
        var buffer = [UInt8](repeating: 0, count: limit)
        var sender = SocketAddress()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let got = withUnsafeMutablePointer(to: &sender.storage) { storage in
            storage.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                recvfrom(descriptor, &buffer, limit, Int32(MSG_TRUNC), $0, &length)
            }
        }
        guard got >= 0 else { return nil }
        sender.length = length
        return (Array(buffer.prefix(min(got, limit))), got > limit, sender)
    }

    /// The local port (after binding to port 0).
    public var localPort: Int {
        var address = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) } }
        let family = Int32(address.ss_family)
        return withUnsafePointer(to: &address) { pointer -> Int in
            if family == AF_INET6 {
                return pointer.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { Int(UInt16(bigEndian: $0.pointee.sin6_port)) }
            }
            return pointer.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { Int(UInt16(bigEndian: $0.pointee.sin_port)) }
        }
    }
}
