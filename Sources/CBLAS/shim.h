#ifndef PROBE_CBLAS_SHIM_H
#define PROBE_CBLAS_SHIM_H
#include <cblas.h>

/* LAPACK's Cholesky factorisation, which OpenBLAS builds in (its own C implementation, with no
   hidden Fortran string lengths); cblas.h does not declare it, and Debian's OpenBLAS ships no
   lapacke.h. */
void dpotrf_(const char *uplo, const int *n, double *a, const int *lda, int *info);
/* LAPACK's Householder QR factorisation and the explicit Q from its reflectors (reference
   LAPACK built into OpenBLAS; no character arguments, so no hidden lengths). */
void dgeqrf_(const int *m, const int *n, double *a, const int *lda, double *tau, double *work, const int *lwork,
             int *info);
void dorgqr_(const int *m, const int *n, const int *k, double *a, const int *lda, const double *tau, double *work,
             const int *lwork, int *info);
#endif
