import NIOCore
import NIOHTTP1

/// One admin connection: gathers a request, hands it to the router, writes
/// the answer and closes (one request per connection keeps both sides simple).
final class AdminHTTPHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    /// The admin API takes no bodies worth keeping; a flood is cut short.
    static let maximumBody = 64 * 1024

    private let router: AdminRouter
    private var head: HTTPRequestHead?
    private var bodyBytes = 0
    private var answered = false
    /// One request per connection: a pipelined second one is not served.
    private var dispatched = false

    init(router: AdminRouter) { self.router = router }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case let .head(h):
            head = h
            bodyBytes = 0
        case let .body(buffer):
            bodyBytes += buffer.readableBytes
            if bodyBytes > Self.maximumBody { write(.error(AdminError(status: 413, "request body over \(Self.maximumBody) bytes")), context: context) }
        case .end:
            guard let head, !answered, !dispatched else { return }
            dispatched = true
            let request: AdminRequest
            do {
                request = try AdminRequest(method: head.method.rawValue, target: head.uri)
            } catch {
                write(.error(error), context: context)
                return
            }
            let router = router
            let promise = context.eventLoop.makePromise(of: AdminResponse.self)
            promise.completeWithTask { await router.respond(to: request) }
            let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
            let headOnly = head.method == .HEAD
            promise.futureResult.whenSuccess { response in
                let (handler, context) = bound.value
                handler.write(response, context: context, headOnly: headOnly)
            }
        }
    }

    private func write(_ response: AdminResponse, context: ChannelHandlerContext, headOnly: Bool = false) {
        guard !answered else { return }
        answered = true
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: response.contentType)
        headers.add(name: "Content-Length", value: "\(response.body.count)")
        headers.add(name: "Connection", value: "close")
        let status = HTTPResponseStatus(statusCode: response.status)
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers))), promise: nil)
        if !headOnly {
            var buffer = context.channel.allocator.buffer(capacity: response.body.count)
            buffer.writeBytes(response.body)
            context.write(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
        }
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in channel.close(promise: nil) }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is IdleStateHandler.IdleStateEvent {
            context.close(promise: nil)
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // A malformed request (NIOHTTP1 names the parse error): answer 400 when nothing was sent yet.
        if error is HTTPParserError {
            write(.error(.badRequest("malformed HTTP request: \(error)")), context: context)
        } else {
            context.close(promise: nil)
        }
    }
}
