@testable import OpenFlowTables
import Testing
import TestSupport

/// The shadow's dense table of digests against a `Dictionary` fed the same
/// random inserts, updates and removals (keys drawn from a small range so
/// that they collide, cluster and wrap around the end of the slots).
@Suite("DigestTable: open addressing equals a Dictionary")
struct DigestTableTests {
    @Test("random operations", arguments: [1, 2, 3, 4] as [UInt64])
    func randomOperations(seed: UInt64) {
        var random = SplitMix64(state: seed)
        var table = DigestTable(placeholder: -1)
        var reference: [Int: Int] = [:]
        for step in 0..<20_000 {
            // Keys 0 and 1 are the same slot key (0 is taken as 1), so only positive keys here, and some huge ones.
            let key = Bool.random(using: &random) ? Int.random(in: 1...600, using: &random) : Int.random(in: 2...Int.max, using: &random) / 2 + 2
            if Int.random(in: 0..<3, using: &random) == 0 {
                table[key] = nil
                reference[key] = nil
            } else {
                table[key] = step
                reference[key] = step
            }
            if step % 1_000 == 0 {
                #expect(table.count == reference.count)
                for (key, value) in reference { #expect(table[key] == value) }
            }
        }
        #expect(table.count == reference.count)
        for (key, value) in reference { #expect(table[key] == value) }
        for key in 1...600 where reference[key] == nil { #expect(table[key] == nil) }
    }
}
