import Foundation

/// The keys of one daemon's configuration file, declared once with what each
/// takes, its default and what it means. The loader reads the same keys
/// (`ConfigurationMapping.finish` lists what it read); `ConfigurationReferenceTests`
/// holds the two equal at every mapping, and the daemon prints this as the
/// README's reference (`--config-reference`).
public struct ConfigurationSchema: Sendable {
    /// The file's usual name, e.g. `agent.yaml`.
    public var file: String
    public var keys: [ConfigurationKey]

    public init(file: String, keys: [ConfigurationKey]) {
        self.file = file
        self.keys = keys
    }

    /// One table: every key by its path (`controller.tls.certificate`,
    /// `bridges[].name`), with its type, its default (or "required") and its meaning.
    public func markdown() -> String {
        var out = "| key | type | default | meaning |\n|---|---|---|---|\n"
        func add(_ keys: [ConfigurationKey], under prefix: String) {
            for key in keys {
                let path = prefix + key.name
                var type = key.type
                if let example = key.example { type += ", e.g. `\(example)`" }
                out += "| `\(path)` | \(Self.cell(type)) | \(Self.cell(key.defaultText)) | \(Self.cell(key.meaning)) |\n"
                add(key.children, under: path + (key.isList ? "[]." : "."))
            }
        }
        add(keys, under: "")
        return out
    }

    /// Every mapping the file may hold: its path from the root (`[]` for a
    /// list's item) and the keys declared there. The root is the empty path.
    public var mappings: [(path: [ConfigurationKey], keys: [ConfigurationKey])] {
        var out: [(path: [ConfigurationKey], keys: [ConfigurationKey])] = [([], keys)]
        func walk(_ keys: [ConfigurationKey], _ path: [ConfigurationKey]) {
            for key in keys where !key.children.isEmpty {
                out.append((path + [key], key.children))
                walk(key.children, path + [key])
            }
        }
        walk(keys, [])
        return out
    }

    private static func cell(_ text: String) -> String {
        text.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
    }
}

/// One key of a configuration file.
public struct ConfigurationKey: Sendable {
    public var name: String
    /// What it takes, in words: `integer 1-4095 (seconds)`, `mapping`, `list of mappings`.
    public var type: String
    /// nil: required.
    public var defaultValue: String?
    /// One line.
    public var meaning: String
    /// A value the loader takes (required keys must have one: the tests build documents from them).
    public var example: String?
    /// A mapping's keys, or each list item's when `isList`.
    public var children: [ConfigurationKey]
    public var isList: Bool

    public var isRequired: Bool { defaultValue == nil }
    var defaultText: String { defaultValue ?? "required" }

    /// A key the file may leave out; `default` says what applies then.
    public static func optional(_ name: String, _ type: String, default: String, _ meaning: String, example: String? = nil,
                                list: Bool = false, children: [ConfigurationKey] = []) -> ConfigurationKey {
        ConfigurationKey(name: name, type: type, defaultValue: `default`, meaning: meaning, example: example, children: children, isList: list)
    }

    /// A key the file must have.
    public static func required(_ name: String, _ type: String, _ meaning: String, example: String? = nil,
                                list: Bool = false, children: [ConfigurationKey] = []) -> ConfigurationKey {
        ConfigurationKey(name: name, type: type, defaultValue: nil, meaning: meaning, example: example, children: children, isList: list)
    }
}
