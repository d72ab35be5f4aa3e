#ifndef PROBE_CZLIB_SHIM_H
#define PROBE_CZLIB_SHIM_H
#include <zlib.h>
#endif
