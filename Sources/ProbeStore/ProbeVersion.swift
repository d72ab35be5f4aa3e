/// The tool's version, written into every store and result.
public enum ProbeVersion {
    /// Semantic version of this build.
    public static let string = "0.1.0"
}
