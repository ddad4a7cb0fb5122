#ifndef PODPIS_CLIBXML2_SHIM_H
#define PODPIS_CLIBXML2_SHIM_H
/* Debian builds libxml2 with ICU, whose headers clash with Foundation's ICU.
   Include the version header first, then switch ICU off for what follows. */
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>
#include <libxml/c14n.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlsave.h>

/* xmlFree is a global function-pointer variable, which Swift 6 rejects. */
static inline void podpis_xml_free(void *ptr) { xmlFree(ptr); }
#endif
