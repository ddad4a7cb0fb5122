import FuzzSupport
import Tar

/// What a reader made of an archive: its events with data runs joined, and
/// whether it failed (and how).
func read(_ pieces: [UnsafeRawBufferPointer]) -> (events: [TarReader.Event], error: TarError?) {
    var reader = TarReader()
    var events: [TarReader.Event] = []
    do {
        for piece in pieces {
            for event in try reader.feed(piece) {
                if case .data(let more) = event, case .data(let earlier)? = events.last {
                    events[events.count - 1] = .data(earlier + more)
                } else {
                    events.append(event)
                }
            }
            if reader.isFinished { break }
        }
        try reader.finish()
        return (events, nil)
    } catch {
        return (events, error)
    }
}

// The first byte sets the chunk size; the rest is the archive. Read whole
// and in chunks, the archive must give the same entries, data and verdict.
fuzz { input in
    let whole = read([UnsafeRawBufferPointer(rebasing: input.dropFirst())])
    let chunked = read(chunks(of: input))
    precondition((whole.error == nil) == (chunked.error == nil), "chunking changed the verdict: \(whole.error as Any) / \(chunked.error as Any)")
    if whole.error == nil {
        precondition(whole.events == chunked.events, "chunking changed the events")
    }
}
