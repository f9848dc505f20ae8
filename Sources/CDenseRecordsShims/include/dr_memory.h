/*
 * dr_memory.h — growing anonymous mappings for DenseRecords.
 *
 * Every symbol starts with `dr_`.
 */
#ifndef DR_MEMORY_H
#define DR_MEMORY_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Why: glibc declares mremap(2) as a variadic function, and Swift does not
 * import variadic C functions; it also needs _GNU_SOURCE, which this file's
 * .c defines for itself.
 *
 * Resizes the anonymous mapping of `old_size` bytes at `address` to
 * `new_size` bytes, moving it if it must (MREMAP_MAYMOVE) without copying
 * its pages. Returns the mapping's new address, or NULL on failure (the old
 * mapping is then unchanged) and where mremap does not exist.
 */
void *dr_mremap(void *address, size_t old_size, size_t new_size);

/*
 * Why: Swift has no way to emit a prefetch instruction, and
 * __builtin_prefetch is a compiler builtin it cannot call.
 *
 * Starts loading the cache line that holds `address` for reading, without
 * waiting for it. A hint: it never faults, whatever the address.
 */
static inline void dr_prefetch(const void *address) {
    __builtin_prefetch(address, 0, 3);
}

#ifdef __cplusplus
}
#endif

#endif /* DR_MEMORY_H */
