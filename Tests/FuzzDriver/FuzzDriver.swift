// What every libFuzzer target shares: its entry point. A target is an
// `@main` enum named like the target that conforms to `FuzzTarget`. Built by
// Tests/Tools/fuzz (-sanitize=fuzzer -DFUZZING) it hands its inputs to
// libFuzzer's driver; a plain build gives a program that says how to fuzz.
#if canImport(Glibc)
import Glibc
#endif

public protocol FuzzTarget {
    /// One input: a trap is a finding. 0 keeps the input; -1 keeps it out of the corpus.
    static func testOneInput(_ data: UnsafePointer<UInt8>, _ count: Int) -> CInt
}

extension FuzzTarget {
    /// SwiftPM names an executable's entry `<Target>_main` and links it as
    /// `main`; `@main` on the target's enum makes this that entry.
    public static func main() {
        #if FUZZING
        exit(runFuzzer(Self.testOneInput))
        #else
        print("Build and run with: Tests/Tools/fuzz 60 \(Self.self)")
        #endif
    }
}

#if FUZZING
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>, Int) -> CInt
) -> CInt

/// The target's input handler. A C callback cannot capture it, so it waits
/// here; set once before libFuzzer starts, which then calls back on this
/// thread only.
nonisolated(unsafe) private var handler: ((UnsafePointer<UInt8>, Int) -> CInt)?

/// The handler under libFuzzer's name: the `main` that -sanitize=fuzzer links
/// in refers to it (ours is the one that runs), and it is our callback too.
@_cdecl("LLVMFuzzerTestOneInput")
public func LLVMFuzzerTestOneInput(_ data: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    guard let handler else { fatalError("FuzzDriver: no target; start through FuzzTarget.main") }
    return handler(data, count)
}

/// Runs libFuzzer over this process's arguments with `testOneInput` as the input handler.
func runFuzzer(_ testOneInput: @escaping (UnsafePointer<UInt8>, Int) -> CInt) -> CInt {
    handler = testOneInput
    var argc = CommandLine.argc
    var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
    return LLVMFuzzerRunDriver(&argc, &argv, LLVMFuzzerTestOneInput)
}
#endif
