import Foundation
import SampleMindAnalysis
import SampleMindMQTT
import SampleMindProtocol
import SampleMindStorage
import SampleMindStreaming
import SampleMindValidation
import Synchronization

/// GET /v1/sessions, /v1/segments (filters, cursor; `room` for a collector's database) and
/// /v1/segments/{id}, read through a connection of its own. Every filter is checked and bound;
/// anything malformed is a 400 with the reason. Network thread.
public final class SegmentAPI: HTTPAPI, @unchecked Sendable {
    static let maximumLimit = 500
    let path: String
    private var store: SegmentStore?
    private let index = SimilarityIndex()
    /// The network thread answers; a start-up thread loads the similarity index meanwhile.
    private let access = Mutex<Void>(())

    init(databasePath: String) { path = databasePath }

    /// Loads the similarity index ahead of the first query (0.13 s at 100,000 segments), off the
    /// network thread. Any thread.
    func warmUp() {
        access.withLock { _ in
            guard let store = try? openStore() else { return }
            try? index.refresh(from: store)
        }
    }

    public func answer(path requested: String, query: [String: String]) -> (status: UInt32, json: String)? {
        access.withLock { _ in respond(path: requested, query: query) }
    }

    private func respond(path requested: String, query: [String: String]) -> (status: UInt32, json: String)? {
        let parts = requested.split(separator: "/").map(String.init)
        guard parts.count >= 2, parts[0] == "v1", parts[1] == "sessions" || parts[1] == "segments" else { return nil }
        do {
            let store = try openStore()
            switch (parts[1], parts.count) {
            case ("sessions", 2):
                let limit = try integer(query["limit"], name: "limit", range: 1...Self.maximumLimit) ?? 100
                return (200, "{\"sessions\":[" + (try store.sessions(limit: limit).map(Self.json).joined(separator: ",")) + "]}")
            case ("segments", 2):
                return try list(store, query: query)
            case ("segments", 3):
                guard let id = CheckedNumber.wholeNumber(parsing: parts[2], in: 1...Int.max).map(Int64.init) else {
                    throw Refusal("the segment id must be a positive whole number")
                }
                var filter = SegmentStore.Filter()
                filter.id = id
                guard let segment = try store.segments(filter, limit: 1).first else {
                    return (404, "{\"error\":\"not_found\",\"message\":\"no segment \(id)\"}")
                }
                return (200, SegmentJSON.encode(segment, detail: true))
            case ("segments", 4) where parts[3] == "similar":
                guard let id = CheckedNumber.wholeNumber(parsing: parts[2], in: 1...Int.max).map(Int64.init) else {
                    throw Refusal("the segment id must be a positive whole number")
                }
                let k = try integer(query["k"], name: "k", range: 1...100) ?? 10
                try index.refresh(from: store)
                guard let found = index.nearest(to: id, k: k) else {
                    return (404, "{\"error\":\"not_found\",\"message\":\"no segment \(id)\"}")
                }
                let items = found.map { "{\"id\":\($0.id),\"distance\":\(JSONText.rounded(Double($0.distance), 4))}" }
                return (200, "{\"segment\":\(id),\"similar\":[" + items.joined(separator: ",") + "]}")
            default:
                return nil
            }
        } catch let refusal as Refusal {
            return (400, "{\"error\":\"bad_request\",\"message\":\(JSONText.quoted(refusal.message))}")
        } catch {
            return (503, "{\"error\":\"storage_unavailable\",\"message\":\(JSONText.quoted("\(error)"))}")
        }
    }

    struct Refusal: Error { let message: String; init(_ message: String) { self.message = message } }

    private func openStore() throws -> SegmentStore {
        if let store { return store }
        let opened = try SegmentStore(readingFrom: path)
        store = opened
        return opened
    }

    private func list(_ store: SegmentStore, query: [String: String]) throws -> (status: UInt32, json: String) {
        var filter = SegmentStore.Filter()
        filter.session = try integer(query["session"], name: "session", range: 1...Int.max).map(Int64.init)
        filter.from = try number(query["from"], name: "from", range: 0...1e11)
        filter.to = try number(query["to"], name: "to", range: 0...1e11)
        filter.tempoMinimum = try number(query["tempo_min"], name: "tempo_min", range: 1...1_000)
        filter.tempoMaximum = try number(query["tempo_max"], name: "tempo_max", range: 1...1_000)
        if let key = query["key"] {
            guard let parsed = MusicalKey(key) else { throw Refusal("key must look like \"C# minor\" or \"Eb major\"") }
            filter.key = parsed.description
        }
        if let room = query["room"] {
            guard case .success = MQTTTopics.make(room: room) else {
                throw Refusal("room must be a room name as in MQTT topics: 1 to 200 bytes without '/', '+', '#' or control characters")
            }
            filter.room = room
        }
        let limit = try integer(query["limit"], name: "limit", range: 1...Self.maximumLimit) ?? 100
        var after: Int64 = 0
        if let cursor = query["cursor"] {
            guard cursor.hasPrefix("s"), let id = CheckedNumber.wholeNumber(parsing: cursor.dropFirst(), in: 0...Int.max).map(Int64.init) else {
                throw Refusal("cursor is malformed; pass back the next_cursor of the previous page")
            }
            after = id
        }
        let found = try store.segments(filter, after: after, limit: limit)
        let next = found.count == limit ? found.last.map { "\"s\($0.id)\"" } ?? "null" : "null"
        return (200, "{\"segments\":[" + found.map { SegmentJSON.encode($0, detail: false) }.joined(separator: ",") + "],\"next_cursor\":\(next)}")
    }

    private func integer(_ text: String?, name: String, range: ClosedRange<Int>) throws -> Int? {
        guard let text else { return nil }
        guard let value = CheckedNumber.wholeNumber(parsing: text, in: range) else {
            throw Refusal("\(name) must be a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return value
    }

    private func number(_ text: String?, name: String, range: ClosedRange<Double>) throws -> Double? {
        guard let text else { return nil }
        guard let value = CheckedNumber.number(parsing: text, in: range) else {
            throw Refusal("\(name) must be a number from \(range.lowerBound) to \(range.upperBound)")
        }
        return value
    }

    static func json(_ session: SegmentStore.Session) -> String {
        "{\"id\":\(session.id),\"started_wall\":\(JSONText.rounded(session.startedWallClock, 3)),\"input\":\(JSONText.quoted(session.input))}"
    }
}
