import OpenFlowController
import Testing

/// When a large reconciliation logs its progress: chunks cover every
/// FLOW_MOD once, in order, and a line is due at most once a second, never
/// for the last chunk.
@Suite("ReconcileProgress: chunks and progress lines of a large flow sync")
struct ReconcileProgressTests {
    @Test("chunks cover 0..<count in order, each at most `chunk` long",
          arguments: [1, ReconcileProgress.chunk, ReconcileProgress.chunk + 1, 3 * ReconcileProgress.chunk + 7, 1_000_000])
    func chunks(count: Int) {
        let chunks = ReconcileProgress.chunks(count)
        #expect(chunks.first?.lowerBound == 0 && chunks.last?.upperBound == count)
        #expect(zip(chunks, chunks.dropFirst()).allSatisfy { $0.upperBound == $1.lowerBound })
        #expect(chunks.allSatisfy { !$0.isEmpty && $0.count <= ReconcileProgress.chunk })
        #expect(ReconcileProgress.isLarge(count) == (chunks.count > 1))
    }

    /// (milliseconds after the start at which each chunk is confirmed, the chunks after which a line is due)
    static let timelines: [([Int], [Int])] = [
        ([300, 600, 900, 1200], []),                 // the whole sync within a second and a bit: the summary says it
        ([400, 1100, 1500, 2200, 2300], [1, 3]),     // one line a second at most
        ([1000, 2000, 3000], [0, 1]),                // never for the last chunk
        ([5000, 5001, 5002, 6100, 9000], [0, 3]),
    ]

    @Test("a line a second at most, none for the last chunk", arguments: timelines)
    func lines(milliseconds: [Int], due: [Int]) {
        let start = ContinuousClock.now
        let total = milliseconds.count * 10
        var progress = ReconcileProgress(total: total, startedAt: start)
        var lines: [Int] = []
        for (i, ms) in milliseconds.enumerated() where progress.confirmed(10, at: start + .milliseconds(ms)) {
            lines.append(i)
        }
        #expect(lines == due)
        #expect(progress.sent == total && progress.description == "\(total)/\(total) (100%)")
    }
}
