import Foundation
import NIOCore
import Pcap
import Testing
import TestSupport


/// Frames of assorted sizes (empty, tiny, jumbo) with distinct contents.
let frameSets: [[[UInt8]]] = [
    [],
    [[0x01]],
    [Array(repeating: 0xab, count: 60), Array(0..<255), Array(repeating: 0, count: 1514)],
    (0..<50).map { n in (0..<(n * 37 % 300 + 14)).map { UInt8(truncatingIfNeeded: $0 &* n) } },
    [Array(repeating: 0x5a, count: 9000)],
]

@Suite struct PcapReaderTests {
    @Test(arguments: frameSets.indices)
    func writtenFramesReadBackFromFileAndMemory(set: Int) throws {
        let frames = frameSets[set]
        let folder = try TemporaryFolder.create()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("frames.pcap").path
        let writer = try PcapWriter(path: path)
        for (i, frame) in frames.enumerated() {
            try writer.write(ByteBuffer(bytes: frame), timestamp: PcapTimestamp(seconds: Int64(1000 + i), nanoseconds: UInt32(i) * 1000),
                             originalLength: frame.count + i)
        }
        writer.close()

        let fromFile = try PcapReader.frames(path: path)
        let fromMemory = try PcapReader(bytes: try Data(contentsOf: URL(fileURLWithPath: path))).readAll()
        for read in [fromFile, fromMemory] {
            #expect(read.count == frames.count)
            for (i, (frame, expected)) in zip(read, frames).enumerated() {
                #expect(Array(frame.data.readableBytesView) == expected)
                #expect(frame.timestamp == PcapTimestamp(seconds: Int64(1000 + i), nanoseconds: UInt32(i) * 1000))
                #expect(frame.originalLength == expected.count + i)
                #expect(frame.capturedLength == expected.count)
                #expect(frame.linkType == .ethernet)
            }
        }
    }

    /// Inputs that are not captures: libpcap's own message comes back, typed.
    @Test(arguments: [
        Array("this is not a capture file at all".utf8),
        [],
        [0xd4, 0xc3, 0xb2, 0xa1, 0x02, 0x00],  // a pcap magic and then nothing
    ])
    func notACaptureIsATypedError(bytes: [UInt8]) throws {
        let folder = try TemporaryFolder.create()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("junk.pcap").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        for open in [{ try PcapReader(path: path) }, { try PcapReader(bytes: bytes) }] {
            #expect {
                _ = try open()
            } throws: { error in
                guard let error = error as? PcapError else { return false }
                return error.operation == .open && !error.message.isEmpty
            }
        }
    }

    @Test func missingFileNamesTheFile() {
        #expect {
            _ = try PcapReader(path: "/nonexistent/capture.pcap")
        } throws: { error in
            (error as? PcapError)?.message.contains("/nonexistent/capture.pcap") == true
        }
    }

    @Test func closedReaderAndWriterRefuseWork() throws {
        let folder = try TemporaryFolder.create()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("one.pcap").path
        let writer = try PcapWriter(path: path)
        try writer.write(ByteBuffer(bytes: [1, 2, 3]))
        writer.close()
        #expect(throws: PcapError.self) { try writer.write(ByteBuffer(bytes: [1])) }
        let reader = try PcapReader(path: path)
        #expect(try reader.next() != nil)
        reader.close()
        #expect(throws: PcapError.self) { try reader.next() }
    }

    /// pcapng written by Wireshark's editcap reads back the same frames.
    @Test(.enabled(if: Command.which("editcap") != nil, "editcap (wireshark-common) is not installed"))
    func pcapngFromEditcapReads() throws {
        let editcap = try #require(Command.which("editcap"), "editcap (wireshark-common) is not installed, although its check at the start said it was")
        let folder = try TemporaryFolder.create()
        defer { try? FileManager.default.removeItem(at: folder) }
        let pcap = folder.appendingPathComponent("a.pcap").path
        let pcapng = folder.appendingPathComponent("a.pcapng").path
        let frames = frameSets[3]
        try PcapWriter.write(frames.map { ByteBuffer(bytes: $0) }, to: pcap)
        let result = try Command.run(editcap, ["-F", "pcapng", pcap, pcapng])
        #expect(result.status == 0, "\(result.stderr)")
        let read = try PcapReader.frames(path: pcapng)
        #expect(read.map { Array($0.data.readableBytesView) } == frames)
        let fromMemory = try PcapReader(bytes: try Data(contentsOf: URL(fileURLWithPath: pcapng))).readAll()
        #expect(fromMemory.map { Array($0.data.readableBytesView) } == frames)
    }
}
