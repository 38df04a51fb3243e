// swiftplane-cni: a CNI 1.0.0 plugin that attaches a container to the
// swiftplane OVS bridge. The runtime sets CNI_COMMAND and friends and writes
// the network configuration on stdin; the answer (a result or an error) is
// JSON on stdout, and the exit status is 0 or 1.
import AdminAPI
import CNI
import Foundation
import JSON

// `swiftplane-cni --version`, as every swiftplane binary (the CNI VERSION command is CNI_COMMAND=VERSION).
if CommandLine.arguments.dropFirst().first == "--version" {
    print(SwiftplaneVersion.text)
    exit(0)
}

let environment = ProcessInfo.processInfo.environment
let input = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)

func answer(_ json: JSONValue, status: Int32) -> Never {
    FileHandle.standardOutput.write(Data((json.jsonText + "\n").utf8))
    exit(status)
}

/// The version to answer errors in: the configuration's when it has one we speak.
let version = (try? JSONParser().parse(input))?["cniVersion"]?.stringValue
    .flatMap { NetworkConfiguration.supportedVersions.contains($0) ? $0 : nil } ?? "1.0.0"

do throws(CNIError) {
    let invocation = try Invocation.parse(environment: environment)
    if invocation.command == .version {
        answer(["cniVersion": .string(version), "supportedVersions": .array(NetworkConfiguration.supportedVersions.map { .string($0) })], status: 0)
    }
    let configuration = try NetworkConfiguration.parse(input)
    let plugin = Plugin(plan: AttachmentPlan(configuration: configuration, invocation: invocation), environment: environment)
    switch invocation.command {
    case .add: answer(try plugin.add().json(cniVersion: configuration.cniVersion), status: 0)
    case .del: try plugin.del()
    case .check: try plugin.check()
    case .version: break
    }
    exit(0)
} catch {
    FileHandle.standardError.write(Data("swiftplane-cni: \(error)\n".utf8))
    answer(error.json(cniVersion: version), status: 1)
}
