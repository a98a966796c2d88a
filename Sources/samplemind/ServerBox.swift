import SampleMindStreaming
import Synchronization

/// Lets the engine's notify closure (made before the server exists) reach the server once it
/// does. Set once during set-up, before the engine starts; read on the analysis thread.
final class ServerBox: @unchecked Sendable {
    var server: StreamServer?
}
