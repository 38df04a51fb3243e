#if canImport(Glibc)
import Glibc
#endif

/// Gives the C heap's free pages back to the kernel after a large flow
/// change (a first table, a reconnect, thousands of routes at once).
/// Building 100,000 endpoints' flows leaves free blocks between the ones
/// kept; glibc returns only the heap's top on its own, so without this the
/// agent's resident size stays at the transient peak.
enum HeapTrim {
    /// FLOW_MODs sent since the last trim that are worth one, counted at the
    /// end of each sync (a trim walks the heap: milliseconds at 100,000 endpoints).
    static let threshold = 10_000

    private typealias Trim = @convention(c) (Int) -> Int32

    /// glibc's `malloc_trim`, looked up at run time (nil on another C library).
    private static let trim: Trim? = {
        #if canImport(Glibc)
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_trim") else { return nil }
        return unsafeBitCast(symbol, to: Trim.self)
        #else
        return nil
        #endif
    }()

    /// Whether anything was given back.
    @discardableResult
    static func run() -> Bool { (trim?(0) ?? 0) == 1 }
}
