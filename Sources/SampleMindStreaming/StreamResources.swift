import Foundation

/// The files the server ships: the dashboard, inside the package's resources.
public enum StreamResources {
    public static var dashboardDirectory: String? {
        Bundle.module.url(forResource: "Dashboard", withExtension: nil)?.path
    }
}
