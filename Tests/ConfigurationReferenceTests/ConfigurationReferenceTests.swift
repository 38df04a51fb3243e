import AgentConfiguration
import ConfigurationReader
import Foundation
import ReflectorConfiguration
import Testing
import TestSupport

/// The README's configuration reference is what the daemons print
/// (`--config-reference`), and what they print is what their loaders read:
/// at every mapping of each file the keys the loader knows (its "unknown
/// field" error lists them) are the schema's, and the schema's required keys
/// are the ones the loader refuses to go without.
@Suite
struct ConfigurationReferenceTests {
    struct File: Sendable, CustomStringConvertible {
        var daemon: String
        var schema: ConfigurationSchema
        var load: @Sendable (String) throws(ConfigurationError) -> Void
        var description: String { daemon }
    }

    static let files = [
        File(daemon: "swiftplane-agent", schema: AgentConfiguration.schema) { text throws(ConfigurationError) in
            _ = try AgentConfiguration.parse(yaml: text, file: "agent.yaml")
        },
        File(daemon: "swiftplane-rr", schema: ConfigurationFile.schema) { text throws(ConfigurationError) in
            _ = try ConfigurationFile.parse(text, file: "rr.yaml")
        },
    ]

    /// A YAML document built from the schema's examples, written in block style.
    indirect enum Document {
        case scalar(String)
        case mapping([(String, Document)])
        case list([Document])

        /// A key's value with only its required parts: the example, or a
        /// mapping (a list of one) of the required children.
        static func minimal(_ key: ConfigurationKey) -> Document {
            guard !key.children.isEmpty else { return .scalar(key.example ?? "") }
            let item = Document.mapping(key.children.filter(\.isRequired).map { ($0.name, minimal($0)) })
            return key.isList ? .list([item]) : item
        }

        static func minimal(_ schema: ConfigurationSchema) -> Document {
            .mapping(schema.keys.filter(\.isRequired).map { ($0.name, minimal($0)) })
        }

        /// Changes the mapping at `path` (into a list's first item), adding what leads there.
        mutating func edit(at path: ArraySlice<ConfigurationKey>, _ change: (inout [(String, Document)]) -> Void) {
            switch self {
            case var .mapping(entries):
                if let key = path.first {
                    if !entries.contains(where: { $0.0 == key.name }) { entries.append((key.name, Document.minimal(key))) }
                    let index = entries.firstIndex { $0.0 == key.name }!
                    entries[index].1.edit(at: path.dropFirst(), change)
                } else {
                    change(&entries)
                }
                self = .mapping(entries)
            case var .list(items):
                items[0].edit(at: path, change)
                self = .list(items)
            case .scalar:
                Issue.record("no mapping at \(path.map(\.name))")
            }
        }

        var yaml: String { lines(indent: "").joined(separator: "\n") + "\n" }

        private func lines(indent: String) -> [String] {
            switch self {
            case let .scalar(text): return [indent + text]
            case let .mapping(entries) where entries.isEmpty: return [indent + "{}"]
            case let .mapping(entries):
                return entries.flatMap { key, value -> [String] in
                    switch value {
                    case let .scalar(text): return ["\(indent)\(key): \(text)"]
                    case let .mapping(inner) where inner.isEmpty: return ["\(indent)\(key): {}"]
                    case let .list(items) where items.isEmpty: return ["\(indent)\(key): []"]
                    default: return ["\(indent)\(key):"] + value.lines(indent: indent + "  ")
                    }
                }
            case let .list(items):
                return items.flatMap { item -> [String] in
                    var out = item.lines(indent: indent + "  ")
                    if !out.isEmpty { out[0] = indent + "- " + out[0].dropFirst(indent.count + 2) }
                    return out
                }
            }
        }
    }

    /// `bridges[0].tls`: the path the loader names, a list's item as its first.
    static func loaderPath(_ path: [ConfigurationKey]) -> String {
        path.map { $0.name + ($0.isList ? "[0]" : "") }.joined(separator: ".")
    }

    static func child(_ path: String, _ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    @Test(arguments: files)
    func minimalDocumentLoads(file: File) throws {
        try file.load(Document.minimal(file.schema).yaml)
    }

    /// A key the loader reads that the reference lacks, or one the reference
    /// lists that the loader refuses, fails here with the mapping's path.
    @Test(arguments: files)
    func everyMappingHasTheLoadersKeys(file: File) throws {
        for (path, keys) in file.schema.mappings {
            var document = Document.minimal(file.schema)
            document.edit(at: path[...]) { $0.append(("zz-probe", .scalar("1"))) }
            let at = Self.loaderPath(path)
            do throws(ConfigurationError) {
                try file.load(document.yaml)
                Issue.record("\(file.daemon): '\(Self.child(at, "zz-probe"))' was accepted:\n\(document.yaml)")
            } catch {
                #expect(error.path == Self.child(at, "zz-probe"), "\(error)\n\(document.yaml)")
                guard let range = error.reason.range(of: "known: ") else {
                    Issue.record("\(file.daemon): no list of known keys in \(error)")
                    continue
                }
                let known = Set(error.reason[range.upperBound...].split(separator: ", ").map(String.init))
                let declared = Set(keys.map(\.name))
                #expect(known.subtracting(declared).isEmpty,
                        "\(file.daemon) reads \(known.subtracting(declared).sorted()) at '\(at)', missing from its reference")
                #expect(declared.subtracting(known).isEmpty,
                        "\(file.daemon)'s reference lists \(declared.subtracting(known).sorted()) at '\(at)', which the loader does not read")
            }
        }
    }

    /// "required" in the reference means the loader refuses the file without it.
    @Test(arguments: files)
    func requiredKeysAreRequired(file: File) throws {
        for (path, keys) in file.schema.mappings {
            for key in keys where key.isRequired {
                var document = Document.minimal(file.schema)
                document.edit(at: path[...]) { entries in entries.removeAll { $0.0 == key.name } }
                let at = Self.child(Self.loaderPath(path), key.name)
                do throws(ConfigurationError) {
                    try file.load(document.yaml)
                    Issue.record("\(file.daemon): the file loads without '\(at)':\n\(document.yaml)")
                } catch {
                    #expect(error.path == at && error.reason == "missing required field", "\(error)\n\(document.yaml)")
                }
            }
        }
    }

    /// The README's section between the daemon's markers is its reference as printed.
    @Test(arguments: files)
    func readmeHoldsTheGeneratedReference(file: File) throws {
        let readme = try String(contentsOf: Repository.root.appendingPathComponent("README.md"), encoding: .utf8)
        let begin = "<!-- generated: \(file.daemon) --config-reference -->\n", end = "<!-- end of generated text -->"
        guard let start = readme.range(of: begin), let stop = readme.range(of: end, range: start.upperBound..<readme.endIndex) else {
            Issue.record("README.md has no '\(begin.dropLast())' ... '\(end)' section")
            return
        }
        let section = String(readme[start.upperBound..<stop.lowerBound])
        #expect(section == file.schema.markdown(),
                "README.md's reference for \(file.daemon) differs from the loader's: run Tests/Tools/config-reference to rewrite it")
    }

    /// The flag prints the same text.
    @Test(.enabled(if: Command.builtProduct("swiftplane-agent") != nil && Command.builtProduct("swiftplane-rr") != nil,
                   "the daemons are not built (swift build --build-tests builds them)"),
          arguments: files)
    func daemonPrintsIt(file: File) throws {
        let result = try Command.run(Command.builtProduct(file.daemon)!, ["--config-reference"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == file.schema.markdown())
    }
}
