import OVSDB
import Testing

@Suite("JSON-RPC messages")
struct JSONRPCTests {
    typealias Case = JSONText<JSONRPCMessage>

    static let messages: [Case] = [
        Case(text: #"{"method":"echo","params":[],"id":"echo"}"#, value: .request(method: "echo", params: [], id: "echo")),
        Case(text: #"{"method":"monitor","params":["Open_vSwitch",1,{}],"id":7}"#,
             value: .request(method: "monitor", params: ["Open_vSwitch", 1, [:]], id: 7)),
        Case(text: #"{"method":"update","params":["m",{}],"id":null}"#, value: .notification(method: "update", params: ["m", [:]])),
        Case(text: #"{"result":{"Port":{}},"error":null,"id":7}"#, value: .response(result: ["Port": [:]], error: nil, id: 7)),
        Case(text: #"{"result":null,"error":{"error":"unknown database"},"id":"x"}"#,
             value: .response(result: nil, error: ["error": "unknown database"], id: "x")),
    ]

    @Test("messages decode to their kind", arguments: messages)
    func decodes(_ vector: Case) throws {
        let message = try JSONRPCMessage(json: try JSONParser().parse(vector.text))
        #expect(message == vector.value)
        #expect(try JSONRPCMessage(json: message.json) == message)
    }

    static let invalid: [(String, String)] = [
        ("[]", "message is not an object"),
        (#"{"method":1,"params":[],"id":1}"#, "method is not a string"),
        (#"{"method":"echo","params":{},"id":1}"#, "echo: params is not an array"),
        (#"{"method":"echo","params":[]}"#, "echo: no id"),
        (#"{"result":1,"id":1}"#, "response without result or error"),
        (#"{"params":[]}"#, "neither a request nor a response (no method, no id)"),
    ]

    @Test("non-messages say why", arguments: invalid)
    func refuses(_ text: String, _ reason: String) throws {
        let json = try JSONParser().parse(text)
        #expect(throws: JSONRPCMessage.Error(reason: reason)) { try JSONRPCMessage(json: json) }
    }

    @Test("echo is answered with its own params and id; nothing else is", arguments: [
        (JSONRPCMessage.request(method: "echo", params: ["a", 1], id: 9), JSONRPCMessage?.some(.response(result: ["a", 1], error: nil, id: 9))),
        (.request(method: "echo", params: [], id: "echo"), .some(.response(result: [], error: nil, id: "echo"))),
        (.request(method: "transact", params: [], id: 1), nil),
        (.notification(method: "echo", params: []), nil),
    ])
    func echo(_ message: JSONRPCMessage, _ reply: JSONRPCMessage?) {
        #expect(message.automaticReply == reply)
    }

    @Test("the monitor request names the tables and columns the agent needs")
    func monitorRequest() throws {
        let message = OVSDBMonitorRequest.localPorts.message(id: 1)
        let expected = try JSONParser().parse("""
            {"id":1,"method":"monitor","params":["Open_vSwitch","swiftplane",{
             "Bridge":{"columns":["name","ports","datapath_id"]},
             "Port":{"columns":["name","interfaces","tag","external_ids"]},
             "Interface":{"columns":["name","ofport","external_ids","type","options","error","mac_in_use"]}}]}
            """)
        #expect(message.json == expected)
    }
}
