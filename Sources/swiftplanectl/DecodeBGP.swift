import ArgumentParser
import BGP
import Foundation
import NIOCore

struct DecodeBGP: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bgp",
        abstract: "Decode raw BGP messages to JSON, one object per message.",
        discussion: """
            The input is BGP messages back to back, markers included, as they cross \
            the TCP connection between two speakers (no pcap framing). Each message \
            becomes one line of JSON with its byte offset in the input, type, length \
            and decoded fields. With --reencode each object also carries "reencoded": \
            the hex of the message encoded again from the decoded value, which must \
            equal the input bytes.

            An UPDATE with an RFC 7606 error (other than a discarded attribute) counts \
            as bad. On a bad message the good ones before it are printed, then the \
            error (what, at which byte offset of the input, and the NOTIFICATION a \
            speaker would send) goes to standard error and the exit status is 1.

            Example: a KEEPALIVE
              printf '\\xff%.0s' $(seq 16) > ka.bin; printf '\\x00\\x13\\x04' >> ka.bin
              swiftplanectl decode bgp --reencode ka.bin
              tshark -r capture.pcap -Y bgp -T fields -e tcp.payload | xxd -r -p | swiftplanectl decode bgp - | jq .type
            """
    )

    @Argument(help: "File of raw BGP messages, or - (the default) for standard input.")
    var file: String = "-"

    @Flag(help: "Add the hex of each message re-encoded from its decoded value.")
    var reencode = false

    @Flag(help: "Decode AS_PATH and AGGREGATOR with 2-octet AS numbers (a peer without RFC 6793).")
    var twoOctetAS = false

    @Flag(help: "Accept messages up to 65535 octets (RFC 8654).")
    var extendedMessage = false

    func run() throws {
        let options = SessionOptions(fourOctetAS: !twoOctetAS, extendedMessage: extendedMessage)
        try DecodeOutput.emit(BGPJSON.decodeStream(try InputFile.read(file), options: options, reencode: reencode))
    }
}
