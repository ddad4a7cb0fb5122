import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// Server-Sent Events: one message per event, and a keep-alive comment every
/// 15 s so that proxies and browsers keep the stream open.
enum ServerSentEvents {
    struct Message: Sendable {
        let id: String?
        let event: String
        let data: Data

        init<T: Encodable>(id: String?, event: String, data: T) {
            self.id = id
            self.event = event
            self.data = (try? JSONEncoder.podpisd.encode(data)) ?? Data("{}".utf8)
        }

        /// Data already encoded as JSON.
        init(id: String?, event: String, raw: Data) {
            self.id = id
            self.event = event
            self.data = raw
        }

        var wire: ByteBuffer {
            var text = ""
            if let id { text += "id: \(id)\n" }
            text += "event: \(event)\ndata: "
            var buffer = ByteBuffer(string: text)
            buffer.writeBytes(data)
            buffer.writeString("\n\n")
            return buffer
        }
    }

    static func response<S: AsyncSequence & Sendable>(_ messages: S, keepAlive: Duration = .seconds(15)) -> Response where S.Element == Message {
        var headers = HTTPFields()
        headers[.contentType] = "text/event-stream"
        headers[.cacheControl] = "no-store"
        let (merged, continuation) = AsyncStream<ByteBuffer>.makeStream(bufferingPolicy: .bufferingNewest(1000))
        let forward = Task {
            do { for try await message in messages { continuation.yield(message.wire) } } catch {}
            continuation.finish()
        }
        let ticks = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: keepAlive)
                continuation.yield(ByteBuffer(string: ": keep-alive\n\n"))
            }
        }
        return Response(status: .ok, headers: headers, body: ResponseBody { writer in
            defer {
                forward.cancel()
                ticks.cancel()
                continuation.finish()
            }
            try await writer.write(ByteBuffer(string: ": podpisd\n\n"))
            for await buffer in merged { try await writer.write(buffer) }
            try await writer.finish(nil)
        })
    }
}
