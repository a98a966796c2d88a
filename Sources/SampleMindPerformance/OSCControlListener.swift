import Glibc
import SampleMindAnalysis
import SampleMindEngine
import SampleMindProtocol
import SampleMindRealtime
import Synchronization

/// Stage controls over OSC: `/samplemind/tap`, `/lock`, `/unlock`, `/downbeat`, `/meter N`,
/// `/reset` on a UDP port (loopback unless configured). Each is answered to its sender:
/// `/samplemind/ack COMMAND [VALUE]`, or `/samplemind/error COMMAND MESSAGE` when refused.
public final class OSCControlListener: @unchecked Sendable {
    /// Larger datagrams are refused (controls are a few dozen bytes).
    public static let maximumMessageBytes = 1_024
    static let prefix = "/samplemind/"

    private let socket: UDPSocket
    private let controls: ControlQueue
    private let worker = WorkerThread()
    public let accepted = Atomic<Int>(0)
    public let refused = Atomic<Int>(0)

    /// Binds now, so a port in use is an error at start-up.
    public init(host: String, port: Int, controls: ControlQueue) throws(OSCError) {
        switch UDPSocket.bound(host: host, port: port) {
        case .success(let socket): self.socket = socket
        case .failure(let error): throw error
        }
        self.controls = controls
    }

    /// The port listened on (useful with port 0).
    public var port: Int { socket.localPort }

    public func start() {
        worker.start { [self] in run() }
    }

    public func stop() {
        worker.stop()
    }

    private func run() {
        while !worker.isStopping {
            guard let datagram = socket.receive(limit: Self.maximumMessageBytes, timeout: 0.1) else { continue }
            let reply = answer(datagram.bytes, truncated: datagram.truncated)
            socket.send(reply, to: datagram.sender)
        }
    }

    /// The reply to one datagram. Only the listener thread calls it.
    func answer(_ bytes: [UInt8], truncated: Bool) -> [UInt8] {
        guard !truncated else {
            return refusal("?", "message longer than \(Self.maximumMessageBytes) bytes")
        }
        guard let (path, arguments) = OSCPacket.decode(bytes) else {
            return refusal("?", "not an OSC message (bundles are not taken here)")
        }
        guard path.hasPrefix(Self.prefix) else {
            return refusal(path, "unknown address; use \(StageControl.commandNames.map { Self.prefix + $0 }.joined(separator: ", "))")
        }
        let command = String(path.dropFirst(Self.prefix.count))
        guard arguments.count <= 1 else { return refusal(command, "takes at most one argument") }
        var value: Double?
        switch arguments.first {
        case .int(let number): value = Double(number)
        // Every Int64 has a nearest Double; the parser's checked conversion refuses those out of range.
        case .long(let number): value = Double(number)
        case .float(let number): value = Double(number)
        case .double(let number): value = number
        case .string: return refusal(command, "the argument must be a number")
        case nil: value = nil
        }
        let control: StageControl
        switch StageControl.parse(command: command, value: value) {
        case .success(let parsed): control = parsed
        case .failure(let error): return refusal(command, error.message)
        }
        switch controls.submit(control) {
        case .success:
            accepted.add(1, ordering: .relaxed)
            return OSCPacket.message(Self.prefix + "ack", [.string(control.name)] + (control.value.map { [.int(Int32($0))] } ?? []))
        case .failure(let error):
            return refusal(command, error.message)
        }
    }

    private func refusal(_ command: String, _ message: String) -> [UInt8] {
        refused.add(1, ordering: .relaxed)
        return OSCPacket.message(Self.prefix + "error", [.string(String(command.prefix(64))), .string(message)])
    }
}
