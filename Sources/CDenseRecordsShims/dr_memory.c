/* dr_memory.c — see include/dr_memory.h. */
#define _GNU_SOURCE
#include "dr_memory.h"

#include <sys/mman.h>

void *dr_mremap(void *address, size_t old_size, size_t new_size) {
#if defined(__linux__)
    void *moved = mremap(address, old_size, new_size, MREMAP_MAYMOVE);
    return moved == MAP_FAILED ? NULL : moved;
#else
    (void)address;
    (void)old_size;
    (void)new_size;
    return NULL;
#endif
}
