import AdminAPI
import Foundation
import Testing
import TestSupport

/// The admin server and client over real sockets: routes, JSON errors with
/// their statuses, the socket file's mode, a stale file replaced, a live one
/// refused, the file removed at stop, loopback-only TCP.
@Suite(.serialized)
struct AdminServerTests {
    struct Item: Codable, Hashable, Sendable {
        var name: String
        var count: Int
    }

    static func router() -> AdminRouter {
        var router = AdminRouter()
        router.get("/items") { request in
            let n = try request.integer("n", in: 0...10) ?? 2
            return (0..<n).map { Item(name: "item\($0)", count: $0) }
        }
        router.get("/fails") { _ -> [Item] in throw AdminError.unavailable("the switch is not connected") }
        return router
    }

    static func withServer(mode: mode_t = 0o600, _ body: (String, AdminServer) async throws -> Void) async throws {
        let folder = try TemporaryFolder.create("admin-api")
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("run/test.sock").path
        let server = AdminServer(address: .unix(path: path), router: router(), mode: mode)
        try await server.start()
        do { try await body(path, server) } catch {
            await server.stop()
            throw error
        }
        await server.stop()
    }

    @Test func jsonRoutesAnswerAndTheSocketIsPrivate() async throws {
        try await Self.withServer { path, _ in
            let client = AdminClient(address: .unix(path: path))
            #expect(try client.get("/items?n=3", as: [Item].self) == [Item(name: "item0", count: 0), Item(name: "item1", count: 1),
                                                                     Item(name: "item2", count: 2)])
            let response = try client.get("/items")
            #expect(response.status == 200)
            #expect(response.headers["content-type"] == "application/json")
            var st = stat()
            #expect(stat(path, &st) == 0)
            #expect(st.st_mode & 0o777 == 0o600)
            #expect(st.st_mode & S_IFMT == S_IFSOCK)
        }
    }

    @Test func groupModeIsApplied() async throws {
        try await Self.withServer(mode: 0o660) { path, _ in
            var st = stat()
            #expect(stat(path, &st) == 0)
            #expect(st.st_mode & 0o777 == 0o660)
        }
    }

    struct ErrorCase: Sendable, CustomStringConvertible {
        var target: String
        var status: Int
        var message: String
        var description: String { target }
    }

    static let errorCases: [ErrorCase] = [
        ErrorCase(target: "/nothing", status: 404, message: "no such path '/nothing'; this daemon serves /fails, /items"),
        ErrorCase(target: "/items?n=11", status: 400, message: "query parameter 'n': invalid value '11': expected an integer 0-10"),
        ErrorCase(target: "/items?n=two", status: 400, message: "query parameter 'n': invalid value 'two': expected an integer 0-10"),
        ErrorCase(target: "/items?n=%zz", status: 400, message: "bad percent-encoding in the query 'n=%zz'"),
        ErrorCase(target: "/fails", status: 503, message: "the switch is not connected"),
    ]

    @Test(arguments: errorCases)
    func errorsAreJSONWithTheirStatus(_ c: ErrorCase) async throws {
        try await Self.withServer { path, _ in
            let client = AdminClient(address: .unix(path: path))
            #expect(throws: AdminClientError.daemon(status: c.status, message: c.message)) { try client.get(c.target) }
        }
    }

    struct RawCase: Sendable, CustomStringConvertible {
        var request: String
        var status: Int
        var message: String
        var description: String { request.prefix(20).description }
    }

    static let rawCases: [RawCase] = [
        RawCase(request: "POST /items HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}", status: 405,
                message: "method POST not allowed on /items: GET only"),
        RawCase(request: "GARBAGE\r\n\r\n", status: 400, message: "malformed HTTP request"),
        RawCase(request: "GET /items HTTP/1.1\r\nContent-Length: x\r\n\r\n", status: 400, message: "malformed HTTP request"),
    ]

    @Test(arguments: rawCases)
    func malformedRequestsGetAnErrorAndTheServerCarriesOn(_ c: RawCase) async throws {
        try await Self.withServer { path, _ in
            let client = AdminClient(address: .unix(path: path))
            let response = try client.exchange(Array(c.request.utf8))
            #expect(response.status == c.status)
            let body = try JSONDecoder().decode(AdminErrorBody.self, from: Data(response.body))
            #expect(body.error.hasPrefix(c.message), "\(body.error)")
            // Others carry on.
            #expect(try client.get("/items?n=1", as: [Item].self).count == 1)
        }
    }

    @Test func aSilentClientIsCutOffAndOthersCarryOn() async throws {
        let folder = try TemporaryFolder.create("admin-api")
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("idle.sock").path
        let server = AdminServer(address: .unix(path: path), router: Self.router(), idleTimeout: .milliseconds(300))
        try await server.start()
        // Half a request, then silence: the server closes within the idle time.
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var sun = sockaddr_un()
        sun.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &sun.sun_path) { raw in for (i, b) in path.utf8.enumerated() { raw[i] = b } }
        let connected = withUnsafePointer(to: &sun) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) } }
        #expect(connected == 0)
        _ = "GET /items HTTP/1.1\r\nHost: x\r\n".withCString { send(fd, $0, strlen($0), 0) }
        var tv = timeval(tv_sec: 3, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        var byte: UInt8 = 0
        // 0: closed by the server (the 3 s receive timeout would give -1).
        #expect(recv(fd, &byte, 1, 0) == 0, "the silent connection was not closed")
        #expect(try AdminClient(address: .unix(path: path)).get("/items?n=1", as: [Item].self).count == 1)
        await server.stop()
    }

    @Test func staleSocketIsReplacedLiveOneRefusedAndRemovedAtStop() async throws {
        try await Self.withServer { path, server in
            // A second daemon on the same live socket is refused.
            let second = AdminServer(address: .unix(path: path), router: Self.router())
            await #expect(throws: AdminServerError.self) { try await second.start() }
            #expect(try AdminClient(address: .unix(path: path)).get("/items").status == 200)
            await server.stop()
            #expect(!FileManager.default.fileExists(atPath: path))

            // A socket file nobody listens on (a daemon killed with -9) is replaced.
            let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
            var sun = sockaddr_un()
            sun.sun_family = sa_family_t(AF_UNIX)
            withUnsafeMutableBytes(of: &sun.sun_path) { raw in for (i, b) in path.utf8.enumerated() { raw[i] = b } }
            let bound = withUnsafePointer(to: &sun) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) } }
            close(fd)
            #expect(bound == 0)
            #expect(FileManager.default.fileExists(atPath: path))
            let third = AdminServer(address: .unix(path: path), router: Self.router())
            try await third.start()
            #expect(try AdminClient(address: .unix(path: path)).get("/items?n=1", as: [Item].self).count == 1)
            await third.stop()
        }
    }

    @Test func aRegularFileIsNotReplaced() async throws {
        let folder = try TemporaryFolder.create("admin-api")
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("not-a-socket").path
        try "keep me".write(toFile: path, atomically: true, encoding: .utf8)
        let server = AdminServer(address: .unix(path: path), router: Self.router())
        await #expect(throws: AdminServerError.self) { try await server.start() }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "keep me")
    }

    /// Both address families: the client dials IPv4 and IPv6 its own way.
    @Test(arguments: ["127.0.0.1", "::1"])
    func loopbackTCPServesAndTheClientNamesAnUnreachableSocket(host: String) async throws {
        let server = AdminServer(address: .tcp(host: host, port: 0), router: Self.router())
        let bound = try await server.start()
        defer { Task { await server.stop() } }
        #expect(try AdminClient(address: bound).get("/items?n=0", as: [Item].self) == [])
        let missing = AdminAddress.unix(path: "/nonexistent/swiftplane.sock")
        #expect(throws: AdminClientError.unreachable(missing, "No such file or directory")) { try AdminClient(address: missing).get("/items") }
        await server.stop()
    }

    struct AddressCase: Sendable, CustomStringConvertible {
        var text: String
        var allow: Bool
        var expected: AdminAddress?
        var description: String { "\(text) allow=\(allow)" }
    }

    static let addressCases: [AddressCase] = [
        AddressCase(text: "/run/swiftplane/rr.sock", allow: false, expected: .unix(path: "/run/swiftplane/rr.sock")),
        AddressCase(text: "unix:/tmp/a.sock", allow: false, expected: .unix(path: "/tmp/a.sock")),
        AddressCase(text: "127.0.0.1:9179", allow: false, expected: .tcp(host: "127.0.0.1", port: 9179)),
        AddressCase(text: "127.5.6.7:0", allow: false, expected: .tcp(host: "127.5.6.7", port: 0)),
        AddressCase(text: "[::1]:9179", allow: false, expected: .tcp(host: "::1", port: 9179)),
        AddressCase(text: "10.0.0.1:9179", allow: false, expected: nil),
        AddressCase(text: "0.0.0.0:9179", allow: false, expected: nil),
        AddressCase(text: "[::]:9179", allow: false, expected: nil),
        AddressCase(text: "10.0.0.1:9179", allow: true, expected: .tcp(host: "10.0.0.1", port: 9179)),
        AddressCase(text: "localhost:9179", allow: true, expected: nil),
        AddressCase(text: "127.0.0.1:65536", allow: false, expected: nil),
        AddressCase(text: "/" + String(repeating: "x", count: 120), allow: false, expected: nil),
    ]

    @Test(arguments: addressCases)
    func addressesAreLoopbackUnlessAllowed(_ c: AddressCase) {
        let parsed = try? AdminAddress(parsing: c.text, allowNonLoopback: c.allow)
        #expect(parsed == c.expected)
    }

    struct ResponseCase: NamedRow {
        var name: String
        var bytes: String
        var error: HTTPResponseError?
    }

    static let responseCases: [ResponseCase] = [
        ResponseCase(name: "good", bytes: "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n[]", error: nil),
        ResponseCase(name: "no end of headers", bytes: "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n", error: HTTPResponseError(reason: "no end of headers (CRLF CRLF)", offset: 36)),
        ResponseCase(name: "not HTTP", bytes: "SSH-2.0-OpenSSH\r\n\r\n", error: HTTPResponseError(reason: "bad status line 'SSH-2.0-OpenSSH'", offset: 0)),
        ResponseCase(name: "status out of range", bytes: "HTTP/1.1 999 Odd\r\n\r\n", error: HTTPResponseError(reason: "bad status line 'HTTP/1.1 999 Odd'", offset: 0)),
        ResponseCase(name: "header without colon", bytes: "HTTP/1.1 200 OK\r\nbroken\r\n\r\n", error: HTTPResponseError(reason: "header line without a colon 'broken'", offset: 17)),
        ResponseCase(name: "short body", bytes: "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n[]", error: HTTPResponseError(reason: "body shorter than Content-Length 10 (2 bytes)", offset: 41)),
        ResponseCase(name: "bad length", bytes: "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", error: HTTPResponseError(reason: "bad Content-Length '-1'", offset: 35)),
        ResponseCase(name: "empty", bytes: "", error: HTTPResponseError(reason: "no end of headers (CRLF CRLF)", offset: 0)),
    ]

    @Test(arguments: responseCases)
    func responseParsingIsTotal(_ c: ResponseCase) {
        do {
            let r = try HTTPResponse(parsing: Array(c.bytes.utf8))
            #expect(c.error == nil, "parsed \(r)")
            #expect(r.body == Array("[]".utf8))
        } catch {
            #expect(error == c.error)
        }
    }
}
