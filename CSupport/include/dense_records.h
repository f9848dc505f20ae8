/*
 * dense_records.h — the C layer of DenseRecords.
 *
 * Every function, enumerator and macro this header defines starts with
 * `dr_` / `DR_`. The one exception is the record type name `sensor_record_t`,
 * which is the package's published C type name (its struct tag is
 * `dr_sensor_record`).
 *
 * Swift code does not call these functions directly; the internal Swift layer
 * in Sources/DenseRecords/Arena wraps them under Swift names.
 */
#ifndef DR_DENSE_RECORDS_H
#define DR_DENSE_RECORDS_H

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
 * The record
 * ------------------------------------------------------------------------- */

/*
 * One sensor reading, packed to 21 bytes with no padding.
 *
 * Byte layout (little-endian, as on every platform DenseRecords supports):
 *
 *   offset  size  field
 *        0     4  sensor_id     uint32
 *        4     8  timestamp_ns  int64, nanoseconds since the Unix epoch (UTC)
 *       12     8  value         IEEE 754 binary64
 *       20     1  unit          uint8, one of dr_unit (other codes are kept as is)
 *
 * Fields after the first are unaligned; read them by value (the compiler emits
 * unaligned loads), never through a `double *` or `int64_t *`.
 */
typedef struct __attribute__((packed)) dr_sensor_record {
    uint32_t sensor_id;
    int64_t timestamp_ns;
    double value;
    uint8_t unit;
} sensor_record_t;

_Static_assert(sizeof(sensor_record_t) == 21, "sensor_record_t must be 21 bytes");
_Static_assert(_Alignof(sensor_record_t) == 1, "sensor_record_t must be byte-aligned");
_Static_assert(offsetof(sensor_record_t, sensor_id) == 0, "sensor_id at offset 0");
_Static_assert(offsetof(sensor_record_t, timestamp_ns) == 4, "timestamp_ns at offset 4");
_Static_assert(offsetof(sensor_record_t, value) == 12, "value at offset 12");
_Static_assert(offsetof(sensor_record_t, unit) == 20, "unit at offset 20");
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "DenseRecords documents its record layout as little-endian"
#endif

/* Unit codes stored in sensor_record_t.unit. Codes not listed are preserved. */
enum dr_unit {
    DR_UNIT_UNKNOWN = 0,
    DR_UNIT_CELSIUS = 1,
    DR_UNIT_PERCENT = 2,
    DR_UNIT_PASCAL = 3,
    DR_UNIT_VOLT = 4,
    DR_UNIT_AMPERE = 5,
    DR_UNIT_LUX = 6,
    DR_UNIT_PPM = 7,
    DR_UNIT_COUNT = 8,
    DR_UNIT_WATT = 9,
    DR_UNIT_HERTZ = 10,
    DR_UNIT_METER_PER_SECOND = 11,
    /* One past the highest known code. */
    DR_UNIT_END = 12
};

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

/* The linked jemalloc's version string (`version`), or "" if unreadable. */
const char *dr_allocator_version(void);

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

#endif /* DR_DENSE_RECORDS_H */
