// A program that depends on this layer alone gets the record types with it:
// its public API speaks of SensorRecord and sensor_record_t.
@_exported public import DenseRecordsCore
