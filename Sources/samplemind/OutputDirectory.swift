import Foundation
import SampleMindValidation

/// The directory a command writes one result per input file into (`analyze --output`, `features`).
enum OutputDirectory {
    /// Creates `path` (with its parents) unless it is a directory already.
    static func create(_ path: String) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else {
                throw CommandFailure("\(PrintableText.escaped(path)): --output must be a directory, but a file of that name exists")
            }
            return
        }
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw CommandFailure("\(PrintableText.escaped(path)): cannot create the output directory (\(error.localizedDescription))")
        }
    }

    /// The name `file`'s results are written under (its name without extension), refused when an
    /// earlier input of this run already claimed it.
    static func claim(name file: String, in claimedNames: inout [String: String]) throws -> String {
        let name = URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent
        if let earlier = claimedNames[name] {
            throw CommandFailure("\(PrintableText.escaped(file)): its result would overwrite that of \(PrintableText.escaped(earlier)) (both are named '\(PrintableText.escaped(name))'); give them in separate runs or rename one")
        }
        claimedNames[name] = file
        return name
    }
}
