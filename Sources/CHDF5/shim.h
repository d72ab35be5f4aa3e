// The HDF5 C API, plus static inline functions for what Swift cannot import:
// the macros that expand to global ids (H5T_NATIVE_FLOAT, ...) or casts
// (H5P_DEFAULT, H5S_ALL, H5S_UNLIMITED), and a walker that turns the error
// stack into one message.
#ifndef PROBE_CHDF5_SHIM_H
#define PROBE_CHDF5_SHIM_H
#include <fcntl.h>
#include <hdf5.h>
#include <string.h>
#include <stdio.h>

static inline hid_t probe_h5p_default(void) { return H5P_DEFAULT; }
static inline hid_t probe_h5s_all(void) { return H5S_ALL; }
static inline hid_t probe_h5e_default(void) { return H5E_DEFAULT; }
static inline hsize_t probe_h5s_unlimited(void) { return H5S_UNLIMITED; }
static inline unsigned probe_h5f_acc_trunc(void) { return H5F_ACC_TRUNC; }
static inline unsigned probe_h5f_acc_excl(void) { return H5F_ACC_EXCL; }
static inline unsigned probe_h5f_acc_rdonly(void) { return H5F_ACC_RDONLY; }
static inline unsigned probe_h5f_acc_rdwr(void) { return H5F_ACC_RDWR; }
static inline hid_t probe_h5t_native_float(void) { return H5T_NATIVE_FLOAT; }
static inline hid_t probe_h5t_native_double(void) { return H5T_NATIVE_DOUBLE; }
static inline hid_t probe_h5t_native_int32(void) { return H5T_NATIVE_INT32; }
static inline hid_t probe_h5t_native_int64(void) { return H5T_NATIVE_INT64; }
static inline hid_t probe_h5t_c_s1(void) { return H5T_C_S1; }
static inline size_t probe_h5t_variable(void) { return H5T_VARIABLE; }
static inline hid_t probe_h5p_dataset_create(void) { return H5P_DATASET_CREATE; }
static inline hid_t probe_h5p_link_create(void) { return H5P_LINK_CREATE; }
static inline hid_t probe_h5p_file_access(void) { return H5P_FILE_ACCESS; }
static inline hid_t probe_h5p_dataset_access(void) { return H5P_DATASET_ACCESS; }
static inline haddr_t probe_haddr_undef(void) { return HADDR_UNDEF; }

/// Silences HDF5's own printing of error stacks; errors are collected instead.
static inline void probe_h5_silence_errors(void) { H5Eset_auto2(H5E_DEFAULT, NULL, NULL); }

typedef struct { char *buffer; size_t capacity; size_t used; } probe_h5_error_buffer;

static inline herr_t probe_h5_error_walker(unsigned n, const H5E_error2_t *err, void *data) {
    probe_h5_error_buffer *out = (probe_h5_error_buffer *)data;
    if (out->used + 4 >= out->capacity) return 0;
    int written = snprintf(out->buffer + out->used, out->capacity - out->used, "%s%s (%s)",
                           n == 0 ? "" : "; ", err->desc ? err->desc : "?", err->func_name ? err->func_name : "?");
    if (written > 0) {
        size_t w = (size_t)written;
        out->used = out->used + w < out->capacity ? out->used + w : out->capacity - 1;
    }
    return 0;
}

/// Writes the current thread's HDF5 error stack into `buffer` as one line and clears the stack.
static inline void probe_h5_error_message(char *buffer, size_t capacity) {
    if (capacity == 0) return;
    buffer[0] = 0;
    probe_h5_error_buffer out = { buffer, capacity, 0 };
    H5Ewalk2(H5E_DEFAULT, H5E_WALK_DOWNWARD, probe_h5_error_walker, &out);
    H5Eclear2(H5E_DEFAULT);
}

/// Drops already-written pages of `fd` from the page cache and starts writeback of the rest
/// (Linux; a no-op elsewhere). Lets a large HDF5 file be written in bounded memory.
#if defined(__linux__)
// glibc declares this only under _GNU_SOURCE, which would split the system headers'
// module definitions; declare it here (flag 2 = SYNC_FILE_RANGE_WRITE).
extern int sync_file_range(int fd, long long offset, long long nbytes, unsigned int flags);
#endif
static inline void probe_release_written_pages(int fd) {
#if defined(__linux__)
    posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
    sync_file_range(fd, 0, 0, 2u);
#else
    (void)fd;
#endif
}
#endif
