import ArgumentParser
import Foundation

/// The bytes of a `decode` command's input: a file, or standard input for "-".
enum InputFile {
    static func read(_ file: String) throws -> [UInt8] {
        if file == "-" { return Array(FileHandle.standardInput.readDataToEndOfFile()) }
        guard let contents = FileManager.default.contents(atPath: file) else { throw ValidationError("cannot read \(file)") }
        return Array(contents)
    }
}
