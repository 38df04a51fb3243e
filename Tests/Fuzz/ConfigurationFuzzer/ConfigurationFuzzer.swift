// libFuzzer entry point for both daemons' YAML configuration loaders and the
// agent's state file. Built
// by Tests/Tools/fuzz with -sanitize=fuzzer -DFUZZING; a plain build gives a
// program that says so.
import Agent
import AgentConfiguration
import ConfigurationReader
import Foundation
import FuzzDriver
import NetAddress
import Overlay
import ReflectorConfiguration

/// The input is a configuration file. Bytes that are not UTF-8 never reach a
/// parser (both `load`s refuse them first), so they are rejected here and
/// kept out of the corpus. Text goes to both loaders; each must give a value
/// or a `ConfigurationError` that says where: the file, then the path of the
/// field, which starts at a field of the format or at the unknown field.
func fuzz(_ data: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: data, count: count)
    stateFile(bytes)
    // Decoding repairs bad sequences, so a text that differs from its bytes was not UTF-8.
    let text = String(decoding: bytes, as: UTF8.self)
    guard text.utf8.elementsEqual(bytes) else { return -1 }
    agent(text)
    reflector(text)
    return 0
}

let file = "fuzz.yaml"

func agent(_ text: String) {
    do {
        let configuration = try AgentConfiguration.parse(yaml: text, file: file)
        // Checked values only: what the loader promises the daemon.
        require(!configuration.bridges.isEmpty, "agent: accepted without a bridge")
        require(Set(configuration.tenants.map(\.instance.vni)).count == configuration.tenants.count, "agent: a VNI accepted twice")
        // A pure function of the text.
        require((try? AgentConfiguration.parse(yaml: text, file: file)) == configuration, "agent: a second parse differs")
    } catch {
        requireWellFormed(error, agentFields, "agent")
    }
}

func reflector(_ text: String) {
    do {
        let configuration = try ConfigurationFile.parse(text, file: file)
        if let listen = configuration.listen { require((0...65535).contains(listen.port), "rr: listen port \(listen.port)") }
        for neighbor in configuration.neighbors ?? [] {
            require((1...65535).contains(neighbor.port), "rr: neighbour port \(neighbor.port)")
            require(neighbor.password.map { !$0.isEmpty } ?? true, "rr: an empty password accepted")
        }
        if let hold = configuration.holdTime, let keepalive = configuration.keepalive, hold != 0 {
            require(keepalive < hold, "rr: keepalive \(keepalive) not below hold \(hold)")
        }
    } catch {
        requireWellFormed(error, reflectorFields, "rr")
    }
}

/// Both loaders' errors have one shape: the file, the path of the field
/// (empty for the whole document; else starting at a field of the format,
/// or at the unknown field), the value when one is to blame, a reason.
func requireWellFormed(_ error: ConfigurationError, _ fields: Set<String>, _ who: String) {
    let at = error.path.isEmpty ? "\(file): " : "\(file): \(error.path): "
    let value = error.value.map { "invalid value '\(FileText.quoted($0, limit: 80))': " } ?? ""
    require(error.file == file && error.description == at + value + error.reason && !error.reason.isEmpty,
            "\(who): \(error.description) does not name the file and the field")
    if !error.path.isEmpty {
        requireKnown(error.path, unknownField: error.reason.hasPrefix("unknown field"), fields, "\(who): \(error)")
    }
}

/// The agent's state file (JSON, any bytes): a state, or an error that
/// names the field (or the file) and says why. A state is restored into a
/// core with one bridge and VNI 10: what the core keeps must be in range and
/// of today's configuration, and each entry restored or left out with a reason.
func stateFile(_ bytes: UnsafeBufferPointer<UInt8>) {
    do {
        let state = try LearnedState.decode(Data(bytes))
        if let savedAt = state.savedAt { require(LearnedState.savedAtRange.contains(savedAt), "state: savedAt \(savedAt) accepted") }
        var core = AgentCore(settings: stateSettings)
        core.setPorts(.init(ports: [1: stateVNI, 2: stateVNI]), bridge: "br0")
        let report = core.restore(state, downtime: .seconds(5), at: .now)
        let read = state.version == LearnedState.currentVersion
        require(report.restored + report.skipped.count == (read ? state.gleaned.count : 1), "state: an entry neither restored nor left out")
        require(report.skipped.allSatisfy { !$0.isEmpty && $0.count < 1000 }, "state: a reason empty or unbounded")
        for entry in core.learnedState(at: .now).gleaned {
            require(entry.bridge == "br0" && entry.vni == stateVNI.rawValue, "state: \(entry.bridge) VNI \(entry.vni) kept")
            require(LearnedState.portRange.contains(entry.port), "state: port \(entry.port) kept")
            require(LearnedState.silentSecondsRange.contains(entry.silentSeconds), "state: silence \(entry.silentSeconds) kept")
        }
        // Today's ports: what is kept sits on a port of its VNI.
        core.setPorts(.init(ports: [1: stateVNI]), bridge: "br0")
        require(core.learnedState(at: .now).gleaned.allSatisfy { $0.port == 1 }, "state: an endpoint kept on a port not in its VNI")
    } catch {
        require(!error.reason.isEmpty, "state: an error without a reason")
    }
}

let stateVNI = VNI(rawValue: 10)!
let stateSettings = AgentCore.Settings(
    vtep: .v4(IPv4Address(10, 0, 0, 1)), tenants: [.init(instance: EVPNInstance.automatic(vni: stateVNI, asn: 65000)!)],
    vxlanPorts: ["br0": 100], maximumGleanedPerVNI: 64, gleanedExpiry: .seconds(300))

/// The top-level fields each format documents (deploy/*.example.yaml): the
/// both listed here (a field added to a loader must be added here, or the
/// fuzzer stops at its first error).
let agentFields: Set<String> = ["vtep", "as", "router-id", "log-level", "admin", "bgp-listen", "route-reflectors", "controller",
                                "gleaned-expiry", "duplicate-mac", "bridges", "vnis", "graceful-restart", "endpoints",
                                "state-file", "flow-audit-interval", "metrics", "bmp"]
let reflectorFields: Set<String> = ["as", "router-id", "cluster-id", "listen", "accept", "neighbors", "timers", "max-prefixes",
                                    "max-peers", "max-output-queue", "graceful-restart", "log-level", "admin", "route-target-constraint",
                                    "metrics", "bmp", "mrt"]

/// A path names a field when it starts at one of the format's fields; an
/// unknown field's path may instead be that field's own (arbitrary) name.
func requireKnown(_ path: String, unknownField: Bool, _ fields: Set<String>, _ what: @autoclosure () -> String) {
    let first = String(path.prefix { $0 != "." && $0 != "[" })
    require(fields.contains(first) || unknownField, "\(what()): the path does not start at a field")
}

/// A broken promise is a crash, so libFuzzer keeps the input.
func require(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition { fatalError(message()) }
}

@main
enum ConfigurationFuzzer: FuzzTarget {
    static func testOneInput(_ data: UnsafePointer<UInt8>, _ count: Int) -> CInt { fuzz(data, count) }
}
