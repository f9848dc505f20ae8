/*
 * dense_records.h — the packed record layout of DenseRecords.
 *
 * This is the package's one public C declaration: the record type
 * `sensor_record_t`, its layout assertions, and nothing else. No function, no
 * allocator header: `import DenseRecords` brings this type into a Swift
 * program's scope and no C function. The unit codes and CRC32C live in the
 * internal target CDenseRecordsShims, and the jemalloc shims in
 * CDenseRecordsJemalloc.
 */
#ifndef DR_DENSE_RECORDS_H
#define DR_DENSE_RECORDS_H

#include <stddef.h>
#include <stdint.h>

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
 *       20     1  unit          uint8, a unit code (DenseRecords' SensorUnit; unknown codes are kept as is)
 *
 * Fields after the first are unaligned; read them by value (the compiler emits
 * unaligned loads), never through a `double *` or `int64_t *`.
 */
typedef struct __attribute__((packed)) {
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

#endif /* DR_DENSE_RECORDS_H */
