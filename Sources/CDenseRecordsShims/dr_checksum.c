/*
 * dr_checksum.c — CRC32C with an SSE4.2 path and a portable fallback.
 *
 * Why C: the hardware path needs the `crc32` instruction through
 * <nmmintrin.h>, which Swift cannot call. The instruction is enabled per
 * function with a target("sse4.2") attribute, never with global flags, so the
 * rest of the target still runs on any x86-64, and the choice between the two
 * paths is made once at run time with __builtin_cpu_supports.
 */
#include "dr_checksum.h"

#include <pthread.h>
#include <string.h>

#define DR_CRC32C_POLY 0x82F63B78u /* reflected Castagnoli polynomial */

/* Slicing-by-8 tables, built once on first use under pthread_once, so two
 * threads that checksum at the same moment never write the tables together
 * (a data race even though the values would agree). */
static uint32_t dr_crc32c_table[8][256];
static pthread_once_t dr_crc32c_tables_once = PTHREAD_ONCE_INIT;

static void dr_crc32c_build_tables(void) {
    for (uint32_t n = 0; n < 256; n++) {
        uint32_t crc = n;
        for (int k = 0; k < 8; k++) crc = (crc >> 1) ^ (DR_CRC32C_POLY & (0u - (crc & 1u)));
        dr_crc32c_table[0][n] = crc;
    }
    for (uint32_t n = 0; n < 256; n++) {
        uint32_t crc = dr_crc32c_table[0][n];
        for (int k = 1; k < 8; k++) {
            crc = dr_crc32c_table[0][crc & 0xFF] ^ (crc >> 8);
            dr_crc32c_table[k][n] = crc;
        }
    }
}

uint32_t dr_crc32c_software(uint32_t crc, const void *data, size_t length) {
    pthread_once(&dr_crc32c_tables_once, dr_crc32c_build_tables);
    const unsigned char *p = (const unsigned char *)data;
    uint32_t c = ~crc;
    while (length >= 8) {
        uint64_t word;
        memcpy(&word, p, 8); /* little-endian, unaligned-safe */
        uint32_t lo = (uint32_t)word ^ c;
        uint32_t hi = (uint32_t)(word >> 32);
        c = dr_crc32c_table[7][lo & 0xFF] ^ dr_crc32c_table[6][(lo >> 8) & 0xFF] ^
            dr_crc32c_table[5][(lo >> 16) & 0xFF] ^ dr_crc32c_table[4][lo >> 24] ^
            dr_crc32c_table[3][hi & 0xFF] ^ dr_crc32c_table[2][(hi >> 8) & 0xFF] ^
            dr_crc32c_table[1][(hi >> 16) & 0xFF] ^ dr_crc32c_table[0][hi >> 24];
        p += 8;
        length -= 8;
    }
    while (length--) c = dr_crc32c_table[0][(c ^ *p++) & 0xFF] ^ (c >> 8);
    return ~c;
}

#if defined(__x86_64__)
#include <nmmintrin.h>

/* One stream of 8-byte steps. The instruction has a 3-cycle latency, so this
 * runs near 8 bytes per 3 cycles; three interleaved streams would be faster but
 * need a GF(2) combine step, which the verify target (1 GB/s) does not call
 * for. docs/snapshot-format.md gives the measured figures. */
__attribute__((target("sse4.2")))
static uint32_t dr_crc32c_sse42(uint32_t crc, const void *data, size_t length) {
    const unsigned char *p = (const unsigned char *)data;
    uint64_t c = (uint32_t)~crc;
    while (length >= 8) {
        uint64_t word;
        memcpy(&word, p, 8);
        c = _mm_crc32_u64(c, word);
        p += 8;
        length -= 8;
    }
    while (length--) c = _mm_crc32_u8((uint32_t)c, *p++);
    return ~(uint32_t)c;
}
#endif

/* 0 = not yet checked, 1 = software, 2 = hardware. Racing first calls both
 * store the same answer. */
static int dr_crc32c_mode;

bool dr_crc32c_is_hardware(void) {
    int mode = __atomic_load_n(&dr_crc32c_mode, __ATOMIC_RELAXED);
    if (mode == 0) {
        mode = 1;
#if defined(__x86_64__)
        __builtin_cpu_init();
        if (__builtin_cpu_supports("sse4.2")) mode = 2;
#endif
        __atomic_store_n(&dr_crc32c_mode, mode, __ATOMIC_RELAXED);
    }
    return mode == 2;
}

uint32_t dr_crc32c(uint32_t crc, const void *data, size_t length) {
#if defined(__x86_64__)
    if (dr_crc32c_is_hardware()) return dr_crc32c_sse42(crc, data, length);
#endif
    return dr_crc32c_software(crc, data, length);
}
