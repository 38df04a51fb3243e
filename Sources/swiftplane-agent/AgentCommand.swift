import ArgumentParser

@main
struct AgentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "swiftplane-agent")
    @Option(name: .long, help: "The configuration file (YAML).") var config: String
    @Flag(name: .long, help: "Check the configuration and exit: 0 when valid, 2 when not.") var checkConfig = false

    func run() async throws {
        do {
            _ = try AgentConfiguration.load(path: config)
        } catch {
            print(error)
            throw ExitCode(2)
        }
    }
}
