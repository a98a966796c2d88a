import SampleMindOutputs
import Glibc
import SampleMindAnalysis
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

    /// A refused datagram: the command it named ("?" when none) and why.
    public struct Refusal: Error, Equatable, Sendable {
        public let command: String
        public let message: String
    }

    /// The stage control one datagram asks for, or why it is refused. Pure and total: any bytes
    /// give a control or a refusal (fuzzed, see Fuzz/).
    public static func parse(_ bytes: [UInt8], truncated: Bool) -> Result<StageControl, Refusal> {
        guard !truncated else {
            return .failure(Refusal(command: "?", message: "message longer than \(maximumMessageBytes) bytes"))
        }
        guard let (path, arguments) = OSCPacket.decode(bytes) else {
            return .failure(Refusal(command: "?", message: "not an OSC message (bundles are not taken here)"))
        }
        guard path.hasPrefix(prefix) else {
            return .failure(Refusal(command: path, message: "unknown address; use \(StageControl.commandNames.map { prefix + $0 }.joined(separator: ", "))"))
        }
        let command = String(path.dropFirst(prefix.count))
        guard arguments.count <= 1 else { return .failure(Refusal(command: command, message: "takes at most one argument")) }
        var value: Double?
        switch arguments.first {
        case .int(let number): value = Double(number)
        // Every Int64 has a nearest Double; the parser's checked conversion refuses those out of range.
        case .long(let number): value = Double(number)
        case .float(let number): value = Double(number)
        case .double(let number): value = number
        case .string: return .failure(Refusal(command: command, message: "the argument must be a number"))
        case nil: value = nil
        }
        return StageControl.parse(command: command, value: value).mapError { Refusal(command: command, message: $0.message) }
    }

    /// The reply to one datagram. Only the listener thread calls it.
    func answer(_ bytes: [UInt8], truncated: Bool) -> [UInt8] {
        let control: StageControl
        switch Self.parse(bytes, truncated: truncated) {
        case .success(let parsed): control = parsed
        case .failure(let refused): return refusal(refused.command, refused.message)
        }
        switch controls.submit(control) {
        case .success:
            accepted.add(1, ordering: .relaxed)
            return OSCPacket.message(Self.prefix + "ack", [.string(control.name)] + (control.value.map { [.int(Int32(clamping: $0))] } ?? []))
        case .failure(let error):
            return refusal(control.name, error.message)
        }
    }

    private func refusal(_ command: String, _ message: String) -> [UInt8] {
        refused.add(1, ordering: .relaxed)
        return OSCPacket.message(Self.prefix + "error", [.string(String(command.prefix(64))), .string(message)])
    }
}
