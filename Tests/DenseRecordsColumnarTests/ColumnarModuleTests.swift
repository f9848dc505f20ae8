import DenseRecordsCore
import DenseRecordsColumnar
import Testing

@Suite struct ColumnarModuleTests {
    @Test func moduleReexportsCore() {
        let map = ZoneMap()
        #expect(map.isEmpty)
    }
}
