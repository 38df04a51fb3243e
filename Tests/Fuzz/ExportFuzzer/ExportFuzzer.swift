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
    var stream = Array(UnsafeBufferPointer(start: data, count: count))
    while true {
        let message: BMPMessage?
        do { message = try BMPMessage.next(from: &stream) } catch { break }
        guard let message else { break }
        guard let back = try? BMPMessage.decode(message.encoded()), back == message else {
            fatalError("re-encoding is not stable for \(message)")
        }
    }
    var file = Array(UnsafeBufferPointer(start: data, count: count))[...]
    while true {
        let record: MRTRecord?
        do { record = try MRTRecord.next(from: &file) } catch { break }
        guard let record else { break }
        guard let back = try? MRTRecord.decode(record.encoded()), back == record else {
            fatalError("re-encoding is not stable for \(record)")
        }
    }
    return 0
}

@main
enum ExportFuzzer: FuzzTarget {
    static func testOneInput(_ data: UnsafePointer<UInt8>, _ count: Int) -> CInt { fuzz(data, count) }
}
