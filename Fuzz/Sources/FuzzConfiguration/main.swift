import DaemonConfiguration
import FuzzSupport
import Glibc

// The loader reads files: each input is written to one scratch file first.
let path = "/tmp/podpis-fuzz-config-\(getpid()).toml"
atexit { unlink("/tmp/podpis-fuzz-config-\(getpid()).toml") }

fuzz { input in
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
    precondition(fd >= 0, "cannot write \(path)")
    var written = 0
    while written < input.count {
        let n = write(fd, input.baseAddress! + written, input.count - written)
        precondition(n > 0)
        written += n
    }
    close(fd)
    let (configuration, problems) = DaemonConfiguration.load(files: [path], environment: ["HOME": "/home/fuzz"])
    for problem in problems { _ = problem.description }
    _ = configuration
}
