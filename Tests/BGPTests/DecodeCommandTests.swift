import BGP
import Foundation
import Testing
import TestSupport

/// `swiftplanectl decode bgp`: one JSON object per message, re-encoded hex
/// equal to the input, exit 1 after the good messages on a bad one.
@Suite struct DecodeCommandTests {
    static func run(_ arguments: [String], input: [UInt8]) throws -> CommandResult? {
        guard let ctl = Command.builtProduct("swiftplanectl") else { return nil }
        return try Command.run(ctl, ["decode", "bgp"] + arguments, input: Data(input))
    }

    static func objects(_ stdout: String) throws -> [[String: Any]] {
        try stdout.split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
    }

    @Test(.enabled(if: Command.builtProduct("swiftplanectl") != nil, "swiftplanectl is not built (swift build --build-tests)"))

    func decodesEveryHandVectorAndReencodesIt() throws {
        let input = handVectors.filter { $0.options == SessionOptions() }
        let r = try #require(try Self.run(["--reencode", "-"], input: input.flatMap(\.bytes)), "swiftplanectl not built (swift build --build-tests), although its check at the start said it was")
        #expect(r.status == 0, "\(r.stderr)")
        let objects = try Self.objects(r.stdout)
        #expect(objects.count == input.count)
        var offset = 0
        for (o, v) in zip(objects, input) {
            #expect(o["reencoded"] as? String == Hex.string(v.bytes), "\(v.name)")
            #expect(o["offset"] as? Int == offset)
            #expect(o["length"] as? Int == v.bytes.count)
            offset += v.bytes.count
        }
        #expect(objects.map { $0["type"] as? String } == ["KEEPALIVE", "OPEN", "NOTIFICATION", "ROUTE-REFRESH", "UPDATE", "UPDATE"])
    }

    @Test(.enabled(if: Command.builtProduct("swiftplanectl") != nil, "swiftplanectl is not built (swift build --build-tests)"))

    func showsEVPNFieldsByName() throws {
        let bytes = Wire.encode(.update(Sample.evpnUpdate([Sample.type2])))
        let r = try #require(try Self.run([], input: bytes), "swiftplanectl not built, although its check at the start said it was")
        #expect(r.status == 0)
        for text in ["\"52:54:00:12:34:56\"", "\"10.0.0.11\"", "\"10.0.0.1:5\"", "\"65000:10000\"", "\"tunnel_type\":8", "\"label1\":10000"] {
            #expect(r.stdout.contains(text), "\(text) not in \(r.stdout)")
        }
    }

    @Test(.enabled(if: Command.builtProduct("swiftplanectl") != nil, "swiftplanectl is not built (swift build --build-tests)"))

    func stopsWithStatusOneAfterTheGoodMessages() throws {
        let bad = Wire.message(type: 2, "0000 0004 40 01 01 09 18 0a0001")  // ORIGIN 9, no AS_PATH
        let r = try #require(try Self.run([], input: Wire.encode(.keepalive) + bad + Wire.encode(.keepalive)), "swiftplanectl not built, although its check at the start said it was")
        #expect(r.status == 1)
        #expect(try Self.objects(r.stdout).count == 1)
        #expect(r.stderr.contains("bad BGP message"), "\(r.stderr)")
        #expect(r.stderr.contains("at offset 45 "), "the error names its offset in the input: \(r.stderr)")
    }

    @Test(.enabled(if: Command.builtProduct("swiftplanectl") != nil, "swiftplanectl is not built (swift build --build-tests)"))
    func aStreamCutInsideAMessageNamesWhereItStarts() throws {
        let keepalive = Wire.encode(.keepalive)
        let r = try #require(try Self.run([], input: keepalive + keepalive.prefix(10)), "swiftplanectl not built, although its check at the start said it was")
        #expect(r.status == 1)
        #expect(try Self.objects(r.stdout).count == 1)
        #expect(r.stderr.contains("truncated BGP message at byte offset 19: 10 bytes left"), "\(r.stderr)")
    }

    @Test(.enabled(if: Command.builtProduct("swiftplanectl") != nil, "swiftplanectl is not built (swift build --build-tests)"))

    func helpHasAnExample() throws {
        let r = try #require(try Self.run(["--help"], input: []), "swiftplanectl not built, although its check at the start said it was")
        #expect(r.stdout.contains("Example"))
        #expect(r.stdout.contains("--reencode"))
    }
}
