#ifndef PROBE_CPU_FEATURES_H
#define PROBE_CPU_FEATURES_H

/// Whether this build's Swift code was compiled for x86-64-v3 (AVX2, FMA, BMI2: see
/// Package.swift). Such a binary checks the CPU before `main` and exits with a message, not
/// with SIGILL, on a CPU without those instructions.
int probe_built_for_x86_64_v3(void);

#endif
