#ifndef PROBE_CBLAS_SHIM_H
#define PROBE_CBLAS_SHIM_H
#include <cblas.h>
#endif
