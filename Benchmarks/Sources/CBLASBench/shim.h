/* CBLAS (OpenBLAS) header for the benchmarks' system-library target CBLASBench. */
#ifndef PROBE_BENCH_CBLAS_SHIM_H
#define PROBE_BENCH_CBLAS_SHIM_H
#include <cblas.h>
#endif
