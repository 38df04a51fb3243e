import Foundation
import Testing
import TestSupport

/// The module graph drawn in the README's architecture section against
/// Package.swift: a row per module of Sources/ (system libraries aside),
/// each with exactly the modules of ours it declares, each drawn below
/// everything it depends on, and the runtimes' line where the seam test
/// draws it.
@Suite(.enabled(if: Command.which("swift") != nil, "swift is not on PATH"))
struct ReadmeGraphTests {
    struct Row: Sendable {
        var module: String
        var dependencies: [String]
        /// Drawn before the runtimes' heading: among what they are built on.
        var beforeRuntimes: Bool
    }

    /// The block after the marker: headings at the margin, rows indented
    /// two spaces (`  Module  <- A B`), continuation lines indented deeper.
    static func drawn() throws -> [Row] {
        let text = try String(contentsOf: Repository.root.appendingPathComponent("README.md"), encoding: .utf8)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let marker = lines.firstIndex(where: { $0.hasPrefix("<!-- module graph") }), lines[safe: marker + 1] == "```text" else {
            throw DrawingError(description: "README.md: no '<!-- module graph' line followed by a ```text block")
        }
        var rows: [Row] = []
        var runtimesSeen = false
        for line in lines[(marker + 2)...] {
            if line == "```" { return rows }
            if !line.hasPrefix(" ") {
                if !runtimesSeen { runtimesSeen = line.hasPrefix("runtimes") }
                continue
            }
            let parts = line.components(separatedBy: "<-")
            let words = { (text: String) in text.split(separator: " ").map(String.init) }
            if line.hasPrefix("   ") {
                guard !rows.isEmpty else { throw DrawingError(description: "a continuation line before any row: '\(line)'") }
                rows[rows.count - 1].dependencies += words(line)
            } else {
                guard let module = words(parts[0]).first else { continue }
                rows.append(Row(module: module, dependencies: parts.count > 1 ? words(parts[1]) : [], beforeRuntimes: !runtimesSeen))
            }
        }
        throw DrawingError(description: "README.md: the module graph's block does not end")
    }

    struct DrawingError: Error, CustomStringConvertible { var description: String }

    @Test func theDrawingIsPackageSwift() throws {
        let targets = try DeclaredImportsTests.targets()
        let system = Set(targets.filter { $0.type == "system" }.map(\.name))
        let ours = targets.filter { ["regular", "executable"].contains($0.type) && $0.folder.path.contains("/Sources/") }
        let declared = Dictionary(uniqueKeysWithValues: ours.map { target in
            (target.name, Set(target.declared.filter { name in targets.contains { $0.name == name } && !system.contains(name) }))
        })
        let rows = try Self.drawn()
        #expect(Set(rows.map(\.module)) == Set(declared.keys),
                "drawn, not a module: \(Set(rows.map(\.module)).subtracting(declared.keys).sorted()); not drawn: \(Set(declared.keys).subtracting(rows.map(\.module)).sorted())")
        #expect(rows.count == Set(rows.map(\.module)).count, "a module drawn twice")
        var above: Set<String> = []
        for row in rows {
            if let wanted = declared[row.module] {
                #expect(Set(row.dependencies) == wanted, "\(row.module): drawn <- \(row.dependencies.sorted()), Package.swift \(wanted.sorted())")
            }
            let later = Set(row.dependencies).subtracting(above)
            #expect(later.isEmpty, "\(row.module) depends on \(later.sorted()), drawn after it")
            above.insert(row.module)
        }
    }

    /// What the drawing puts above the runtimes is what the seam test keeps off them.
    @Test func theSeamIsWhereTheSeamTestDrawsIt() throws {
        let checked = Set(DeclaredImportsTests.sansIO + DeclaredImportsTests.configuration)
        for row in try Self.drawn() {
            #expect(checked.contains(row.module) == row.beforeRuntimes,
                    "\(row.module): drawn \(row.beforeRuntimes ? "before" : "among or after") the runtimes, the seam test \(checked.contains(row.module) ? "keeps it off them" : "does not check it")")
        }
    }
}

extension Array {
    subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}
