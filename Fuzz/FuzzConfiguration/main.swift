import CLibFuzzer
import Foundation
import SampleMindConfiguration

/// One file, reused for every input: one per process, so that parallel jobs do not share it, removed
/// at exit (scripts/fuzz removes those of processes that crashed).
enum Scratch {
    static let path: String = {
        atexit { unlink(Scratch.path) }
        return "/dev/shm/samplemind-fuzz-configuration-\(getpid()).toml"
    }()
}

/// One configuration file, loaded through the daemon's entry point. A `ConfigurationError` is the
/// right answer to a bad file; a trap or a hang is not. A file that loads must give every option a
/// value of its kind and range, because the daemon reads them with accessors that trap otherwise.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard FileManager.default.createFile(atPath: Scratch.path, contents: Data(UnsafeBufferPointer(start: data, count: size))) else {
        fatalError("cannot write \(Scratch.path)")
    }
    let loaded: LoadedConfiguration
    do {
        loaded = try ConfigurationLoader.load(filePath: Scratch.path, environment: [:], overrides: [:])
    } catch {
        guard !error.description.isEmpty else { fatalError("configuration error without a message") }
        return 0
    }
    for option in DaemonOptions.all {
        switch option.kind {
        case .string(let allowed):
            if let allowed, let value = loaded.string(option.path), !allowed.contains(value) {
                fatalError("\(option.path) accepted as \(value.debugDescription)")
            }
        case .integer(let range):
            guard range.contains(loaded.integer(option.path)) else { fatalError("\(option.path) accepted out of range") }
        case .number(let range):
            guard range.contains(loaded.number(option.path)) else { fatalError("\(option.path) accepted out of range") }
        case .boolean: _ = loaded.boolean(option.path)
        case .strings: _ = loaded.strings(option.path)
        }
    }
    _ = loaded.report
    return 0
}

var argc = CommandLine.argc
var argv = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv, fuzz))
