// swift-tools-version:6.0
import Foundation
import PackageDescription

/// Whether release builds compile the Swift code for x86-64-v3 (AVX2, FMA, BMI2; as
/// `-target-cpu haswell`, which the Swift 6 compiler knows by that name only): on an x86-64
/// Linux host that has those instructions, unless `PROBE_PORTABLE_BUILD` is set.
///
/// The solver's and the certificates' loops run ~15–25% faster so (layer 0 of the full
/// supersense task: 8 min 43 s against 10 min 40 s), with the same result files: Swift does
/// not fuse multiplies and adds, so every operation rounds as in a portable build (README,
/// "Quick start"). Such a binary checks the CPU before `main` (target CPUFeatures) and stops with
/// a message on one without those instructions, instead of dying of SIGILL; set
/// `PROBE_PORTABLE_BUILD=1` to build a binary for older machines (or to cross-compile).
let buildsForX86_64_v3: Bool = {
    #if arch(x86_64) && os(Linux)
    guard ProcessInfo.processInfo.environment["PROBE_PORTABLE_BUILD"] == nil,
          let cpuinfo = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
          let flagLine = cpuinfo.split(separator: "\n").first(where: { $0.hasPrefix("flags") }) else { return false }
    let flags = Set(flagLine.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init))
    // "abm" is LZCNT on both vendors.
    return ["avx", "avx2", "bmi1", "bmi2", "f16c", "fma", "abm", "movbe"].allSatisfy(flags.contains)
    #else
    return false
    #endif
}()
/// The Swift settings of every target of the tools (release builds only: tests run debug).
let cpuSettings: [SwiftSetting] = buildsForX86_64_v3 ? [.unsafeFlags(["-target-cpu", "haswell"], .when(configuration: .release))] : []

let package = Package(
    name: "DirectProbeSwift",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "probe-convert", targets: ["probe-convert"]),
        .executable(name: "probe", targets: ["probe"]),
        .library(name: "ProbeStore", targets: ["ProbeStore"]),
        .library(name: "DirectProbe", targets: ["DirectProbe"]),
        .library(name: "ProbeKernels", targets: ["ProbeKernels"]),
        .library(name: "ProbeGeometry", targets: ["ProbeGeometry"]),
        .library(name: "ResultSchema", targets: ["ResultSchema"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // C libraries, each wrapped once behind a typed Swift API in the module that uses it.
        .systemLibrary(
            name: "CHDF5", pkgConfig: "hdf5",
            providers: [.apt(["libhdf5-dev", "zlib1g-dev"]), .brew(["hdf5"])]),
        .systemLibrary(
            name: "CZlib", pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"]), .brew(["zlib"])]),
        .systemLibrary(
            name: "CBLAS", pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"]), .brew(["openblas"])]),

        // the CPU check of an x86-64-v3 build (before `main`), in C compiled for any x86-64.
        .target(name: "CPUFeatures", cSettings: buildsForX86_64_v3 ? [.define("PROBE_X86_64_V3", .when(configuration: .release))] : []),

        // text -> store: parsing, HDF5 layout, converter, block reader.
        .target(name: "ProbeStore", dependencies: ["CHDF5", "CZlib", "CPUFeatures"], swiftSettings: cpuSettings),
        // tiled pairwise distances over rows handed in (no knowledge of files).
        .target(name: "ProbeKernels", dependencies: ["CBLAS"], swiftSettings: cpuSettings),
        // points in memory -> separability and hull distances with certificates (no files, no kernels).
        .target(name: "ProbeGeometry", dependencies: ["CBLAS"], swiftSettings: cpuSettings),
        // config.ini with Python configparser ExtendedInterpolation semantics.
        .target(name: "ProbeConfig", swiftSettings: cpuSettings),
        // the JSON formats probe writes and reads back (summary.json, cache records); depends on nothing.
        .target(name: "ResultSchema", swiftSettings: cpuSettings),
        // result folders -> one self-contained HTML page with SVG plots (reads files through ProbeStore).
        .target(name: "ProbeReport", dependencies: ["ProbeStore", "ResultSchema"], swiftSettings: cpuSettings),
        // kernels and geometry -> clustering -> analysis -> result writers.
        .target(name: "DirectProbe", dependencies: ["ProbeStore", "ProbeKernels", "ProbeGeometry", "ProbeConfig", "ResultSchema"],
                swiftSettings: cpuSettings),

        // Process-wide concerns of the two executables only (signal handling); not a product.
        .target(name: "ProbeCommandLine", dependencies: [
            "ProbeStore", .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], swiftSettings: cpuSettings),

        .executableTarget(name: "probe-convert", dependencies: [
            "ProbeStore", "ProbeCommandLine", .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], swiftSettings: cpuSettings),
        .executableTarget(name: "probe", dependencies: [
            "DirectProbe", "ProbeStore", "ProbeConfig", "ProbeReport", "ProbeCommandLine", "ResultSchema",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], swiftSettings: cpuSettings),

        // What several test targets share (a seeded generator); not a product.
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "ProbeStoreTests", dependencies: ["ProbeStore", "TestSupport"]),
        .testTarget(name: "ProbeKernelsTests", dependencies: ["ProbeKernels", "TestSupport"]),
        .testTarget(name: "ProbeConfigTests", dependencies: ["ProbeConfig"]),
        .testTarget(name: "ProbeReportTests", dependencies: ["ProbeReport", "ProbeStore", "ResultSchema"]),
        // Fixtures/ holds a few real points the solver once got wrong; tests find them through #filePath.
        .testTarget(name: "ProbeGeometryTests", dependencies: ["ProbeGeometry", "TestSupport"], exclude: ["Fixtures"]),
        // Fixtures/ holds copies of the reference's outputs; tests find them through #filePath.
        .testTarget(name: "DirectProbeTests", dependencies: ["DirectProbe", "ProbeConfig", "ProbeStore", "ProbeGeometry", "ProbeReport", "ResultSchema", "ProbeKernels", "TestSupport"],
                    exclude: ["Fixtures"]),
    ],
    swiftLanguageModes: [.v6]
)
