import BGP
import NIOCore
import Testing
import TestSupport

/// Every vector we have, as wire bytes: hand-written ones, the value table
/// encoded, and the malformed UPDATEs wrapped in a header.
let everyVector: [[UInt8]] = handVectors.map(\.bytes) + allMessages.map { Wire.encode($0) }
    + malformedUpdates.map { Wire.message(type: 2, $0.body) }

/// Decoding any bytes gives a value or a typed error; a value re-encodes to
/// bytes that decode to the same value (stability), never a trap.
func checkStable(_ bytes: [UInt8], options: SessionOptions = SessionOptions()) {
    guard let m = try? BGPMessage.decode(ByteBuffer(bytes: bytes), options: options) else { return }
    let again = m.encoded(options: options)
    let back = try? BGPMessage.decode(again, options: options)
    #expect(back == m, "unstable: \(Hex.string(bytes))")
}

let twoOctetAddPath = SessionOptions(fourOctetAS: false, addPath: [.l2vpnEVPN, .ipv4Unicast])

@Suite struct RobustnessTests {
    @Test(arguments: everyVector.indices)
    func everyTruncation(_ i: Int) {
        let v = everyVector[i]
        for n in 0..<v.count {
            // Header fixed up to the cut length, so the body decoder sees the cut.
            var cut = Array(v[..<n])
            if n >= 18 { cut[16] = UInt8(n >> 8); cut[17] = UInt8(n & 0xff) }
            checkStable(cut)
            if n >= 19 { _ = Update.decode(body: ByteBuffer(bytes: cut[19...])) }
        }
    }

    @Test(arguments: everyVector.indices)
    func everyBitFlip(_ i: Int) {
        let v = everyVector[i]
        for byte in 0..<v.count {
            for bit in 0..<8 {
                var f = v
                f[byte] ^= 1 << bit
                // Half the flips also under 2-octet AS and add-path, to keep the suite fast.
                if (byte + bit) % 2 == 0 { checkStable(f) } else { checkStable(f, options: twoOctetAddPath) }
            }
        }
    }

    /// Messages come out whole whatever the reads: taken after each read,
    /// or only once many reads wait (messages then straddle queued reads).
    @Test(arguments: [true, false])
    func streamDecoderSplitsAnyChunking(takingEachRead: Bool) throws {
        let stream = everyVector.prefix(handVectors.count + allMessages.count).flatMap { $0 }
        for chunk in [1, 7, 19, 100, stream.count] {
            var d = MessageStreamDecoder()
            var out: [[UInt8]] = []
            var i = 0
            while i < stream.count {
                d.append(ByteBuffer(bytes: stream[i..<min(i + chunk, stream.count)]))
                i += chunk
                if takingEachRead || i >= stream.count { while let m = try d.next() { out.append(Wire.bytes(m)) } }
            }
            #expect(out == Array(everyVector.prefix(handVectors.count + allMessages.count)))
            #expect(d.pendingBytes == 0)
        }
    }

    /// A bad header behind whole messages, in reads that split it, is named at its offset in the stream.
    @Test func streamDecoderNamesTheOffsetAcrossReads() throws {
        let good = Wire.encode(.keepalive)
        let bad = try #require(Hex.bytes("ffffffffffffffffffffffffffffffff 0012 04"))
        let stream = good + good + bad
        var d = MessageStreamDecoder()
        for k in stride(from: 0, to: stream.count, by: 5) { d.append(ByteBuffer(bytes: stream[k..<min(k + 5, stream.count)])) }
        #expect(try d.next() != nil)
        #expect(try d.next() != nil)
        do {
            _ = try d.next()
            Issue.record("a length of 18 was taken")
        } catch {
            #expect(error.offset == 2 * good.count + 16)
            #expect(error.notification.code == 1 && error.notification.subcode == 2)
        }
    }

    @Test(arguments: [
        ("bad marker", "fffffffffffffffffffffffffffffffe 0013 04", UInt8(1), UInt8(1), 0),
        ("length 18", "ffffffffffffffffffffffffffffffff 0012 04", 1, 2, 16),
        ("length 4097", "ffffffffffffffffffffffffffffffff 1001 02", 1, 2, 16),
    ])
    func streamDecoderRejects(_ name: String, _ hex: String, _ code: UInt8, _ subcode: UInt8, _ offset: Int) throws {
        var d = MessageStreamDecoder()
        d.append(try #require(Hex.bytes(hex)))
        #expect(throws: BGPDecodingError.self) { _ = try d.next() }
        do { _ = try d.next() } catch {
            #expect(error.notification.code == code && error.notification.subcode == subcode)
            #expect(error.offset == offset)
        }
    }

    @Test func extendedMessageLengthAccepted() throws {
        var d = MessageStreamDecoder(maximumMessageLength: 65535)
        let big = Update(attributes: PathAttributes([PathAttribute(.communities((0..<2000).map { Community(rawValue: $0) }))]))
        let bytes = Wire.encode(.update(big))
        #expect(bytes.count > 4096)
        d.append(bytes)
        let m = try #require(try d.next())
        guard case .update(let u) = try BGPMessage.decode(m, options: SessionOptions(extendedMessage: true)) else {
            Issue.record("not an update"); return
        }
        #expect(u.attributes.communities == big.attributes.communities)
        #expect(throws: BGPDecodingError.self) { try BGPMessage.decode(m) }
    }

    @Test(arguments: [
        ("KEEPALIVE of length 20", "ffffffffffffffffffffffffffffffff 0014 04 00", UInt8(1), UInt8(2)),
        ("type 9", "ffffffffffffffffffffffffffffffff 0013 09", 1, 3),
        ("ROUTE-REFRESH of length 24", "ffffffffffffffffffffffffffffffff 0018 05 00010001 00", 7, 1),
        ("OPEN parameters length past the end", "ffffffffffffffffffffffffffffffff 001d 01 04 fde9 005a 0a000001 05", 2, 0),
        ("capability of a wrong length", "ffffffffffffffffffffffffffffffff 0021 01 04 fde9 005a 0a000001 04 02 02 4100", 2, 0),
    ])
    func messageErrors(_ name: String, _ hex: String, _ code: UInt8, _ subcode: UInt8) throws {
        let bytes = try #require(Hex.bytes(hex))
        do {
            let m = try BGPMessage.decode(ByteBuffer(bytes: bytes))
            Issue.record("decoded \(m)")
        } catch {
            #expect(error.notification.code == code && error.notification.subcode == subcode, "\(error)")
        }
    }
}
