/*
 * dr_checksum.h — CRC32C (Castagnoli) for DenseRecords snapshots.
 *
 * Every symbol starts with `dr_`. The Swift layer in
 * Sources/DenseRecords/Snapshot wraps these under Swift names.
 */
#ifndef DR_CHECKSUM_H
#define DR_CHECKSUM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Why: snapshot blocks are checksummed with CRC32C, and Swift cannot emit the
 * SSE4.2 `crc32` instruction itself. This picks the hardware path when the CPU
 * has it (checked once, at run time) and a table-driven path otherwise.
 *
 * Continues a CRC32C over `length` bytes at `data`. Start with `crc` = 0 and
 * pass each result back in to checksum a stream piece by piece; the result
 * equals the one-shot CRC of the concatenation. (Pre- and post-inversion are
 * applied inside, so 0 is the CRC of no bytes and "123456789" gives 0xE3069283.)
 */
uint32_t dr_crc32c(uint32_t crc, const void *data, size_t length);

/* The portable, table-driven CRC32C (slicing by 8). Same contract as dr_crc32c. */
uint32_t dr_crc32c_software(uint32_t crc, const void *data, size_t length);

/* True when dr_crc32c uses the CPU's CRC32C instruction. */
bool dr_crc32c_is_hardware(void);

#ifdef __cplusplus
}
#endif

#endif /* DR_CHECKSUM_H */
