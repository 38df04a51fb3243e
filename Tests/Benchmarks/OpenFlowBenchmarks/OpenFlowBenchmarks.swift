import Benchmark
import OpenFlow

let benchmarks: @Sendable () -> Void = {
}
