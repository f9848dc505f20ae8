// The umbrella module: `import DenseRecords` brings every Swift layer of the
// package, and nothing else. A service that needs less depends on the layer's
// own product (DenseRecordsArena, DenseRecordsAudit, ...) and builds less; see
// the README's module table for what each costs.
//
// No C module is re-exported here. The one C type in the public API,
// `sensor_record_t`, reaches users through DenseRecordsCore.

@_exported public import DenseRecordsCore
@_exported public import DenseRecordsArena
@_exported public import DenseRecordsAudit
@_exported public import DenseRecordsSnapshot
@_exported public import DenseRecordsArrow
@_exported public import DenseRecordsParquet
@_exported public import DenseRecordsQuery
@_exported public import DenseRecordsColumnar
@_exported public import DenseRecordsPipeline
