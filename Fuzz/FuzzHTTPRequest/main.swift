import CLibFuzzer
import Foundation
@testable import SampleMindStreaming

/// A dashboard folder made once per process (removed at exit; scripts/fuzz removes those of
/// processes that crashed), with neighbours that no request may reach:
///
///     DIR/root/index.html, app.js, sub/page.html,
///              link-inside -> index.html, link-outside -> ../secret, link-sibling -> ../root-sibling
///     DIR/secret
///     DIR/root-sibling/page.html    (its name starts with the root's name)
enum Fixture {
    static let directory: String = {
        let manager = FileManager.default
        let made = "/dev/shm/samplemind-fuzz-http-\(getpid())"
        try? manager.removeItem(atPath: made)
        try! manager.createDirectory(atPath: made, withIntermediateDirectories: false)
        // The root as StaticFiles sees it, symbolic links resolved (/dev/shm may be one).
        guard let resolved = realpath(made, nil) else { fatalError("cannot resolve \(made)") }
        defer { free(resolved) }
        let directory = String(cString: resolved)
        for folder in ["root/sub", "root-sibling"] {
            try! manager.createDirectory(atPath: directory + "/" + folder, withIntermediateDirectories: true)
        }
        for file in ["root/index.html", "root/app.js", "root/sub/page.html", "secret", "root-sibling/page.html"] {
            guard manager.createFile(atPath: directory + "/" + file, contents: Data(file.utf8)) else { fatalError("cannot write \(file)") }
        }
        for (link, target) in [("link-inside", "index.html"), ("link-outside", "../secret"), ("link-sibling", "../root-sibling")] {
            try! manager.createSymbolicLink(atPath: directory + "/root/" + link, withDestinationPath: target)
        }
        atexit { try? FileManager.default.removeItem(atPath: Fixture.directory) }
        return directory
    }()
    static let root = directory + "/root"
    static let files: StaticFiles = {
        guard let files = StaticFiles(directory: root) else { fatalError("StaticFiles refused \(root)") }
        return files
    }()
}

/// One request target, `PATH?NAME=VALUE&…`. The query's `&`-separated fragments go to the query
/// parser, which must give arguments or a refusal. The path goes to the static files, and a file
/// they return must be a real path inside the root: one that resolves anywhere else (the secret,
/// the sibling folder, through a link) is a failure, whether or not anything crashed.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let mark = bytes.firstIndex(of: UInt8(ascii: "?")) ?? bytes.endIndex
    let fragments = bytes[mark...].dropFirst().split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: false)
    switch HTTPQuery.parse(fragments.map(Array.init)) {
    case .success(let arguments):
        guard arguments.count <= HTTPQuery.maximumArguments else { fatalError("\(arguments.count) query arguments accepted") }
    case .failure(let refusal):
        guard !refusal.message.isEmpty else { fatalError("query refusal without a message") }
    }
    let path = String(decoding: bytes[..<mark], as: UTF8.self)
    if let file = Fixture.files.file(for: path) {
        guard let resolved = realpath(file, nil) else { fatalError("\(path.debugDescription) gave \(file), which does not resolve") }
        defer { free(resolved) }
        let real = String(cString: resolved)
        guard real == file, real.hasPrefix(Fixture.root + "/") else {
            fatalError("\(path.debugDescription) resolved outside the root: \(real)")
        }
    }
    return 0
}

var argc = CommandLine.argc
var argv = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv, fuzz))
