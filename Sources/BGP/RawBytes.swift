/// Fast fixed-layout reading and writing over raw bytes, for the hot EVPN
/// NLRI path: one bounds check per NLRI instead of one per field. Every read
/// is still checked (an overrun reads zero and is flagged), so a layout
/// mistake cannot read outside the buffer.
struct RawReader {
    let bytes: UnsafeRawBufferPointer
    var offset = 0
    private(set) var overrun = false

    init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    @inline(__always)
    mutating func read<T: FixedWidthInteger>(_: T.Type) -> T {
        let size = MemoryLayout<T>.size
        guard offset >= 0, size <= bytes.count &- offset else {
            overrun = true
            return 0
        }
        let v = T(bigEndian: bytes.loadUnaligned(fromByteOffset: offset, as: T.self))
        offset &+= size
        return v
    }

    @inline(__always) mutating func u8() -> UInt8 { read(UInt8.self) }
    @inline(__always) mutating func u16() -> UInt16 { read(UInt16.self) }
    @inline(__always) mutating func u32() -> UInt32 { read(UInt32.self) }
    @inline(__always) mutating func u64() -> UInt64 { read(UInt64.self) }
    @inline(__always) mutating func u24() -> UInt32 { UInt32(u8()) << 16 | UInt32(u16()) }

    mutating func esi() -> EthernetSegmentIdentifier { EthernetSegmentIdentifier(high: u16(), low: u64()) }
    mutating func mac() -> EthernetAddress { EthernetAddress(rawValue: UInt64(u16()) << 32 | UInt64(u32())) }
    mutating func label() -> MPLSLabel { MPLSLabel(rawValue: u24()) }
    mutating func rd() -> RouteDistinguisher { RouteDistinguisher(rawValue: u64()) }
    /// 4 or 16 bytes; the caller has checked the count.
    mutating func ip(byteCount: Int) -> IPAddress {
        byteCount == 4 ? .v4(IPv4Address(rawValue: u32())) : .v6(IPv6Address(high: u64(), low: u64()))
    }
}

struct RawWriter {
    let bytes: UnsafeMutableRawBufferPointer
    var offset = 0

    init(_ bytes: UnsafeMutableRawBufferPointer) { self.bytes = bytes }

    /// Writes nothing past the end (the caller reserved enough).
    @inline(__always)
    mutating func write<T: FixedWidthInteger>(_ v: T) {
        let size = MemoryLayout<T>.size
        guard size <= bytes.count &- offset else { return }
        bytes.storeBytes(of: v.bigEndian, toByteOffset: offset, as: T.self)
        offset &+= size
    }

    @inline(__always) mutating func u24(_ v: UInt32) { write(UInt8(truncatingIfNeeded: v >> 16)); write(UInt16(truncatingIfNeeded: v)) }
    mutating func esi(_ e: EthernetSegmentIdentifier) { write(e.high); write(e.low) }
    mutating func mac(_ m: EthernetAddress) { write(UInt16(truncatingIfNeeded: m.rawValue >> 32)); write(UInt32(truncatingIfNeeded: m.rawValue)) }
    mutating func label(_ l: MPLSLabel) { u24(l.rawValue) }
    mutating func ip(_ a: IPAddress) {
        switch a {
        case .v4(let x): write(x.rawValue)
        case .v6(let x): write(x.high); write(x.low)
        }
    }
}
