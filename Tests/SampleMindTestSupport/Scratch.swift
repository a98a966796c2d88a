import Foundation

/// A fresh temporary directory, removed by the caller with ``remove()``.
public struct ScratchDirectory {
    public let path: String

    public init(_ label: String = "samplemind-test") throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(label)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        path = url.path
    }

    public func file(_ name: String) -> String { "\(path)/\(name)" }

    public func remove() { try? FileManager.default.removeItem(atPath: path) }
}
