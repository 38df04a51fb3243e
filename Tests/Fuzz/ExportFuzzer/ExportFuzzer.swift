// libFuzzer entry point for the BMP and MRT decoders. Built by Tests/Tools/fuzz
// with -sanitize=fuzzer -DFUZZING; a plain build gives a program that says so.
import BMP
import MRT
import FuzzDriver

/// Any bytes, as a BMP collector's TCP stream and as an MRT file: split into
/// messages (records) and decode each (the decoders are total: a value or an
/// error, never a trap); whatever decodes re-encodes to bytes that decode
/// to the same value.
func fuzz(_ data: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: count))
    splitAndReencode(bytes, next: { try BMPMessage.next(from: &$0) }, decode: { try BMPMessage.decode($0) }, encoded: { $0.encoded() })
    splitAndReencode(bytes[...], next: { try MRTRecord.next(from: &$0) }, decode: { try MRTRecord.decode($0) }, encoded: { $0.encoded() })
    return 0
}

/// Splits `input` with `next` until it runs out or fails; every item must
/// re-encode to bytes that decode to the same value.
func splitAndReencode<Input, Item: Equatable>(_ input: Input, next: (inout Input) throws -> Item?,
                                              decode: ([UInt8]) throws -> Item, encoded: (Item) -> [UInt8]) {
    var input = input
    while true {
        let item: Item?
        do { item = try next(&input) } catch { break }
        guard let item else { break }
        guard let back = try? decode(encoded(item)), back == item else {
            fatalError("re-encoding is not stable for \(item)")
        }
    }
}

@main
enum ExportFuzzer: FuzzTarget {
    static func testOneInput(_ data: UnsafePointer<UInt8>, _ count: Int) -> CInt { fuzz(data, count) }
}
