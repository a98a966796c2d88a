import Foundation
import SampleMindConfiguration

/// Where the segment database is: `storage.path`, else $STATE_DIRECTORY (systemd), else the
/// user's data directory. The daemon and `samplemind segments` agree through this.
public enum DatabaseLocation {
    public static func path(_ options: LoadedConfiguration, environment: [String: String]) -> String {
        if let path = options.string("storage.path") { return path }
        if let state = environment["STATE_DIRECTORY"]?.split(separator: ":").first { return "\(state)/samplemind.db" }
        let data = environment["XDG_DATA_HOME"] ?? "\(NSHomeDirectory())/.local/share"
        return "\(data)/samplemind/samplemind.db"
    }
}
