import SampleMindLog
import CWebSockets
import Foundation
import SampleMindRealtime

extension StreamServer {
    /// A connection was accepted: track it, and close the longest-idle ones if it would leave too
    /// few descriptors for the rest of the daemon. Network thread.
    func connectionOpened(_ wsi: OpaquePointer) {
        let now = MonotonicClock.seconds()
        let (victims, began) = connectionGuard.opened(Self.key(wsi), now: now, subscribers: sessions.count)
        if began {
            log(.warning, "too many connections at once: \(connectionGuard.capacity) would leave too few file descriptors "
                + "(limit \(connectionGuard.descriptorLimit)); closing the connections idle longest to make room. "
                + "If this is real traffic, raise LimitNOFILE (ulimit -n)")
        }
        close(victims)
    }

    /// Network thread, on every wake-up: closes connections idle too long.
    func closeIdleConnections(now: Double) {
        let (idle, ended) = connectionGuard.expired(now: now, subscribers: sessions.count)
        close(idle)
        if ended {
            log(.info, "connections back to normal; \(connectionGuard.closedForRoom) closed early to make room so far")
        }
    }

    private func close(_ keys: [Int]) {
        for key in keys {
            // The key is the handle's address, and a handle the guard still knew of is alive.
            guard let wsi = OpaquePointer(bitPattern: key) else { continue }
            lws_set_timeout(wsi, PENDING_TIMEOUT_USER_OK, LWS_TO_KILL_ASYNC)
        }
    }

    /// CONNECT (the only request libwebsockets hands over as a raw socket): answered 405 in plain
    /// bytes, then closed. Network thread.
    func refuseRawConnection(_ wsi: OpaquePointer) -> Int32 {
        let answer = "HTTP/1.1 405 Method Not Allowed\r\nallow: GET, HEAD\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
        _ = answer.utf8CString.withUnsafeBufferPointer {
            Glibc.send(lws_get_socket_fd(wsi), $0.baseAddress, $0.count - 1, Int32(MSG_NOSIGNAL | MSG_DONTWAIT))
        }
        connectionGuard.forget(Self.key(wsi))
        return -1
    }
}
