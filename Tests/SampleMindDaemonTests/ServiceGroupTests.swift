import Foundation
import Glibc
import SampleMindDaemon
import XCTest

/// A service with a real thread of its own, named so that /proc/self/task shows whether it runs.
private final class ThreadService: DaemonService, @unchecked Sendable {
    let name: String
    let role: ServiceRole
    private let fails: Bool
    private let journal: Journal
    private var thread: Thread?
    private let running = NSCondition()
    private var stopping = false
    private var started = false

    init(_ name: String, _ role: ServiceRole, journal: Journal, fails: Bool = false) {
        self.name = name
        self.role = role
        self.journal = journal
        self.fails = fails
    }

    func start() throws {
        journal.record("start \(name)")
        if fails { throw NSError(domain: "test", code: 1, userInfo: [NSLocalizedDescriptionKey: "\(name) cannot start"]) }
        let thread = Thread { [self] in
            Thread.current.name = "svc-\(name)"
            running.lock()
            started = true
            running.broadcast()
            while !stopping { running.wait() }
            running.unlock()
        }
        self.thread = thread
        thread.start()
        running.lock()
        while !started { running.wait() }
        running.unlock()
    }

    func stop() {
        journal.record("stop \(name)")
        running.lock()
        stopping = true
        running.broadcast()
        running.unlock()
        while thread?.isFinished == false { usleep(1_000) }
        usleep(20_000)  // the kernel task goes once the thread has returned
    }
}

private final class Journal: @unchecked Sendable {
    private let lock = NSLock()
    private var entries: [String] = []
    func record(_ entry: String) { lock.withLock { entries.append(entry) } }
    var all: [String] { lock.withLock { entries } }
}

/// The names of this process's threads, from /proc/self/task/*/comm.
private func threadNames() -> [String] {
    let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")) ?? []
    return tasks.compactMap { try? String(contentsOfFile: "/proc/self/task/\($0)/comm", encoding: .utf8) }
        .map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
}

final class ServiceGroupTests: XCTestCase {
    func testStart_whenALaterServiceFails_stopsEveryStartedServiceProducersFirstAndThrowsItsName() throws {
        let journal = Journal()
        let group = ServiceGroup([
            ThreadService("storage", .storage, journal: journal),
            ThreadService("osc", .output, journal: journal),
            ThreadService("engine", .engine, journal: journal),
            ThreadService("input", .input, journal: journal),
            ThreadService("server", .server, journal: journal, fails: true),
        ])
        XCTAssertThrowsError(try group.start()) { error in
            XCTAssertEqual((error as? ServiceStartError)?.service, "server")
            XCTAssertTrue("\(error)".contains("server cannot start"), "\(error)")
        }
        XCTAssertEqual(journal.all, ["start storage", "start osc", "start engine", "start input", "start server",
                                     "stop input", "stop engine", "stop osc", "stop storage"])
        let left = threadNames().filter { $0.hasPrefix("svc-") }
        XCTAssertEqual(left, [], "every service thread is gone from /proc/self/task")
    }

    func testStop_stopsProducersFirstThenConsumersThenTheServer() throws {
        let journal = Journal()
        let group = ServiceGroup([
            ThreadService("storage", .storage, journal: journal),
            ThreadService("osc", .output, journal: journal),
            ThreadService("mqtt", .output, journal: journal),
            ThreadService("engine", .engine, journal: journal),
            ThreadService("input", .input, journal: journal),
            ThreadService("server", .server, journal: journal),
        ])
        try group.start()
        XCTAssertEqual(threadNames().filter { $0.hasPrefix("svc-") }.count, 6, "each service runs a thread")
        group.stop()
        XCTAssertEqual(journal.all.filter { $0.hasPrefix("stop") },
                       ["stop input", "stop engine", "stop mqtt", "stop osc", "stop storage", "stop server"])
        XCTAssertEqual(threadNames().filter { $0.hasPrefix("svc-") }, [])
        group.stop()
        XCTAssertEqual(journal.all.filter { $0.hasPrefix("stop") }.count, 6, "stopping twice stops nothing twice")
    }

    func testStart_whenTheFirstServiceFails_stopsNothing() {
        let journal = Journal()
        let group = ServiceGroup([ThreadService("storage", .storage, journal: journal, fails: true),
                                  ThreadService("engine", .engine, journal: journal)])
        XCTAssertThrowsError(try group.start())
        XCTAssertEqual(journal.all, ["start storage"])
    }
}
