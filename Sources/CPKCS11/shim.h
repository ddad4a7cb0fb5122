#ifndef PODPIS_CPKCS11_SHIM_H
#define PODPIS_CPKCS11_SHIM_H
#include <p11-kit/pkcs11.h>
#include <p11-kit/p11-kit.h>
#include <p11-kit/uri.h>

/* CK_UNAVAILABLE_INFORMATION is defined as (~0UL) and does not import. */
static inline CK_ULONG podpis_ck_unavailable_information(void) { return CK_UNAVAILABLE_INFORMATION; }
static inline CK_ULONG podpis_ck_effectively_infinite(void) { return CK_EFFECTIVELY_INFINITE; }
#endif
