import Packets
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

    @Test(arguments: ["", "02:42:c0:a8:00", "02:42:c0:a8:00:02:03", "2:42:c0:a8:00:02", "02:42:c0:a8:00:zz", "02:42-c0:a8:00:02", "02::42:c0:a8:00"])
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

    @Test(arguments: ["", "1.2.3", "1.2.3.4.5", "256.0.0.1", "01.2.3.4", "1.2.3.-4", "a.b.c.d", "1..2.3"])
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

    @Test(arguments: ["", ":", ":::", "1::2::3", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7", "12345::", "g::1", "1:2:3:4:5:6:7:8::", "::1.2.3", "1:"])
    func ipv6Rejects(text: String) {
        #expect(IPv6Address(text) == nil)
    }

    @Test func solicitedNodeGroup() {
        #expect(IPv6Address("fd00:10::1:2345:6789")?.solicitedNodeMulticast == IPv6Address("ff02::1:ff45:6789"))
    }
}
