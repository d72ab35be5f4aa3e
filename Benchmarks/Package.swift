// swift-tools-version:6.3
// Benchmarks for DirectProbeSwift, kept out of the root package so that its build and CI
// never compile benchmark dependencies.
//
//   kernel-bench   GFLOP/s of cblas_sgemm vs the squared-distance tile pipeline and
//                  DistanceKernel.pairwiseStatistics (tools/bench-kernel.sh)
//   ProbeMicro     micro-benchmarks with ordo-one/benchmark (tools/bench-micro.sh)
//
// DIRECTPROBE_ROOT overrides where the root package is (default ".."); the tools/ scripts
// use it to point at a patched copy while the root does not yet export ProbeKernels and
// ProbeGeometry as library products.
import PackageDescription

let rootPath = Context.environment["DIRECTPROBE_ROOT"].flatMap { $0.isEmpty ? nil : $0 } ?? ".."

let package = Package(
    name: "DirectProbeBenchmarks",
    platforms: [.macOS(.v13)],
    dependencies: [
        .package(name: "DirectProbeSwift", path: rootPath),
        // No default traits: on Linux with Swift 6.3 they pull in malloc/ARC interposers.
        .package(url: "https://github.com/ordo-one/benchmark", exact: "1.38.1", traits: []),
    ],
    targets: [
        .systemLibrary(
            name: "CBLASBench", pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"]), .brew(["openblas"])]),
        .executableTarget(
            name: "kernel-bench",
            dependencies: [
                "CBLASBench",
                .product(name: "ProbeKernels", package: "DirectProbeSwift"),
            ]),
        .executableTarget(
            name: "ProbeMicro",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "ProbeStore", package: "DirectProbeSwift"),
                .product(name: "ProbeKernels", package: "DirectProbeSwift"),
                .product(name: "ProbeGeometry", package: "DirectProbeSwift"),
            ],
            path: "Benchmarks/ProbeMicro",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]),
    ],
    swiftLanguageModes: [.v6]
)
