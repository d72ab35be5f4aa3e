import CPUFeatures

/// The tool's version, written into every store and result.
public enum ProbeVersion {
    /// Semantic version of this build.
    public static let string = "0.1.0"

    /// The CPUs this build's Swift code was compiled for: "x86-64-v3" (AVX2, FMA, BMI2; see
    /// Package.swift) or "portable". Results do not depend on it; the log names it.
    public static var cpuTarget: String { probe_built_for_x86_64_v3() != 0 ? "x86-64-v3" : "portable" }
}
