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

    /// How many heaps (arenas) glibc may keep at most. By default it opens
    /// one per thread that allocates, up to eight per core: the agent's bulk
    /// work moves between the event loops and the concurrency pool's
    /// threads, and each heap keeps its own free blocks, so its resident size
    /// at 100,000 remote endpoints was about 15% higher than with two.
    static let arenas: Int32 = 2

    private typealias Option = @convention(c) (Int32, Int32) -> Int32

    /// Limits the heaps to `arenas`, unless `MALLOC_ARENA_MAX` says otherwise
    /// (glibc reads it itself). Call it first, before the threads start.
    static func limitArenas() {
        #if canImport(Glibc)
        guard getenv("MALLOC_ARENA_MAX") == nil,
              let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return }
        let mArenaMax: Int32 = -8  // M_ARENA_MAX in malloc.h
        _ = unsafeBitCast(symbol, to: Option.self)(mArenaMax, arenas)
        #endif
    }
}
