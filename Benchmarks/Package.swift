// swift-tools-version:6.3
// Benchmarks for DirectProbeSwift, kept out of the root package so that its build and CI
// never compile benchmark dependencies.
//
//   kernel-bench   GFLOP/s of cblas_sgemm vs the squared-distance tile pipeline and
//                  DistanceKernel.pairwiseStatistics (tools/bench-kernel.sh)
//   ProbeMicro     micro-benchmarks with ordo-one/benchmark (tools/bench-micro.sh)
//   store-bench    block-reader passes over one store dataset, per layout (tools/bench-layout.sh)
import PackageDescription

let package = Package(
    name: "DirectProbeBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "DirectProbeSwift", path: ".."),
        // No traits: its default traits (MallocInterposer, RuntimeInterposer) make SwiftPM
        // resolve ordo-one/malloc-interposer and, on Linux with Swift 6.3,
        // ordo-one/swift-runtime-interposer, which the local package mirror lacks. Without
        // them, malloc and ARC metrics are unavailable; time and custom metrics work.
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
            name: "store-bench",
            dependencies: [.product(name: "ProbeStore", package: "DirectProbeSwift")]),
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
