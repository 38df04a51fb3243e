import ArgumentParser

@main
struct SwiftplaneCtl: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "swiftplanectl",
        abstract: "Operate and inspect a swiftplane overlay.",
        subcommands: [Decode.self]
    )
}

struct Decode: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Decode wire data (OpenFlow, BGP, pcap captures) to JSON, one object per message or frame.",
        subcommands: [DecodeOpenFlow.self, DecodeBGP.self, DecodePcap.self]
    )
}
