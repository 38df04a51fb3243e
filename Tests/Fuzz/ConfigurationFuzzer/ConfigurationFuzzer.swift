// libFuzzer entry point for both daemons' YAML configuration loaders. Built
// by Tests/Tools/fuzz with -sanitize=fuzzer -DFUZZING; a plain build gives a
// program that says so.
import AgentConfiguration
import FuzzDriver
import ReflectorConfiguration

/// The input is a configuration file. Bytes that are not UTF-8 never reach a
/// parser (both `load`s refuse them first), so they are rejected here and
/// kept out of the corpus. Text goes to both loaders; each must give a value
/// or a `ConfigurationError` that says where: the file, then the path of the
/// field, which starts at a field of the format or at the unknown field.
func fuzz(_ data: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: data, count: count)
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
        let prefix = error.path.isEmpty ? "\(file): " : "\(file): \(error.path): "
        require(error.file == file && error.description == prefix + error.reason && !error.reason.isEmpty,
                "agent: \(error.description) does not name the file and the field")
        if !error.path.isEmpty {
            requireKnown(error.path, unknownField: error.reason.hasPrefix("unknown field"), agentFields, "agent: \(error)")
        }
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
        // The value is quoted escaped and cut: the description frames it.
        require(error.file == file && error.description.hasPrefix("\(file): \(error.path): invalid value '")
                && error.description.hasSuffix("': \(error.reason)")
                && !error.reason.isEmpty, "rr: \(error.description) does not name the file and the field")
        if error.path != "(document)" && error.path != "(file)" {
            requireKnown(error.path, unknownField: error.reason.hasPrefix("unknown field"), reflectorFields, "rr: \(error)")
        }
    }
}

/// The top-level fields each format documents (deploy/*.example.yaml): the
/// reflector's from its loader, the agent's listed here (a field added to the
/// agent's loader must be added here, or the fuzzer stops at its first error).
let agentFields: Set<String> = ["vtep", "as", "router-id", "log-level", "admin", "bgp-listen", "route-reflectors", "controller",
                                "gleaned-expiry", "duplicate-mac", "bridges", "vnis", "graceful-restart", "endpoints",
                                "state-file", "flow-audit-interval", "metrics"]
let reflectorFields = ConfigurationFile.topKeys

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
