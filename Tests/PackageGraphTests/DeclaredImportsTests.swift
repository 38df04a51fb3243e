import Foundation
import Testing
import TestSupport

/// Package.swift against the sources: a target declares every module it
/// imports (nothing reaches it only through another target's dependencies)
/// and imports every module it declares (no dead edge in the graph). A test
/// target may declare an executable it never imports: that builds the
/// binary it runs. And the seams: codecs, values and sans-I/O cores reach no
/// runtime through the graph, the CLI no daemon runtime.
@Suite(.enabled(if: Command.which("swift") != nil, "swift is not on PATH"))
struct DeclaredImportsTests {
    /// Modules of the toolchain and the platform, which no target declares.
    static let platform: Set<String> = [
        "Foundation", "FoundationEssentials", "FoundationNetworking", "Glibc", "Musl", "Darwin", "Dispatch",
        "Synchronization", "Testing", "XCTest",
    ]

    struct Target: Sendable {
        var name: String
        var type: String
        var folder: URL
        var declared: [String]
    }

    @Test func everyTargetDeclaresWhatItImportsAndImportsWhatItDeclares() throws {
        let targets = try Self.targets()
        #expect(targets.count > 20, "dump-package listed \(targets.count) targets")
        let executables = Set(targets.filter { $0.type == "executable" }.map(\.name))
        var problems: [String] = []
        for target in targets where target.type != "system" {
            let imported = Self.imports(in: target.folder).subtracting(Self.platform)
            let declared = Set(target.declared.map { $0.replacingOccurrences(of: "-", with: "_") })
            let undeclared = imported.subtracting(declared)
            let unused = Set(target.declared.filter { !imported.contains($0.replacingOccurrences(of: "-", with: "_")) })
                .subtracting(target.type == "test" ? executables : [])
            if !undeclared.isEmpty { problems.append("\(target.name) imports \(undeclared.sorted()) without declaring them") }
            if !unused.isEmpty { problems.append("\(target.name) declares \(unused.sorted()) and never imports them") }
        }
        #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
    }

    /// Codecs, values and sans-I/O cores: fed bytes, events and time by the
    /// runtimes above them, they link none (NIOCore only for ByteBuffer).
    static let sansIO = [
        "NetAddress", "FieldReader", "Interning", "JSON", "OpenFlow", "Packets", "BGP", "BMP", "MRT", "OVSDB",
        "OpenFlowTables", "Overlay", "Agent", "CNI",
    ]
    /// The configuration's reader, values and files: read by the CLI, the
    /// CNI plugin and the fuzzer, they link no runtime.
    static let configuration = [
        "ConfigurationReader", "ConfigurationValues", "ConfigurationSections", "SocketFile", "ReflectorConfiguration", "AgentConfiguration",
    ]
    /// Our own modules that do I/O, log or keep metrics.
    static let ownRuntimes = [
        "OpenFlowController", "BGPSpeaker", "BMPClient", "MRTDump", "OVSDBClient", "AdminAPI", "SpeakerAdmin", "Pcap", "ProcessOutput",
        "ExecutableSupport",
    ]
    /// Shared by the tests and the fuzzers only.
    static let testHelpers = ["TestSupport", "FuzzDriver"]
    /// What does I/O, logs or keeps metrics: SwiftNIO's event loops and
    /// protocols, TLS, the logging and metrics back ends, and our own runtimes.
    static let runtimes = Set(["NIOPosix", "NIOSSL", "NIOHTTP1", "NIOEmbedded", "Logging", "Metrics", "Prometheus"] + ownRuntimes)

    /// The CLI talks to the daemons through the admin API's client and
    /// reports: it links neither daemon's runtime.
    static let daemonRuntimes: Set<String> = ["OpenFlowController", "BGPSpeaker", "OVSDBClient", "SpeakerAdmin", "BMPClient", "MRTDump"]

    struct Seam: Sendable, CustomStringConvertible {
        var module: String
        var forbidden: Set<String>
        var description: String { module }
    }

    static let seams = (sansIO + configuration).map { Seam(module: $0, forbidden: runtimes) }
        + [Seam(module: "swiftplanectl", forbidden: daemonRuntimes)]

    /// Every library target has a side of the seam: a new module is placed
    /// below the runtimes (and so checked) or among them, never left out.
    @Test func everyLibraryIsPlaced() throws {
        let libraries = Set(try Self.targets().filter { $0.type == "regular" }.map(\.name))
        let groups = [Self.sansIO, Self.configuration, Self.ownRuntimes, Self.testHelpers]
        let placed = groups.flatMap { $0 }
        #expect(libraries.subtracting(placed).isEmpty, "not placed in a group: \(libraries.subtracting(placed).sorted())")
        #expect(Set(placed).subtracting(libraries).isEmpty, "no such library: \(Set(placed).subtracting(libraries).sorted())")
        #expect(placed.count == Set(placed).count, "placed twice: \(placed.sorted())")
    }

    @Test(arguments: seams)
    func modulesReachNoRuntimeBelowThem(_ seam: Seam) throws {
        let module = seam.module
        let declared = Dictionary(uniqueKeysWithValues: try Self.targets().map { ($0.name, $0.declared) })
        #expect(declared[module] != nil, "no target \(module)")
        // Every module reachable from this one, with the path that reaches it.
        var reached: [String: [String]] = [module: [module]]
        var queue = [module]
        while let next = queue.popLast() {
            for dependency in declared[next] ?? [] where reached[dependency] == nil {
                reached[dependency] = reached[next]! + [dependency]
                queue.append(dependency)
            }
        }
        let edges = reached.filter { seam.forbidden.contains($0.key) }.values.map { $0.joined(separator: " -> ") }.sorted()
        #expect(edges.isEmpty, "\(edges.joined(separator: "\n"))")
    }

    /// The targets as SwiftPM reads Package.swift (its own scratch folder, so
    /// the build folder's lock held by this test run is not waited for).
    static func targets() throws -> [Target] { try dumped.get() }

    /// Read once for all the tests.
    static let dumped = Result { try dumpPackage() }

    static func dumpPackage() throws -> [Target] {
        let scratch = try TemporaryFolder.create("package-graph")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let run = try Command.run("swift", ["package", "--package-path", Repository.root.path, "--scratch-path", scratch.path, "dump-package"])
        guard run.status == 0 else { throw DumpError(text: run.stderr) }
        guard let package = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any],
              let targets = package["targets"] as? [[String: Any]]
        else { throw DumpError(text: String(run.stdout.prefix(300)) + run.stderr) }
        return targets.compactMap { t in
            guard let name = t["name"] as? String, let type = t["type"] as? String else { return nil }
            let path = t["path"] as? String ?? (type == "test" ? "Tests/\(name)" : "Sources/\(name)")
            // Each dependency is {"byName"|"target"|"product": [name, ...]}.
            let declared = (t["dependencies"] as? [[String: [Any]]] ?? []).compactMap { $0.values.first?.first as? String }
            return Target(name: name, type: type, folder: Repository.root.appendingPathComponent(path), declared: declared)
        }
    }

    /// The modules named by the `import` lines of the Swift files under a
    /// folder (`@testable import X`, `public import X`, `import struct X.Y`).
    static func imports(in folder: URL) -> Set<String> {
        let kinds: Set<Substring> = ["struct", "class", "enum", "func", "protocol", "typealias", "var", "let"]
        let modifiers: Set<Substring> = ["public", "package", "internal", "private", "fileprivate"]
        var modules: Set<String> = []
        guard let files = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil) else { return [] }
        for case let file as URL in files where file.pathExtension == "swift" {
            guard let text = try? String(contentsOf: file, encoding: .utf8) else { continue }
            // Only lines that start at the margin: an indented `import` is text
            // (a Python script in a string literal).
            for line in text.split(separator: "\n") where line.first == "@" || line.hasPrefix("import ") || modifiers.contains(where: { line.hasPrefix($0 + " ") }) {
                var words = line.split(separator: " ").drop { $0.hasPrefix("@") || modifiers.contains($0) }
                guard words.first == "import" else { continue }
                words = words.dropFirst()
                if let kind = words.first, kinds.contains(kind) { words = words.dropFirst() }
                if let module = words.first?.split(separator: ".").first { modules.insert(String(module)) }
            }
        }
        return modules
    }

    struct DumpError: Error, CustomStringConvertible {
        var text: String
        var description: String { "swift package dump-package gave no targets: \(text)" }
    }
}
