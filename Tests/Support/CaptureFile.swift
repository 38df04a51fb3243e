/// How many packets a capture file holds so far, those matching a tcpdump
/// filter (`filter`: its words) or all. `tcpdump -U` writes each packet as
/// it comes: a test waits on this count before it reads the file, not a
/// fixed time (the file may be read while tcpdump still runs).
public func capturedPackets(_ path: String, _ filter: [String] = []) -> Int {
    guard let dump = try? Command.run("tcpdump", ["-r", path, "-n"] + filter) else { return 0 }
    return dump.stdout.split(separator: "\n").count
}
