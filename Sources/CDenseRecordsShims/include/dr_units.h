/*
 * dr_units.h — the unit codes stored in sensor_record_t.unit.
 *
 * Internal to DenseRecords: SensorUnit (DenseRecordsCore) gives them Swift
 * names, and the tests check that the two agree.
 */
#ifndef DR_UNITS_H
#define DR_UNITS_H

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

#endif /* DR_UNITS_H */
