/*
 * dr_jemalloc.c — jemalloc arena shims for DenseRecords.
 *
 * All mallctl names used here are documented in the jemalloc 5.3 manual
 * (section "MALLCTL NAMESPACE").
 */
#include "dr_jemalloc.h"

#include <errno.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

/* Fault injection: a per-thread countdown so parallel tests cannot disturb
 * one another. Only debug builds (SwiftPM defines DEBUG for them) honour it. */
#if defined(DEBUG)
static _Thread_local uint64_t dr_fault_countdown = 0;
#endif

bool dr_fault_injection_available(void) {
#if defined(DEBUG)
    return true;
#else
    return false;
#endif
}

void dr_fault_fail_chunk_allocation(uint64_t n) {
#if defined(DEBUG)
    dr_fault_countdown = n;
#else
    (void)n;
#endif
}

void *dr_chunk_allocate(unsigned arena, size_t size, size_t alignment) {
#if defined(DEBUG)
    if (dr_fault_countdown > 0 && --dr_fault_countdown == 0) {
        return NULL;
    }
#endif
    return mallocx(size, dr_arena_aligned_flags(arena, alignment));
}

size_t dr_chunk_resize_in_place(unsigned arena, void *chunk, size_t size, size_t alignment) {
    return xallocx(chunk, size, 0, dr_arena_aligned_flags(arena, alignment));
}

void dr_chunk_free(unsigned arena, void *chunk) {
    dallocx(chunk, dr_arena_flags(arena));
}

int dr_advise_huge_pages(void *address, size_t length) {
#if defined(MADV_HUGEPAGE)
    return madvise(address, length, MADV_HUGEPAGE) == 0 ? 0 : errno;
#else
    (void)address;
    (void)length;
    return ENOSYS;
#endif
}

/* Not every libc header names it yet; the value is the kernel's (uapi mman-common.h). */
#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

int dr_populate_for_writing(void *address, size_t length) {
    /* madvise wants a page-aligned start; round down to the page that holds address. */
    const uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
    const uintptr_t start = (uintptr_t)address & ~(page - 1);
    const size_t span = length + (size_t)((uintptr_t)address - start);
    return madvise((void *)start, span, MADV_POPULATE_WRITE) == 0 ? 0 : errno;
}

int dr_arena_create(unsigned *arena_out) {
    size_t length = sizeof(*arena_out);
    return mallctl("arenas.create", arena_out, &length, NULL, 0);
}

/* Formats "arena.<i>.<leaf>" or "stats.arenas.<i>.<leaf>". */
static int dr_arena_name(char *buffer, size_t capacity, const char *prefix, unsigned arena, const char *leaf) {
    int written = snprintf(buffer, capacity, "%s.%u.%s", prefix, arena, leaf);
    return (written > 0 && (size_t)written < capacity) ? 0 : ENAMETOOLONG;
}

static int dr_arena_command(unsigned arena, const char *leaf) {
    char name[64];
    int status = dr_arena_name(name, sizeof name, "arena", arena, leaf);
    return status != 0 ? status : mallctl(name, NULL, NULL, NULL, 0);
}

int dr_arena_reset_and_purge(unsigned arena) {
    int status = dr_arena_command(arena, "reset");
    return status != 0 ? status : dr_arena_command(arena, "purge");
}

int dr_arena_purge(unsigned arena) {
    return dr_arena_command(arena, "purge");
}

int dr_arena_destroy(unsigned arena) {
    return dr_arena_command(arena, "destroy");
}

static int dr_refresh_epoch(void) {
    uint64_t epoch = 1;
    size_t length = sizeof epoch;
    return mallctl("epoch", &epoch, &length, &epoch, length);
}

static int dr_read_size(const char *name, size_t *value_out) {
    size_t length = sizeof *value_out;
    return mallctl(name, value_out, &length, NULL, 0);
}

static int dr_read_arena_size(unsigned arena, const char *leaf, size_t *value_out) {
    char name[80];
    int status = dr_arena_name(name, sizeof name, "stats.arenas", arena, leaf);
    return status != 0 ? status : dr_read_size(name, value_out);
}

int dr_arena_stats_read(unsigned arena, dr_arena_stats_t *stats_out) {
    int status = dr_refresh_epoch();
    if (status != 0) return status;

    size_t page_size = 0, active_pages = 0, small = 0, large = 0;
    if ((status = dr_read_size("arenas.page", &page_size)) != 0) return status;
    if ((status = dr_read_arena_size(arena, "pactive", &active_pages)) != 0) return status;
    if ((status = dr_read_arena_size(arena, "small.allocated", &small)) != 0) return status;
    if ((status = dr_read_arena_size(arena, "large.allocated", &large)) != 0) return status;
    if ((status = dr_read_arena_size(arena, "resident", &stats_out->resident)) != 0) return status;
    if ((status = dr_read_arena_size(arena, "mapped", &stats_out->mapped)) != 0) return status;
    stats_out->allocated = small + large;
    stats_out->active = active_pages * page_size;
    return 0;
}

int dr_allocator_stats_read(dr_allocator_stats_t *stats_out) {
    /* Flushing fails harmlessly (EAGAIN) when the thread has no cache. */
    (void)mallctl("thread.tcache.flush", NULL, NULL, NULL, 0);
    int status = dr_refresh_epoch();
    if (status != 0) return status;
    if ((status = dr_read_size("stats.allocated", &stats_out->allocated)) != 0) return status;
    if ((status = dr_read_size("stats.active", &stats_out->active)) != 0) return status;
    if ((status = dr_read_size("stats.resident", &stats_out->resident)) != 0) return status;
    return dr_read_size("stats.mapped", &stats_out->mapped);
}

const char *dr_allocator_version(void) {
    const char *version = "";
    size_t length = sizeof version;
    return mallctl("version", &version, &length, NULL, 0) == 0 ? version : "";
}

int dr_allocator_purge_all(void) {
    /* Why a shim: MALLCTL_ARENAS_ALL is a macro whose value must be formatted
     * into the mallctl name; Swift should not build mallctl names. */
    char name[64];
    int written = snprintf(name, sizeof name, "arena.%u.purge", (unsigned)MALLCTL_ARENAS_ALL);
    if (written <= 0 || (size_t)written >= sizeof name) return ENAMETOOLONG;
    return mallctl(name, NULL, NULL, NULL, 0);
}

int dr_thread_allocated_bytes(uint64_t *bytes_out) {
    size_t length = sizeof *bytes_out;
    return mallctl("thread.allocated", bytes_out, &length, NULL, 0);
}

size_t dr_physical_memory_bytes(void) {
    long pages = sysconf(_SC_PHYS_PAGES);
    long page = sysconf(_SC_PAGESIZE);
    if (pages <= 0 || page <= 0) return 0;
    if ((size_t)pages > (SIZE_MAX / 2) / (size_t)page) return SIZE_MAX / 2;
    return (size_t)pages * (size_t)page;
}

unsigned dr_processor_count(void) {
    long count = sysconf(_SC_NPROCESSORS_ONLN);
    return count > 0 ? (unsigned)count : 1;
}

size_t dr_large_extent_pad_bytes(void) {
    bool oblivious = true;
    size_t length = sizeof oblivious;
    if (mallctl("opt.cache_oblivious", &oblivious, &length, NULL, 0) != 0) oblivious = true;
    if (!oblivious) return 0;
    size_t page = 0;
    length = sizeof page;
    return mallctl("arenas.page", &page, &length, NULL, 0) == 0 ? page : (size_t)sysconf(_SC_PAGESIZE);
}

size_t dr_resident_bytes(const void *address, size_t length) {
    const size_t page = (size_t)sysconf(_SC_PAGESIZE);
    unsigned char vector[512];
    size_t resident = 0;
    const char *cursor = address;
    size_t remaining = (length + page - 1) / page;
    while (remaining > 0) {
        size_t pages = remaining < sizeof vector ? remaining : sizeof vector;
        if (mincore((void *)cursor, pages * page, vector) != 0) return 0;
        for (size_t i = 0; i < pages; i++) resident += (vector[i] & 1) * page;
        cursor += pages * page;
        remaining -= pages;
    }
    return resident < length ? resident : length;
}
