import DenseRecordsCore
import DenseRecordsQuery
import Testing

@Suite struct QueryModuleTests {
    @Test func moduleReexportsCore() {
        let map = ZoneMap()
        #expect(map.isEmpty)
    }
}
