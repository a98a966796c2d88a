import Foundation
import SampleMindValidation

/// A failure whose message is complete as it stands (it names the file and what to do).
struct CommandFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

enum StandardError {
    static func write(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}

enum StandardOutput {
    static func write(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }
}

/// Writes lines to a file through a buffer.
final class LineWriter {
    private let handle: FileHandle
    private var buffer = Data()
    private let path: String

    init(path: String) throws {
        self.path = path
        guard FileManager.default.createFile(atPath: path, contents: nil) else {
            throw CommandFailure("\(PrintableText.escaped(path)): cannot create the file; check the directory exists and is writable")
        }
        guard let handle = FileHandle(forWritingAtPath: path) else {
            throw CommandFailure("\(PrintableText.escaped(path)): cannot open the file for writing")
        }
        self.handle = handle
    }

    func write(_ line: String) {
        buffer.append(contentsOf: line.utf8)
        buffer.append(0x0A)
        if buffer.count > 1 << 20 { flush() }
    }

    private func flush() {
        handle.write(buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    func close() throws {
        flush()
        try handle.close()
    }
}
