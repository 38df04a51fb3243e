import ArgumentParser

struct DecodeBGP: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "bgp", abstract: "(not yet built)")
    func run() throws { throw ExitCode(2) }
}
