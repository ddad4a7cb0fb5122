#if canImport(Glibc)
import Glibc
#endif

// libFuzzer's own entry point: the driver (options, corpus, mutation loop)
// that its `main` would run. A SwiftPM executable renames its `main`
// (`--defsym main=<Target>_main`), so each target's main.swift calls the
// driver itself instead of relying on libFuzzer's `main`.
@_silgen_name("LLVMFuzzerRunDriver")
private func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

nonisolated(unsafe) private var testOne: (UnsafeRawBufferPointer) -> Void = { _ in }

@_cdecl("LLVMFuzzerTestOneInput")
public func LLVMFuzzerTestOneInput(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    testOne(UnsafeRawBufferPointer(start: start, count: count))
    return 0
}

/// Runs libFuzzer with the command line's options, calling `body` with each
/// input. `body` must not crash on any input: a trap is a finding.
public func fuzz(_ body: @escaping (UnsafeRawBufferPointer) -> Void) -> Never {
    testOne = body
    var argc = CommandLine.argc
    var argv = CommandLine.unsafeArgv
    exit(LLVMFuzzerRunDriver(&argc, &argv, LLVMFuzzerTestOneInput))
}

/// The input cut into chunks whose sizes come from its first byte (a
/// streaming parser must give the same answer however its input arrives).
public func chunks(of input: UnsafeRawBufferPointer) -> [UnsafeRawBufferPointer] {
    guard let first = input.first else { return [input] }
    let size = Int(first) + 1
    let rest = UnsafeRawBufferPointer(rebasing: input.dropFirst())
    return stride(from: 0, to: rest.count, by: size).map {
        UnsafeRawBufferPointer(rebasing: rest[$0..<min($0 + size, rest.count)])
    }
}
