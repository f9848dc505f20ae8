import DenseRecordsCore
import DenseRecordsParquet
import Testing

@Suite struct ParquetModuleTests {
    @Test func moduleReexportsCore() {
        let map = ZoneMap()
        #expect(map.isEmpty)
    }
}
