/// Starts services in the order given (their dependency order) and stops them producers first
/// (by ``ServiceRole``; services of one role in the reverse of their start order). When a start
/// fails, every service already started is stopped the same way before the error is thrown, so
/// a daemon that cannot start leaves no thread running and no file half written.
///
/// Not thread safe: the control thread owns it.
public final class ServiceGroup {
    public private(set) var services: [any DaemonService]
    private var started: [any DaemonService] = []

    public init(_ services: [any DaemonService] = []) {
        self.services = services
    }

    /// Adds a service after the ones already given; before ``start()`` only.
    public func add(_ service: any DaemonService) {
        precondition(started.isEmpty, "services are added before the group starts")
        services.append(service)
    }

    /// Starts every service in order; on the first failure stops those already started and throws
    /// ``ServiceStartError`` naming the service.
    public func start() throws(ServiceStartError) {
        for service in services {
            do {
                try service.start()
            } catch {
                stop()
                throw ServiceStartError(service: service.name, underlying: error)
            }
            started.append(service)
        }
    }

    /// Stops every started service, producers first. Calling it again does nothing.
    public func stop() {
        for service in Self.stopOrder(started) { service.stop() }
        started.removeAll()
    }

    /// `services` in the order they stop: by role, and within a role the last started first.
    public static func stopOrder(_ services: [any DaemonService]) -> [any DaemonService] {
        services.enumerated()
            .sorted { ($0.element.role, -$0.offset) < ($1.element.role, -$1.offset) }
            .map(\.element)
    }
}
