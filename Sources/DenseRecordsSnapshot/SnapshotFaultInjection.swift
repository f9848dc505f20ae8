@_spi(Testing) public import DenseRecordsCore

/// The snapshot tests' name for ``FileFaultInjection``: the same checkpoints,
/// which every file write in DenseRecords passes, snapshots included.
@_spi(Testing)
public typealias SnapshotFaultInjection = FileFaultInjection
