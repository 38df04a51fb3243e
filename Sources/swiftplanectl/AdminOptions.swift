import AdminAPI
import ArgumentParser
import ExecutableSupport
import Foundation

/// Where the daemon is and how to print its answer; shared by every admin subcommand.
struct AdminOptions: ParsableArguments {
    @Option(name: .customLong("socket"), help: "The daemon's admin socket path, or HOST:PORT.")
    var socket: String?

    @Flag(help: "Print the daemon's JSON instead of a table.")
    var json = false

    @Option(help: "Seconds to wait for the daemon's answer (default 15); a live dump of a large switch takes longer.")
    var timeout: Int = 15

    /// Asks the daemon for `target`: prints its JSON as is, or decodes it
    /// and hands it to `table`. Unreachable daemon or error answer: exit 1.
    func show<T: Decodable>(_ target: String, defaultSocket: AdminAddress, as type: T.Type, table: (T) -> String) throws {
        try call(target, post: false, defaultSocket: defaultSocket, as: type, table: table)
    }

    /// An action: POSTs `target`, prints the answer (JSON or `table`).
    func act<T: Decodable>(_ target: String, defaultSocket: AdminAddress, as type: T.Type, table: (T) -> String) throws {
        try call(target, post: true, defaultSocket: defaultSocket, as: type, table: table)
    }

    /// `--socket`, else the local daemon's socket found in the run folder (said on stderr).
    func address(defaultSocket: AdminAddress) throws -> AdminAddress {
        if let socket {
            do { return try AdminAddress(parsing: socket, allowNonLoopback: true) } catch {
                throw ValidationError("--socket: \(error)")
            }
        }
        switch SocketDiscovery.find(for: defaultSocket) {
        case let .success((address, daemon)):
            printError("swiftplanectl: using \(address) (\(daemon))")
            return address
        case let .failure(error):
            printError("swiftplanectl: \(error)")
            throw ExitCode(1)
        }
    }

    private func call<T: Decodable>(_ target: String, post: Bool, defaultSocket: AdminAddress, as type: T.Type, table: (T) -> String) throws {
        guard timeout > 0 else { throw ValidationError("--timeout: must be at least 1 second, got \(timeout)") }
        let client = AdminClient(address: try address(defaultSocket: defaultSocket), timeout: timeout)
        do {
            let response = try post ? client.post(target) : client.get(target)
            if json {
                FileHandle.standardOutput.write(Data(response.body))
            } else {
                let value: T
                do { value = try JSONDecoder().decode(T.self, from: Data(response.body)) } catch {
                    throw AdminClientError.undecodable(target: target, reason: "\(error)")
                }
                print(table(value), terminator: "")
            }
        } catch {
            printError("swiftplanectl: \(error)")
            throw ExitCode(1)
        }
    }
}

/// The admin API path with the query of the parameters that are set, in
/// their order, each value percent-escaped.
func adminTarget(_ path: String, _ parameters: KeyValuePairs<String, String?>) -> String {
    let query = parameters.compactMap { name, value in value.map { "\(name)=\(escaped($0))" } }
    return path + (query.isEmpty ? "" : "?" + query.joined(separator: "&"))
}

/// A query value: all but letters, digits and -._~: percent-escaped.
func escaped(_ text: String) -> String {
    text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~:"))) ?? text
}

/// --vni: a VNI has 24 bits.
func validateVNI(_ vni: UInt32?) throws {
    if let vni, vni > 0xff_ffff { throw ValidationError("--vni: invalid value '\(vni)': a VNI is 0-16777215") }
}

/// Columns padded to their widest cell, two spaces apart; a note under it.
struct TextTable {
    var headers: [String]
    var rows: [[String]] = []

    init(_ headers: String...) { self.headers = headers }

    /// One row an item.
    init<Items: Sequence>(_ headers: String..., rows items: Items, _ row: (Items.Element) -> [String]) {
        self.headers = headers
        rows = items.map(row)
    }

    mutating func add(_ cells: [String]) { rows.append(cells) }

    func render(empty: String) -> String {
        guard !rows.isEmpty else { return empty + "\n" }
        var widths = headers.map(\.count)
        for row in rows { for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], cell.count) } }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { i, cell in
                i == cells.count - 1 ? cell : cell.padding(toLength: widths[i], withPad: " ", startingAt: 0)
            }.joined(separator: "  ") + "\n"
        }
        return line(headers) + rows.map(line).joined()
    }
}

/// Seconds as the operator reads an uptime: 3d04h, 2h05m, 4m10s, 12s.
func duration(_ seconds: Double) -> String {
    let s = Int(seconds)
    if s >= 86400 { return "\(s / 86400)d\(String(format: "%02d", s % 86400 / 3600))h" }
    if s >= 3600 { return "\(s / 3600)h\(String(format: "%02d", s % 3600 / 60))m" }
    if s >= 60 { return "\(s / 60)m\(String(format: "%02d", s % 60))s" }
    return "\(s)s"
}
