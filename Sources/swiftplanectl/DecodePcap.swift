import ArgumentParser

struct DecodePcap: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "pcap", abstract: "(not yet built)")
    func run() throws { throw ExitCode(2) }
}
