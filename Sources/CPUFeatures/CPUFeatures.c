// The CPU check of a build for x86-64-v3, in C: it must run before any Swift code of the
// build (compiled for those instructions) does, which a constructor guarantees, and it must
// itself be compiled for any x86-64 CPU, which this target is (Package.swift gives the
// x86-64-v3 flag to the Swift targets only).
#include "CPUFeatures.h"

#if defined(__x86_64__) && defined(PROBE_X86_64_V3)
#include <cpuid.h>
#include <unistd.h>

int probe_built_for_x86_64_v3(void) { return 1; }

/// Whether this CPU, and the OS, run x86-64-v3 code: AVX, AVX2, BMI1, BMI2, F16C, FMA, LZCNT
/// and MOVBE, with the AVX registers saved by the OS (the v2 features come with these).
static int runs_x86_64_v3(void) {
    unsigned a, b, c, d;
    // Leaf 1, ECX: FMA (12), MOVBE (22), OSXSAVE (27), AVX (28), F16C (29).
    const unsigned leaf1 = (1u << 12) | (1u << 22) | (1u << 27) | (1u << 28) | (1u << 29);
    if (!__get_cpuid(1, &a, &b, &c, &d) || (c & leaf1) != leaf1) return 0;
    // XCR0: the OS saves the SSE (bit 1) and AVX (bit 2) state.
    unsigned low, high;
    __asm__ volatile("xgetbv" : "=a"(low), "=d"(high) : "c"(0));
    if ((low & 6u) != 6u) return 0;
    // Leaf 7, EBX: BMI1 (3), AVX2 (5), BMI2 (8).
    const unsigned leaf7 = (1u << 3) | (1u << 5) | (1u << 8);
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d) || (b & leaf7) != leaf7) return 0;
    // Leaf 0x80000001, ECX: LZCNT (5).
    return __get_cpuid(0x80000001, &a, &b, &c, &d) && (c & (1u << 5)) != 0;
}

/// Exits with status 1 and a message before `main` on a CPU without x86-64-v3.
__attribute__((constructor)) static void require_x86_64_v3(void) {
    if (runs_x86_64_v3()) return;
    static const char message[] =
        "error: this build of probe was compiled for x86-64-v3 CPUs (AVX2, FMA, BMI2; Intel since 2013, AMD since 2015), "
        "and this CPU lacks them.\n"
        "Build it on this machine (swift build -c release), or build a portable binary anywhere with "
        "PROBE_PORTABLE_BUILD=1 swift build -c release.\n";
    ssize_t written = write(2, message, sizeof message - 1);
    (void)written;
    _exit(1);
}
#else
int probe_built_for_x86_64_v3(void) { return 0; }
#endif
