#ifndef PODPIS_CPCSC_SHIM_H
#define PODPIS_CPCSC_SHIM_H
#include <PCSC/winscard.h>
#include <PCSC/wintypes.h>
#include <PCSC/reader.h>

/* Macros that do not import into Swift. */
static inline const SCARD_IO_REQUEST *podpis_pci_t0(void) { return &g_rgSCardT0Pci; }
static inline const SCARD_IO_REQUEST *podpis_pci_t1(void) { return &g_rgSCardT1Pci; }
static inline const SCARD_IO_REQUEST *podpis_pci_raw(void) { return &g_rgSCardRawPci; }
#endif
