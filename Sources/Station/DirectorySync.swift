/// fsync of one directory shared by everyone who renamed into it: a caller
/// returns once an fsync that began after its call has finished, and the
/// callers that arrive during one fsync share the next (group commit).
actor DirectorySync {
    let path: String
    private var requested = 0
    private var completed = 0
    private var running = false
    private var waiters: [(ticket: Int, continuation: CheckedContinuation<Void, Never>)] = []

    init(path: String) {
        self.path = path
    }

    func sync() async {
        requested += 1
        let ticket = requested
        if !running {
            running = true
            Task { await self.drain() }
        }
        await withCheckedContinuation { waiters.append((ticket, $0)) }
    }

    private func drain() async {
        while completed < requested {
            let target = requested
            let path = self.path
            _ = try? await Blocking.run { fsyncDirectory(path) }
            completed = target
            let ready = waiters.filter { $0.ticket <= target }
            waiters.removeAll { $0.ticket <= target }
            for waiter in ready { waiter.continuation.resume() }
        }
        running = false
    }
}
