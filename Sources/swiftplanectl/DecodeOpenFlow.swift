import ArgumentParser

struct DecodeOpenFlow: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "openflow", abstract: "(not yet built)")
    func run() throws { throw ExitCode(2) }
}
