import Foundation
import NIOCore
import TestSupport

/// The Ryu OpenFlow 1.3 conformance vectors in ../shared, read at run time.
enum Vectors {
    static let folder: URL? = Repository.shared?.appendingPathComponent("conformance/ryu-of13")

    struct Vector: NamedRow {
        var name: String
        var bytes: [UInt8]
    }

    /// Every file under packets/, sorted by name; empty when ../shared is absent.
    static let packets: [Vector] = {
        guard let folder else { return [] }
        return Repository.files(in: folder.appendingPathComponent("packets")).compactMap { url in
            (try? Data(contentsOf: url)).map { Vector(name: url.lastPathComponent, bytes: Array($0)) }
        }
    }()

    /// Ryu's expected decode for a packet file, as parsed JSON.
    static func json(for name: String) -> Any? {
        guard let folder else { return nil }
        let url = folder.appendingPathComponent("json").appendingPathComponent(name + ".json")
        guard let data = try? Data(contentsOf: url) else { return nil }
        return try? JSONSerialization.jsonObject(with: data)
    }

    static let absentMessage = "../shared/conformance/ryu-of13 is absent: conformance vectors skipped"
}
