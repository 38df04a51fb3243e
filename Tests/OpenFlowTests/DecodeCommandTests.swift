import Foundation
import TestSupport
import Testing

/// Runs the built `swiftplanectl decode openflow` (CI builds it with `swift build --build-tests`).
@Suite("swiftplanectl decode openflow")
struct DecodeCommandTests {
    static let binary: String? = Command.builtProduct("swiftplanectl")
    static let absent = Comment(rawValue: "swiftplanectl is not built: run swift build --build-tests first")

    func run(_ arguments: [String], input: [UInt8]) throws -> CommandResult {
        try Command.run(Self.binary ?? "swiftplanectl", ["decode", "openflow"] + arguments, input: Data(input))
    }

    func objects(_ stdout: String) throws -> [[String: Any]] {
        try stdout.split(separator: "\n").map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        }
    }

    @Test("one JSON object per message, re-encoded to the input bytes", .enabled(if: binary != nil, absent))
    func stream() throws {
        let result = try run(["--reencode", "-"], input: StreamDecoderTests.stream)
        #expect(result.status == 0, "\(result.stderr)")
        let lines = try objects(result.stdout)
        #expect(lines.map { $0["xid"] as? Int } == [1, 2, 3, 4, 5, 6, 7])
        #expect(lines.map { $0["type"] as? String } == [
            "OFPT_HELLO", "OFPT_ECHO_REQUEST", "OFPT_BARRIER_REQUEST", "OFPT_FEATURES_REPLY", "OFPT_SET_CONFIG",
            "OFPT_ROLE_REQUEST", "OFPT_HELLO",
        ])
        #expect(lines.map { $0["version"] as? Int } == [4, 4, 4, 4, 4, 4, 6])
        #expect(lines.map { $0["reencoded"] as? String } == HandVectors.all.map { Hex.string(HandVectors.bytes($0)) })
        let features = (lines[3]["message"] as? [String: Any])?["features_reply"] as? [String: Any]
        #expect(features?["datapath_id"] as? Int == 0xabc)
        #expect(features?["n_tables"] as? Int == 254)
    }

    @Test("a bad message: the good ones first, then exit 1 with the offset", .enabled(if: binary != nil, absent))
    func badMessage() throws {
        // A barrier, then a SET_CONFIG one byte short (length 11) starting at byte 8.
        let input = HandVectors.bytes(HandVectors.barrier) + HandVectors.bytes("04 09 00 0b 00000005 0000 ff")
        let result = try run([], input: input)
        #expect(result.status == 1)
        #expect(try objects(result.stdout).map { $0["type"] as? String } == ["OFPT_BARRIER_REQUEST"])
        #expect(result.stderr.contains("miss_send_len"))
        #expect(result.stderr.contains("byte offset 18"))
    }

    @Test("a stream cut inside a message is an error at the message's offset", .enabled(if: binary != nil, absent))
    func truncatedStream() throws {
        let input = HandVectors.bytes(HandVectors.barrier) + Array(HandVectors.bytes(HandVectors.hello).prefix(12))
        let result = try run([], input: input)
        #expect(result.status == 1)
        #expect(result.stderr.contains("byte offset 8"))
    }

    @Test("--help teaches with an example", .enabled(if: binary != nil, absent))
    func help() throws {
        let result = try run(["--help"], input: [])
        #expect(result.status == 0)
        #expect(result.stdout.contains("Example"))
        #expect(result.stdout.contains("--reencode"))
    }
}
