// swift-tools-version:6.0
import PackageDescription

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

        // text -> store: parsing, HDF5 layout, converter, block reader.
        .target(name: "ProbeStore", dependencies: ["CHDF5", "CZlib"]),
        // tiled pairwise distances over rows handed in (no knowledge of files).
        .target(name: "ProbeKernels", dependencies: ["CBLAS"]),
        // points in memory -> separability and hull distances with certificates (no files, no kernels).
        .target(name: "ProbeGeometry", dependencies: ["CBLAS"]),
        // config.ini with Python configparser ExtendedInterpolation semantics.
        .target(name: "ProbeConfig"),
        // the JSON formats probe writes and reads back (summary.json, cache records); depends on nothing.
        .target(name: "ResultSchema"),
        // result folders -> one self-contained HTML page with SVG plots (reads files through ProbeStore).
        .target(name: "ProbeReport", dependencies: ["ProbeStore", "ResultSchema"]),
        // kernels and geometry -> clustering -> analysis -> result writers.
        .target(name: "DirectProbe", dependencies: ["ProbeStore", "ProbeKernels", "ProbeGeometry", "ProbeConfig", "ResultSchema"]),

        // Process-wide concerns of the two executables only (signal handling); not a product.
        .target(name: "ProbeCommandLine", dependencies: [
            "ProbeStore", .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        .executableTarget(name: "probe-convert", dependencies: [
            "ProbeStore", "ProbeCommandLine", .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .executableTarget(name: "probe", dependencies: [
            "DirectProbe", "ProbeStore", "ProbeConfig", "ProbeReport", "ProbeCommandLine", "ResultSchema",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

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
