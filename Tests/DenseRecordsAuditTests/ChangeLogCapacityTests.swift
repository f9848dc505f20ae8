import DenseRecordsAudit
import DenseRecordsArena
import DenseRecordsTestSupport
import Foundation
import Testing

/// Caps this process's address space at its current size plus `extraBytes`.
///
/// Called first in a child process that asks for more than the machine has, so
/// that if the capacity check ever stopped refusing, the allocation would fail
/// in the child instead of taking the machine's memory.
private func limitAddressSpace(extraBytes: Int) {
    let statm = (try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8)) ?? ""
    let pages = statm.split(separator: " ").first.flatMap { Int($0) } ?? 0
    let bytes = rlim_t(pages * Int(sysconf(Int32(_SC_PAGESIZE))) + extraBytes)
    var limit = rlimit(rlim_cur: bytes, rlim_max: bytes)
    guard setrlimit(__rlimit_resource_t(RLIMIT_AS.rawValue), &limit) == 0 else {
        reportAndExit(false, "setrlimit(RLIMIT_AS) failed with errno \(errno)")
    }
}

@Suite("ChangeLog capacity limits")
struct ChangeLogCapacityTests {
    @Test("A capacity beyond physical memory traps with a message naming the request and the limit")
    func oversizedCapacityTraps() async throws {
        let result = try await #require(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            limitAddressSpace(extraBytes: 4 << 30)
            _ = ChangeLog(capacity: 1 << 40)
        }
        let message = String(decoding: result.standardErrorContent, as: UTF8.self)
        #expect(message.contains("ChangeLog capacity 1099511627776 needs 87960930222080 bytes"), "\(message)")
        #expect(message.contains("bytes of physical memory"), "\(message)")
    }

    @Test("A capacity whose size overflows Int traps with a message saying so")
    func overflowingCapacityTraps() async throws {
        let result = try await #require(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            limitAddressSpace(extraBytes: 4 << 30)
            _ = ChangeLog(capacity: Int.max / 2)
        }
        let message = String(decoding: result.standardErrorContent, as: UTF8.self)
        #expect(message.contains("ChangeLog capacity \(Int.max / 2)"), "\(message)")
        #expect(message.contains("overflows Int"), "\(message)")
    }

    @Test("A capacity of zero traps with a message saying it must be positive")
    func zeroCapacityTraps() async throws {
        let result = try await #require(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = ChangeLog(capacity: 0)
        }
        let message = String(decoding: result.standardErrorContent, as: UTF8.self)
        #expect(message.contains("ChangeLog capacity must be positive, got 0"), "\(message)")
    }

    @Test("The checked initializer throws for capacities that are not positive or whose size overflows Int")
    func checkedInitializerRefusesImpossibleCounts() {
        #expect(throws: ChangeLogError.capacityNotPositive(requested: 0)) { try ChangeLog(checkedCapacity: 0) }
        #expect(throws: ChangeLogError.capacityNotPositive(requested: -5)) { try ChangeLog(checkedCapacity: -5) }
        #expect(throws: ChangeLogError.capacityOverflows(requested: Int.max, bytesPerEvent: 80)) {
            try ChangeLog(checkedCapacity: Int.max)
        }
    }

    @Test("The checked initializer accepts what fits and reports the machine's limit")
    func checkedInitializerAccepts() throws {
        let log = try ChangeLog(checkedCapacity: 16)
        #expect(log.capacity == 16)
        #expect(ChangeLog.bytesPerEvent == MemoryLayout<ChangeEvent>.stride)
        let physical = Int(sysconf(Int32(_SC_PHYS_PAGES))) * Int(sysconf(Int32(_SC_PAGESIZE)))
        #expect(ChangeLog.maximumCapacity == physical / ChangeLog.bytesPerEvent)
    }

    @Test("The checked initializer throws for a capacity beyond physical memory, before allocating")
    func checkedInitializerRefusesBeyondPhysicalMemory() async throws {
        // In a child under an address-space cap: if the check ever stopped refusing, the
        // allocation would fail there instead of exhausting the machine.
        let result = try await #require(processExitsWith: .success, observing: [\.standardErrorContent]) {
            limitAddressSpace(extraBytes: 4 << 30)
            let physical = Int(sysconf(Int32(_SC_PHYS_PAGES))) * Int(sysconf(Int32(_SC_PAGESIZE)))
            var outcomes: [String] = []
            var passed = true
            for capacity in [ChangeLog.maximumCapacity + 1, 1 << 40] {
                do throws(ChangeLogError) {
                    let log = try ChangeLog(checkedCapacity: capacity)
                    outcomes.append("\(capacity): created a log of capacity \(log.capacity)")
                    passed = false
                } catch {
                    let expected = ChangeLogError.capacityExceedsPhysicalMemory(
                        requested: capacity, requestedBytes: capacity * 80, physicalMemoryBytes: physical)
                    outcomes.append("\(capacity): \(error)")
                    passed = passed && error == expected
                }
            }
            reportAndExit(passed, outcomes.joined(separator: "; "))
        }
        let (passed, report) = measuredVerdict(result.standardErrorContent)
        #expect(passed, "\(report)")
    }

    @Test("The checked initializer throws when the allocator refuses a request below physical memory",
          .disabled(if: sanitizerActive, "a sanitizer's allocator ends the process instead of returning NULL"))
    func checkedInitializerReportsAllocatorRefusal() async throws {
        let result = try await #require(processExitsWith: .success, observing: [\.standardErrorContent]) {
            // 1 GiB of events under a cap of 256 MiB above what the process already maps.
            let capacity = (1 << 30) / ChangeLog.bytesPerEvent
            guard capacity <= ChangeLog.maximumCapacity else { reportAndExit(true, "skipped: less than 1 GiB of memory") }
            limitAddressSpace(extraBytes: 256 << 20)
            do throws(ChangeLogError) {
                let log = try ChangeLog(checkedCapacity: capacity)
                reportAndExit(false, "created a log of capacity \(log.capacity) under the cap")
            } catch {
                let expected = ChangeLogError.outOfMemory(requested: capacity, requestedBytes: capacity * 80)
                reportAndExit(error == expected, "threw \(error)")
            }
        }
        let (passed, report) = measuredVerdict(result.standardErrorContent)
        #expect(passed, "\(report)")
    }
}
