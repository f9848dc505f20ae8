// A program that depends on this layer alone gets the record types with it:
// its public API speaks of SensorRecord, sensor_record_t and RecordBlockStore.
@_exported public import DenseRecordsCore
