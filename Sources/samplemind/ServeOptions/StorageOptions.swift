import ArgumentParser
import SampleMindConfiguration

struct StorageOptions: ServeOptionGroup {
    @Option(help: "SQLite file for segments (default: $STATE_DIRECTORY or ~/.local/share/samplemind). [storage.path]")
    var db: String?

    @Flag(help: "Do not store segments. [storage.enabled]")
    var noStorage = false

    func overrides(into values: inout [String: ConfigurationValue]) {
        if let db { values["storage.path"] = .string(db) }
        if noStorage { values["storage.enabled"] = .boolean(false) }
    }
}
