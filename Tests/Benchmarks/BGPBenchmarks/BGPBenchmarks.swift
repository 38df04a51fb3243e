import Benchmark
import BGP

let benchmarks: @Sendable () -> Void = {
}
