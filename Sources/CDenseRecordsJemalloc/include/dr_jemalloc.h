/*
 * dr_jemalloc.h — the jemalloc shims of DenseRecords.
 *
 * Every function this header declares starts with `dr_`. Only the Swift target
 * DenseRecordsArena imports it, and it does so with `internal import`: the
 * public Swift API speaks of arenas, chunks and records, and neither these
 * functions nor jemalloc.h reach the scope of a program that imports
 * DenseRecords.
 */
#ifndef DR_JEMALLOC_H
#define DR_JEMALLOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <jemalloc/jemalloc.h>

/* Why: jemalloc.h defines JEMALLOC_VERSION_GID_IDENT as a bare git hash
 * (54eaed1d8b...), which Swift's importer reads as a malformed number and
 * rejects when it emits symbol graphs for documentation. Nothing uses it;
 * dr_allocator_version() reports the version. */
#undef JEMALLOC_VERSION_GID_IDENT

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------------------
 * jemalloc shims: flag macros
 * ------------------------------------------------------------------------- */

/*
 * Why: MALLOCX_ARENA and MALLOCX_TCACHE_NONE are function-like / expression
 * macros that Swift cannot import. Every chunk allocation in an explicit arena
 * must bypass the thread cache: with a tcache, a destroyed or reset arena's
 * stale cache entry can be handed out again as a dangling pointer.
 */
static inline int dr_arena_flags(unsigned arena) {
    return MALLOCX_ARENA(arena) | MALLOCX_TCACHE_NONE;
}

/*
 * Why: MALLOCX_ALIGN is a function-like macro (it expands to ffs()), which
 * Swift cannot import. Chunks are aligned to 2 MiB so that a full chunk can be
 * backed by one transparent huge page.
 */
static inline int dr_arena_aligned_flags(unsigned arena, size_t alignment) {
    return MALLOCX_ARENA(arena) | MALLOCX_TCACHE_NONE | MALLOCX_ALIGN(alignment);
}

/*
 * Why: nallocx() needs MALLOCX_ALIGN too. Returns the size class jemalloc
 * would really hand out for `size` bytes at `alignment`, or 0 if it cannot.
 */
static inline size_t dr_size_class(size_t size, size_t alignment) {
    return nallocx(size, MALLOCX_ALIGN(alignment));
}

/* ---------------------------------------------------------------------------
 * jemalloc shims: chunks (implemented in dense_records.c)
 * ------------------------------------------------------------------------- */

/* Allocates `size` bytes aligned to `alignment` from `arena`, bypassing the
 * thread cache. Returns NULL when jemalloc cannot, or when fault injection
 * says so (debug builds only). */
void *dr_chunk_allocate(unsigned arena, size_t size, size_t alignment);

/* Resizes a chunk in place, never moving it. Returns the chunk's real size
 * afterwards: `size` (rounded to its size class) on success, the old size
 * when jemalloc cannot resize in place. */
size_t dr_chunk_resize_in_place(unsigned arena, void *chunk, size_t size, size_t alignment);

/* Frees a chunk allocated by dr_chunk_allocate. */
void dr_chunk_free(unsigned arena, void *chunk);

/* Asks the kernel to back [address, address + length) with transparent huge
 * pages. `address` must be page-aligned. Returns 0 or an errno value. */
int dr_advise_huge_pages(void *address, size_t length);

/* Faults in the pages of [address, address + length) for writing with one system call
 * (MADV_POPULATE_WRITE, Linux 5.14+), instead of one page fault per 4 KiB page
 * as a copy touches them. Returns 0 or an errno value; EINVAL on older kernels,
 * where the copy simply takes its page faults as usual. */
int dr_populate_for_writing(void *address, size_t length);

/* ---------------------------------------------------------------------------
 * jemalloc shims: arenas (implemented in dense_records.c)
 *
 * Each returns 0 on success or the errno-style code mallctl returned.
 * ------------------------------------------------------------------------- */

/* Creates a new explicit arena (`arenas.create`) and stores its index. */
int dr_arena_create(unsigned *arena_out);

/* Frees every allocation in the arena (`arena.<i>.reset`) and then returns its
 * dirty pages to the operating system (`arena.<i>.purge`). */
int dr_arena_reset_and_purge(unsigned arena);

/* Returns the arena's unused dirty pages to the operating system
 * (`arena.<i>.purge`), leaving its live allocations alone. Why: stores that
 * share an arena free their chunks one by one (dallocx), so the arena cannot be
 * reset, but the freed pages must still go back at once. */
int dr_arena_purge(unsigned arena);

/* Destroys the arena (`arena.<i>.destroy`). jemalloc 5.3 keeps about 4 KiB of
 * metadata per destroyed arena, so DenseRecords pools arenas instead. */
int dr_arena_destroy(unsigned arena);

/* Allocator-measured figures for one arena, in bytes. */
typedef struct dr_arena_stats {
    size_t allocated; /* small.allocated + large.allocated */
    size_t active;    /* pactive * page size */
    size_t resident;
    size_t mapped;
} dr_arena_stats_t;

/* Writes `epoch` to refresh jemalloc's statistics, then reads the arena's. */
int dr_arena_stats_read(unsigned arena, dr_arena_stats_t *stats_out);

/* Process-wide allocator figures, in bytes. */
typedef struct dr_allocator_stats {
    size_t allocated;
    size_t active;
    size_t resident;
    size_t mapped;
} dr_allocator_stats_t;

/* Flushes the calling thread's cache, writes `epoch`, and reads the
 * process-wide `stats.allocated`, `.active`, `.resident` and `.mapped`. */
int dr_allocator_stats_read(dr_allocator_stats_t *stats_out);

/* Returns every arena's unused dirty pages to the OS
 * (`arena.<MALLCTL_ARENAS_ALL>.purge`). Returns 0 or mallctl's code. */
int dr_allocator_purge_all(void);

/* The bytes the calling thread has allocated since it started
 * (`thread.allocated`, a monotonic counter). Returns 0 or mallctl's code. */
int dr_thread_allocated_bytes(uint64_t *bytes_out);

/* The linked jemalloc's version string (`version`), or "" if unreadable. */
const char *dr_allocator_version(void);

/* ---------------------------------------------------------------------------
 * Machine and allocator facts (implemented in dr_jemalloc.c)
 * ------------------------------------------------------------------------- */

/* The machine's physical memory in bytes: sysconf(_SC_PHYS_PAGES) times the
 * page size, saturated at SIZE_MAX / 2; 0 if sysconf cannot say. Why: requests
 * beyond it are refused before anything is allocated. */
size_t dr_physical_memory_bytes(void);

/* Online processors (sysconf(_SC_NPROCESSORS_ONLN)), at least 1. */
unsigned dr_processor_count(void);

/* The bytes jemalloc adds to every large extent for cache-oblivious placement:
 * one page when `opt.cache_oblivious` is on (the default), otherwise 0. Why: a
 * store's active bytes are its chunks' sizes plus this pad, per chunk, which
 * lets a store that shares an arena report its own figures exactly. */
size_t dr_large_extent_pad_bytes(void);

/* The bytes of [address, address + length) that are resident, by mincore(2).
 * `address` must be page-aligned. Returns 0 on error. */
size_t dr_resident_bytes(const void *address, size_t length);

/* ---------------------------------------------------------------------------
 * Fault injection (debug builds only)
 * ------------------------------------------------------------------------- */

/* True when this build of the C layer honours dr_fault_fail_chunk_allocation. */
bool dr_fault_injection_available(void);

/* Makes the `n`th chunk allocation from now (1 = the next) return NULL, once.
 * 0 disarms. Ignored unless dr_fault_injection_available(). */
void dr_fault_fail_chunk_allocation(uint64_t n);

#ifdef __cplusplus
}
#endif

#endif /* DR_JEMALLOC_H */
