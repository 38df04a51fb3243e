import NetAddress
import Testing

@Suite struct AddressTests {
    @Test(arguments: [
        ("02:42:c0:a8:00:02", UInt64(0x0242_c0a8_0002), "02:42:c0:a8:00:02"),
        ("FF:FF:FF:FF:FF:FF", 0xffff_ffff_ffff, "ff:ff:ff:ff:ff:ff"),
        ("00-1b-21-3a-4f-5e", 0x001b_213a_4f5e, "00:1b:21:3a:4f:5e"),
        ("00:00:00:00:00:00", 0, "00:00:00:00:00:00"),
    ])
    func ethernetAddressText(text: String, value: UInt64, printed: String) {
        let address = EthernetAddress(text)
        #expect(address?.rawValue == value)
        #expect(address?.description == printed)
        #expect(EthernetAddress(bytes: address?.bytes ?? []) == address)
    }

    @Test(arguments: ["", "02:42:c0:a8:00", "02:42:c0:a8:00:02:03", "2:42:c0:a8:00:02", "02:42:c0:a8:00:zz", "02:42-c0:a8:00:02", "02::42:c0:a8:00", "+2:42:c0:a8:00:02", "-0:42:c0:a8:00:02", "02:42:c0:a8:00:0\u{0662}"])
    func ethernetAddressRejects(text: String) {
        #expect(EthernetAddress(text) == nil)
    }

    @Test func ethernetAddressBits() {
        #expect(EthernetAddress.broadcast.isMulticast && EthernetAddress.broadcast.isBroadcast)
        #expect(EthernetAddress("33:33:00:00:00:01")?.isMulticast == true)
        #expect(EthernetAddress("02:42:c0:a8:00:02")?.isMulticast == false)
        #expect(EthernetAddress("02:42:c0:a8:00:02")?.isLocallyAdministered == true)
    }

    @Test(arguments: [("10.0.0.1", UInt32(0x0a00_0001)), ("255.255.255.255", 0xffff_ffff), ("0.0.0.0", 0), ("192.168.1.200", 0xc0a8_01c8)])
    func ipv4Text(text: String, value: UInt32) {
        #expect(IPv4Address(text)?.rawValue == value)
        #expect(IPv4Address(rawValue: value).description == text)
    }

    @Test(arguments: ["", "1.2.3", "1.2.3.4.5", "256.0.0.1", "01.2.3.4", "1.2.3.-4", "a.b.c.d", "1..2.3", "+1.2.3.4", "1.2.3.+4", "1.2.3.4 ", "1.2.3.\u{0664}", "1000.2.3.4"])
    func ipv4Rejects(text: String) {
        #expect(IPv4Address(text) == nil)
    }

    /// RFC 5952 canonical forms (§4 examples) and inputs that normalise to them.
    @Test(arguments: [
        ("2001:db8::1", "2001:db8::1"),
        ("2001:0db8:0000:0000:0000:0000:0000:0001", "2001:db8::1"),
        ("2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"),
        ("2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"),
        ("2001:DB8::AAAA", "2001:db8::aaaa"),
        ("::", "::"),
        ("::1", "::1"),
        ("fe80::", "fe80::"),
        ("ff02::1:ff00:2", "ff02::1:ff00:2"),
        ("::ffff:10.0.0.1", "::ffff:a00:1"),
        ("1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8"),
        ("1:0:0:2:0:0:0:3", "1:0:0:2::3"),
    ])
    func ipv6Text(text: String, canonical: String) {
        let address = IPv6Address(text)
        #expect(address?.description == canonical)
        #expect(IPv6Address(canonical) == address)
        #expect(IPv6Address(bytes: address?.bytes ?? []) == address)
    }

    @Test(arguments: ["", ":", ":::", "1::2::3", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7", "12345::", "g::1", "1:2:3:4:5:6:7:8::", "::1.2.3", "1:", "+1::", "::-0", "1.2.3.4", "1.2.3.4::", "::1.2.3.4:1", "1:2:3:4:5:6:7:1.2.3.4", "1:::2", "::ffff:01.2.3.4", "fe80::1%eth0"])
    func ipv6Rejects(text: String) {
        #expect(IPv6Address(text) == nil)
    }

    @Test func solicitedNodeGroup() {
        #expect(IPv6Address("fd00:10::1:2345:6789")?.solicitedNodeMulticast == IPv6Address("ff02::1:ff45:6789"))
    }

    /// Groups, bytes and the two halves describe the same 128 bits.
    @Test(arguments: [
        ("2001:db8::1", [UInt16(0x2001), 0xdb8, 0, 0, 0, 0, 0, 1], UInt64(0x2001_0db8_0000_0000), UInt64(1)),
        ("1:2:3:4:5:6:7:8", [1, 2, 3, 4, 5, 6, 7, 8], 0x0001_0002_0003_0004, 0x0005_0006_0007_0008),
        ("::ffff:192.168.1.200", [0, 0, 0, 0, 0, 0xffff, 0xc0a8, 0x01c8], 0, 0x0000_ffff_c0a8_01c8),
    ])
    func ipv6Layout(text: String, groups: [UInt16], high: UInt64, low: UInt64) {
        let address = IPv6Address(text)
        #expect(address?.groups == groups)
        #expect(address?.high == high && address?.low == low)
        #expect(IPv6Address(groups: groups) == address)
        #expect(address?.bytes == groups.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xff)] })
    }

    /// IPAddress picks the family from the byte count (EVPN route fields, next hops).
    @Test(arguments: [
        ([UInt8(10), 0, 0, 1], "10.0.0.1", UInt8(32)),
        ([0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x12], "2001:db8::12", 128),
    ])
    func ipAddressBytes(bytes: [UInt8], text: String, bitLength: UInt8) {
        let address = IPAddress(bytes: bytes)
        #expect(address == IPAddress(text))
        #expect(address?.description == text)
        #expect(address?.bytes == bytes)
        #expect(address?.bitLength == bitLength)
    }

    @Test(arguments: [0, 3, 5, 15, 17, 32])
    func ipAddressRejectsByteCounts(count: Int) {
        #expect(IPAddress(bytes: [UInt8](repeating: 1, count: count)) == nil)
    }

    /// RFC 4291 §2.5.5.2: an IPv4 address as IPv6 is ::ffff:a.b.c.d.
    @Test func ipv4MappedIPv6() {
        #expect(IPAddress("10.0.0.1")?.ipv6 == IPv6Address("::ffff:10.0.0.1"))
        #expect(IPAddress("2001:db8::1")?.ipv6 == IPv6Address("2001:db8::1"))
    }

    /// rawValue keeps only 48 bits however it is built, so equal addresses compare equal.
    @Test func ethernetAddressMasksRawValue() {
        #expect(EthernetAddress(rawValue: 0xabcd_0242_c0a8_0002) == EthernetAddress(0x02, 0x42, 0xc0, 0xa8, 0x00, 0x02))
        #expect(EthernetAddress(rawValue: UInt64.max) == .broadcast)
    }
}
