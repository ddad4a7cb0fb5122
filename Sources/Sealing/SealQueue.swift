/// The documents of a batch, handed to the sealer's workers one at a time.
/// Documents may keep arriving while the first ones are sealed (a batch
/// streamed over the protocol); ``finish()`` says no more will come, and
/// ``cancel()`` drops those not yet taken (the ones being sealed finish).
public actor SealQueue {
    private var inputs: [SealInput] = []
    private var position = 0
    private var waiting: [CheckedContinuation<(Int, SealInput)?, Never>] = []
    public private(set) var isFinished = false
    public private(set) var isCancelled = false

    /// A queue of `inputs`; `finished`: no more will be added.
    public init(_ inputs: [SealInput] = [], finished: Bool = false) {
        self.inputs = inputs
        self.isFinished = finished
    }

    /// How many documents were added (taken or not).
    public var count: Int { inputs.count }

    /// Those not yet taken by a worker.
    public var pending: [SealInput] { Array(inputs[position...]) }

    public func add(_ input: SealInput) {
        guard !isFinished, !isCancelled else { return }
        inputs.append(input)
        if !waiting.isEmpty {
            let worker = waiting.removeFirst()
            defer { position += 1 }
            worker.resume(returning: (position, inputs[position]))
        }
    }

    public func finish() {
        isFinished = true
        wakeAll()
    }

    public func cancel() {
        isCancelled = true
        isFinished = true
        inputs.removeSubrange(position...)
        wakeAll()
    }

    private func wakeAll() {
        for worker in waiting { worker.resume(returning: nil) }
        waiting.removeAll()
    }

    /// The next document, waiting for one while the queue is open; nil when
    /// it is finished and empty, or cancelled.
    func next() async -> (Int, SealInput)? {
        if position < inputs.count {
            defer { position += 1 }
            return (position, inputs[position])
        }
        if isFinished { return nil }
        return await withCheckedContinuation { waiting.append($0) }
    }
}
