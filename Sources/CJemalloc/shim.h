/*
 * shim.h — Debian's jemalloc (libjemalloc-dev), as a Swift system library.
 *
 * Linking it makes jemalloc the process-wide malloc: Debian builds it without
 * a symbol prefix. Only the C target CDenseRecordsJemalloc includes it.
 */
#ifndef DR_CJEMALLOC_SHIM_H
#define DR_CJEMALLOC_SHIM_H
#include <jemalloc/jemalloc.h>
/* Why: a bare git hash, which Swift's importer rejects as a malformed number. */
#undef JEMALLOC_VERSION_GID_IDENT
#endif
