/*
 * shim.h — Debian's zstd (libzstd-dev), as a Swift system library.
 *
 * Only DenseRecordsParquet imports it, internally: no zstd name reaches the
 * public Swift API.
 */
#ifndef DR_CZSTD_SHIM_H
#define DR_CZSTD_SHIM_H
#include <zstd.h>
#endif
