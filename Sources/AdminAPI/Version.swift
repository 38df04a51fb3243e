/// What `--version` prints in every swiftplane binary, and the admin API's
/// `/healthz` callers can compare. One place, bumped with each release.
public enum SwiftplaneVersion {
    public static let text = "0.9.0"
}
