import SampleMindStreaming

/// Lets closures made before the server exists (the engine's notify closure, storage's segment
/// announcements) reach it once it does. Set once during set-up, before the engine starts; read
/// on the analysis and storage threads. Weak, so that the server — which reads the engine and
/// storage for its status — and they do not keep each other alive: when the daemon lets go of
/// its services, the database closes and its journal is removed.
final class ServerBox: @unchecked Sendable {
    weak var server: StreamServer?
}
