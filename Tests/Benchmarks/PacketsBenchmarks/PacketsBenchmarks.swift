import Benchmark
import Packets

let benchmarks: @Sendable () -> Void = {
}
