// Sealing 10 KB documents through podpisd against limits measured in the same
// run (issue 25), all on one throwaway SoftHSM token ("Bench Seal", made by
// Benchmarks/baselines/make_token.sh from the bench PKI), one key type a run:
//   - the floor of one document: libxml2 alone (parse, canonicalize,
//     serialize), one SHA-256 over it, and the token's CPU per C_Sign;
//   - the token's own C_Sign rate with the same number of sessions (a loop
//     calling C_Sign directly, one thread per session), measured before and
//     after the sealing runs (the higher is the limit), and its CPU per
//     signature; for one session also while another core is busy;
//   - `podpis seal --local` on COUNT documents, for information;
//   - `podpis seal` through podpisd (a batch over the Unix socket; podpisd
//     started from PODPISD_BINARY, by default beside PODPIS_BINARY), the
//     issue's path: COUNT XML documents (XAdES enveloped B-B), the first 1000
//     of them again (the issue's shorter figure), COUNT PDF-like documents
//     of the same size (CAdES detached, the profile's default for non-XML
//     files), and with RSA the COUNT XML documents again on 2 sessions
//     (a second podpisd whose profile has sessions = 2); documents/s, and
//     the CPU of both processes (the client's from wait4, podpisd's from
//     /proc/PID/stat);
//   - one `openssl cms -sign` process per document through the pkcs11 engine,
//     and python signxml driving python-pkcs11 (Benchmarks/baselines);
//   - `podpis audit verify` on the trail all these runs wrote.
// Prints one line per figure, then one PASS/FAIL line per limit of issue 25,
// then "PASS", or "FAIL: …" naming what failed (exit status 1).
//
// Usage: SealingBenchmark PODPIS_BINARY [COUNT] [SESSIONS] [rsa|ec]
// (COUNT 1000 by default, `make bench` gives 10000; SESSIONS 1.
// SEALBENCH_BASELINES=0 skips the openssl and signxml baselines, for
// profiling runs; with P-256 their limits then FAIL as not run.
// SEALBENCH_MULTI_SESSIONS=N: the extra multi-session run's sessions
// (2 with RSA, none with P-256 unless set; 0 skips it).
// SEALBENCH_PERF=FILE records podpisd with `perf record -g` during the
// main XAdES run (its figures are then perturbed by perf).
// SEALBENCH_KEEP=1 leaves the work directory in place, SEALBENCH_STDERR=FILE
// keeps the children's standard error, SEALBENCH_SIGNING_NICE=N sets the seal
// profile's signing_nice.)
import SignatureAlgorithms
import CLibXML2
import Dispatch
import Foundation
import PKCS11
import Synchronization

let arguments = CommandLine.arguments
guard arguments.count >= 2 else {
    print("usage: SealingBenchmark PODPIS_BINARY [COUNT] [SESSIONS] [rsa|ec]")
    exit(2)
}
let environment = ProcessInfo.processInfo.environment
let podpis = arguments[1]
let count = arguments.count > 2 ? Int(arguments[2]) ?? 1000 : 1000
let sessions = arguments.count > 3 ? Int(arguments[3]) ?? 1 : 1
let keyType = arguments.count > 4 ? arguments[4] : "rsa"
// The profile's signing_nice (podpisd's default, -10, when unset).
let signingNice = environment["SEALBENCH_SIGNING_NICE"].flatMap { Int($0) }
// The issue's extra run: RSA on 2 sessions, with the raw rate of 2 sessions.
let multiSessions = environment["SEALBENCH_MULTI_SESSIONS"].flatMap { Int($0) } ?? (keyType == "rsa" ? 2 : 0)
let runMultiSession = multiSessions > sessions
// The issue's shorter figure, on the first documents of the same set.
let shortCount = 1000
let runShort = count > shortCount
let keep = environment["SEALBENCH_KEEP"] == "1"
let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
let baselines = repo.appendingPathComponent("Benchmarks/baselines").path
let module = environment["PODPIS_SOFTHSM_MODULE"] ?? "/usr/lib/softhsm/libsofthsm2.so"
let pin = String(Int.random(in: 10_000_000...99_999_999))

// Issue 25's limits.
let rawShareLimit = 0.90  // RSA: docs/s through podpisd ≥ 90 % of raw C_Sign, same sessions
let cpuPerDocumentLimit = 400e-6  // P-256: CPU of podpis + podpisd per document
let throughputLimit = 3000.0  // P-256: docs/s through podpisd
let peerFactorLimit = 4.0  // P-256: × each baseline
let floorAim = 2.0  // P-256: own CPU per document ≤ 2× the floor (an aim, not judged)

struct Child {
    let seconds: Double
    let cpuSeconds: Double
    let status: Int32
    let stdout: String
}

/// Starts a program with stdin from /dev/null and stdout and stderr
/// appended to the given files (created if need be), in this process's
/// environment plus `extra`; nil when it could not start.
func spawn(_ program: String, _ args: [String], stdout: String, stderr: String, environment extra: [String: String] = [:]) -> pid_t? {
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, stdout, O_WRONLY | O_CREAT | O_APPEND, 0o600)
    posix_spawn_file_actions_addopen(&actions, 2, stderr, O_WRONLY | O_CREAT | O_APPEND, 0o600)
    let argv = ([program] + args).map { strdup($0) } + [nil]
    let env = environment.merging(extra) { $1 }.map { strdup("\($0.key)=\($0.value)") } + [nil]
    var pid: pid_t = 0
    let rc = posix_spawnp(&pid, program, &actions, nil, argv, env)
    argv.forEach { free($0) }
    env.forEach { free($0) }
    posix_spawn_file_actions_destroy(&actions)
    return rc == 0 ? pid : nil
}

/// Runs a program, capturing stdout, with wall time and the child's CPU time.
func run(_ program: String, _ args: [String], environment extra: [String: String] = [:]) -> Child {
    let outPath = NSTemporaryDirectory() + "sealbench-\(UUID().uuidString)"
    let start = Date()
    // SEALBENCH_STDERR=FILE keeps the children's standard error (podpis's progress lines).
    guard let pid = spawn(program, args, stdout: outPath, stderr: environment["SEALBENCH_STDERR"] ?? "/dev/null", environment: extra) else {
        return Child(seconds: 0, cpuSeconds: 0, status: -1, stdout: "")
    }
    var status: Int32 = 0
    var usage = rusage()
    wait4(pid, &status, 0, &usage)
    let seconds = Date().timeIntervalSince(start)
    let cpu = Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    let out = (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
    unlink(outPath)
    return Child(seconds: seconds, cpuSeconds: cpu, status: status, stdout: out)
}

func cpuNow() -> Double {
    var usage = rusage()
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
}

func threadCPU() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
}

/// A process's CPU time so far (user + system), from /proc/PID/stat.
func processCPU(_ pid: pid_t) -> Double {
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
        let close = stat.lastIndex(of: ")")
    else { return 0 }
    let fields = stat[stat.index(after: close)...].split(separator: " ")
    // utime and stime: fields 14 and 15 of the line, 12 and 13 after "(comm)".
    guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
    return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
}

let work = NSTemporaryDirectory() + "sealbench-\(UUID().uuidString)"
try FileManager.default.createDirectory(atPath: work + "/in", withIntermediateDirectories: true)
try FileManager.default.createDirectory(atPath: work + "/in-pdf", withIntermediateDirectories: true)

/// podpisd while one runs (stopped by `finish` if the benchmark stops early).
nonisolated(unsafe) var runningDaemon: Daemon?

/// Ends the benchmark: stops podpisd, removes the work directory unless
/// SEALBENCH_KEEP=1 (profiling runs in a row: on ext4 without a journal,
/// thousands of files just deleted slow every file created in the next 5
/// minutes; see docs/performance.md).
func finish(_ status: Int32) -> Never {
    _ = runningDaemon?.stop()
    if keep { print("(work directory kept: \(work))") } else { try? FileManager.default.removeItem(atPath: work) }
    exit(status)
}

func fail(_ message: String) -> Never {
    print(message)
    finish(1)
}

// The token.
let made = run("bash", ["\(baselines)/make_token.sh", work + "/token", pin, keyType])
guard made.status == 0 else { fail("make_token.sh failed") }
let softhsmConf = made.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
setenv("SOFTHSM2_CONF", softhsmConf, 1)

// The documents: ~10 KB zaświadczenia, and as many PDF-like files of the
// same size (a PDF header, one binary stream, the trailer).
let filler = String(repeating: "Zaświadcza się, że wnioskodawca nie zalega z opłatami lokalnymi. ", count: 150)
var documentSize = 0
for index in 0..<count {
    let xml = Array("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<zaswiadczenie xmlns=\"urn:gmina:testowo\" nr=\"\(index)/2026\"><tresc>\(filler)</tresc></zaswiadczenie>\n".utf8)
    try Data(xml).write(to: URL(fileURLWithPath: work + String(format: "/in/z-%05d.xml", index)))
    if index == 0 { documentSize = xml.count }
}
for index in 0..<count {
    // The header's second line: a comment of four bytes over 127, as PDF writers put there.
    let head = Array("%PDF-1.7\n%".utf8) + [0xE2, 0xE3, 0xCF, 0xD3]
        + Array("\n1 0 obj\n<< /Type /EmbeddedFile /Subtype /application#2Foctet-stream >>\nstream\n".utf8)
    let tail = Array("\nendstream\nendobj\ntrailer\n<< /Root 1 0 R /Nr (\(index)/2026) >>\n%%EOF\n".utf8)
    // Bytes of a simple generator seeded by the index: every file differs.
    var state = UInt64(index) &* 6364136223846793005 &+ 1442695040888963407
    var body = [UInt8](repeating: 0, count: max(0, documentSize - head.count - tail.count))
    for position in body.indices {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        body[position] = UInt8(truncatingIfNeeded: state >> 33)
    }
    try Data(head + body + tail).write(to: URL(fileURLWithPath: work + String(format: "/in-pdf/z-%05d.pdf", index)))
}
/// The first `n` documents of `from` in a directory of their own (hard
/// links: no new inodes, see finish).
func subset(_ from: String, _ to: String, _ n: Int) throws -> String {
    try FileManager.default.createDirectory(atPath: work + "/" + to, withIntermediateDirectories: true)
    let names = try FileManager.default.contentsOfDirectory(atPath: work + "/" + from).sorted().prefix(n)
    for name in names {
        guard link(work + "/\(from)/\(name)", work + "/\(to)/\(name)") == 0 else { fail("cannot link \(name) into \(to)") }
    }
    return work + "/" + to
}

// 0. The floor of one document, on this thread, by its CPU clock:
// libxml2 alone: the first document pushed through the parser (no network,
// as the sealer does), canonicalized (inclusive C14N 1.0, the document
// reference's transform) and serialized, 2000 times. No sealer that must
// parse and canonicalize with libxml2 can cost less than this per document.
let sampleDocument = Array(try Data(contentsOf: URL(fileURLWithPath: work + "/in/z-00000.xml")))
xmlInitParser()
let floorRounds = 2000
let floorStart = threadCPU()
for _ in 0..<floorRounds {
    sampleDocument.withUnsafeBufferPointer { bytes in
        bytes.withMemoryRebound(to: CChar.self) { chars in
            let context = xmlCreatePushParserCtxt(nil, nil, nil, 0, "z.xml")!
            xmlCtxtUseOptions(context, Int32(XML_PARSE_NONET.rawValue))
            xmlParseChunk(context, chars.baseAddress, Int32(chars.count), 0)
            xmlParseChunk(context, nil, 0, 1)
            let document = context.pointee.myDoc!
            xmlFreeParserCtxt(context)
            var canonical: UnsafeMutablePointer<xmlChar>?
            xmlC14NDocDumpMemory(document, nil, Int32(XML_C14N_1_0.rawValue), nil, 0, &canonical)
            podpis_xml_free(canonical)
            var serialized: UnsafeMutablePointer<xmlChar>?
            var size: Int32 = 0
            xmlDocDumpMemoryEnc(document, &serialized, &size, "UTF-8")
            podpis_xml_free(serialized)
            xmlFreeDoc(document)
        }
    }
}
let libxml2Floor = (threadCPU() - floorStart) / Double(floorRounds)
// One SHA-256 over the document, with the hash podpis uses (swift-crypto,
// through SignatureAlgorithms), 20 000 times.
let hashRounds = 20_000
var hashSink: UInt8 = 0
let hashStart = threadCPU()
for _ in 0..<hashRounds { hashSink ^= HashAlgorithm.sha256.digest(sampleDocument)[0] }
let sha256Floor = (threadCPU() - hashStart) / Double(hashRounds)
withExtendedLifetime(hashSink) {}

// 1. The raw limit: C_Sign in a loop.
let token = try Module.load(path: module).tokens().first { $0.info.label == "Bench Seal" }!
let algorithm: SignatureAlgorithm = keyType == "ec" ? .ecdsa(.sha256) : .rsaPKCS1v15(.sha256)
let digest = [UInt8](repeating: 0x5A, count: 32)

/// Keeps rawSign's busy thread going.
let burnerRunning = Atomic<Bool>(false)

struct Raw {
    let rate: Double
    let cpuPerSignature: Double
}

/// The token's own rate: `lanes` threads, one session each, calling C_Sign
/// for 3 s; with `busyCore`, one more thread keeps another core busy
/// meanwhile (a hash over 10 KB in a loop), as a sealer's own work does (on
/// a machine whose cores share caches and clock, a 2-vCPU VM, the token
/// signs slower then). Logs in before and out after, so that nothing of
/// this process holds the token while podpis or podpisd seal.
func rawSign(lanes: Int, busyCore: Bool = false) throws -> Raw {
    let first = try token.slot.openSession()
    var secret = Array(pin.utf8)
    try first.login(pin: SecretPIN(consuming: &secret))
    defer { try? first.logout() }
    nonisolated(unsafe) let key = try first.privateKeys().first!
    var opened = [first]
    while opened.count < lanes { opened.append(try token.slot.openSession()) }
    if busyCore {
        burnerRunning.store(true, ordering: .relaxed)
        Thread {
            var block = [UInt8](repeating: 0x5A, count: 10_240)
            while burnerRunning.load(ordering: .relaxed) {
                block.withUnsafeMutableBytes { raw in
                    var hash: UInt64 = 1469598103934665603
                    for byte in raw { hash = (hash ^ UInt64(byte)) &* 1099511628211 }
                    raw[0] = UInt8(truncatingIfNeeded: hash)
                }
            }
        }.start()
    }
    let deadline = Date().addingTimeInterval(3)
    let counts = UnsafeMutableBufferPointer<Int>.allocate(capacity: lanes)
    defer { counts.deallocate() }
    counts.initialize(repeating: 0)
    let group = DispatchGroup()
    let cpuBefore = cpuNow(), start = Date()
    for (index, session) in opened.enumerated() {
        nonisolated(unsafe) let session = session
        nonisolated(unsafe) let counts = counts
        DispatchQueue.global().async(group: group) {
            while Date() < deadline {
                _ = try? session.sign(digest: digest, with: key, algorithm: algorithm) { () throws(PKCS11Error) -> SecretPIN? in nil }
                counts[index] += 1
            }
        }
    }
    group.wait()
    let seconds = Date().timeIntervalSince(start)
    burnerRunning.store(false, ordering: .relaxed)
    let signatures = counts.reduce(0, +)
    // With busyCore the process's CPU includes the busy thread: not per signature then.
    return Raw(rate: Double(signatures) / seconds, cpuPerSignature: busyCore ? .nan : (cpuNow() - cpuBefore) / Double(signatures))
}
let rawBefore = try rawSign(lanes: sessions)
let contendedBefore = sessions == 1 ? try rawSign(lanes: 1, busyCore: true) : nil
let rawMultiBefore = runMultiSession ? try rawSign(lanes: multiSessions) : nil
let tokenCPUPerSignature = rawBefore.cpuPerSignature

// 2. The seal profile; podpis seal --local on the same documents, for information.
try Data((pin + "\n").utf8).write(to: URL(fileURLWithPath: work + "/pin"))
chmod(work + "/pin", 0o600)
_ = run("openssl", ["x509", "-in", work + "/token/cert.pem", "-outform", "DER", "-out", work + "/cert.der"])
let certificateID = run("sh", ["-c", "sha256sum \(work)/cert.der | cut -c1-16"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
/// podpisd's configuration NAME.toml: the profile "bench" on `profileSessions`
/// sessions; every configuration writes the same audit trail.
func writeConfig(_ name: String, profileSessions: Int) throws -> String {
    let path = "\(work)/\(name).toml"
    try Data("""
        [server]
        audit_file = "\(work)/audit.jsonl"
        port = 0
        socket = "\(work)/\(name).sock"
        pairing_file = "\(work)/pairings.json"
        batch_dir = "\(work)/\(name)-batches"
        [pkcs11]
        modules = ["\(module)"]
        use_registered = false
        [seal.bench]
        certificate = "\(certificateID)"
        xml = "xades-enveloped"
        level = "B-B"
        sessions = \(profileSessions)
        pin_file = "\(work)/pin"
        \(signingNice.map { "signing_nice = \($0)" } ?? "")
        """.utf8).write(to: URL(fileURLWithPath: path))
    return path
}
let mainConfig = try writeConfig("podpisd", profileSessions: sessions)

/// `podpis seal --json`'s summary, when it exited 0 having sealed all
/// `expected` documents; the benchmark stops otherwise.
func sealedSummary(_ result: Child, _ what: String, expected: Int) -> [String: Any] {
    guard result.status == 0, let summary = try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any],
        summary["sealed"] as? Int == expected
    else { fail("\(what) failed (exit \(result.status)): \(result.stdout.prefix(500))") }
    return summary
}

let ours = run(podpis, ["seal", "--profile", "bench", "--config", mainConfig, "--local", "--json", "--out", work + "/out", work + "/in"],
               environment: ["SOFTHSM2_CONF": softhsmConf])
let summary = sealedSummary(ours, "podpis seal", expected: count)
let ourRate = Double(count) / ours.seconds
let sealingRate = summary["perSecond"] as? Double ?? 0
let ourCPUPerDocument = ours.cpuSeconds / Double(count)

// 3. Through podpisd: a batch streamed over the Unix socket, the seals
// fetched back into --out.
let podpisd = environment["PODPISD_BINARY"]
    ?? URL(fileURLWithPath: podpis).deletingLastPathComponent().appendingPathComponent("podpisd").path

/// A podpisd started on one configuration, its output in LOG.
final class Daemon {
    let pid: pid_t
    let config: String
    let socket: String
    let log: String

    init(config: String) {
        self.config = config
        socket = config.replacingOccurrences(of: ".toml", with: ".sock")
        log = config.replacingOccurrences(of: ".toml", with: ".log")
        unlink(log)
        guard let pid = spawn(podpisd, ["--config", config], stdout: log, stderr: log, environment: ["SOFTHSM2_CONF": softhsmConf]) else {
            fail("cannot start \(podpisd)")
        }
        self.pid = pid
        runningDaemon = self
        var waited = 0
        while access(socket, F_OK) != 0 && waited < 150 {
            usleep(100_000)
            waited += 1
        }
        // The unattended profile logs in at start: let it finish.
        usleep(300_000)
    }

    var cpu: Double { processCPU(pid) }

    /// How podpisd's signing thread ran (the profile's signing_nice, -10 by default; root may).
    var signingLine: String {
        let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        return text.range(of: "signing at nice").map { found in String(text[found.lowerBound...].prefix { $0 != "\n" }) }
            ?? "no \"signing at nice\" line in \(log)"
    }

    /// SIGTERM, then how it ended: nil when it exited 0.
    func stop() -> String? {
        runningDaemon = nil
        kill(pid, SIGTERM)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        if status & 0x7f != 0 { return "killed by signal \(status & 0x7f)" }
        let code = (status >> 8) & 0xff
        return code == 0 ? nil : "exit \(code)"
    }
}

/// One `podpis seal` through podpisd: the client's wall time and CPU
/// (wait4), podpisd's CPU over the same span (/proc).
struct ThroughDaemon {
    let documents: Int
    let seconds: Double
    let sealingRate: Double  // as podpis counts it, after its start-up
    let clientCPU: Double
    let daemonCPU: Double
    var rate: Double { Double(documents) / seconds }
    var cpuPerDocument: Double { (clientCPU + daemonCPU) / Double(documents) }
}

func seal(through daemon: Daemon, _ input: String, into out: String, expected: Int, perf: String? = nil) -> ThroughDaemon {
    // SEALBENCH_PERF: perf records podpisd (call graphs) for this run only.
    var perfPID: pid_t = 0
    if let perf {
        if let pid = spawn("perf", ["record", "-q", "-g", "-p", "\(daemon.pid)", "-o", perf], stdout: "/dev/null", stderr: work + "/perf.log") {
            perfPID = pid
        } else {
            print("(perf did not start)")
        }
        usleep(500_000)
    }
    let before = daemon.cpu
    let child = run(podpis, ["seal", "--profile", "bench", "--config", daemon.config, "--socket", daemon.socket, "--json", "--out", out, input],
                    environment: ["SOFTHSM2_CONF": softhsmConf])
    let daemonCPU = daemon.cpu - before
    if perfPID != 0 {
        kill(perfPID, SIGINT)
        var status: Int32 = 0
        waitpid(perfPID, &status, 0)
    }
    let summary = sealedSummary(child, "podpis seal through podpisd (\(input))", expected: expected)
    return ThroughDaemon(documents: expected, seconds: child.seconds, sealingRate: summary["perSecond"] as? Double ?? 0,
                         clientCPU: child.cpuSeconds, daemonCPU: daemonCPU)
}

var daemonExits: [String] = []
let daemon = Daemon(config: mainConfig)
let perfFile = environment["SEALBENCH_PERF"]
let xades = seal(through: daemon, work + "/in", into: work + "/out-daemon", expected: count, perf: perfFile)
let signingLine = daemon.signingLine
var xadesShort: ThroughDaemon?
if runShort { xadesShort = seal(through: daemon, try subset("in", "in-short", shortCount), into: work + "/out-daemon-short", expected: shortCount) }
let cades = seal(through: daemon, work + "/in-pdf", into: work + "/out-daemon-pdf", expected: count)
if let exit = daemon.stop() { daemonExits.append("podpisd (\(sessions) session(s)) on SIGTERM: \(exit)") }

// 3b. The same XML documents on more sessions, through a podpisd of its own.
var xadesMulti: ThroughDaemon?
if runMultiSession {
    let multiDaemon = Daemon(config: try writeConfig("podpisd-multi", profileSessions: multiSessions))
    xadesMulti = seal(through: multiDaemon, work + "/in", into: work + "/out-daemon-multi", expected: count)
    if let exit = multiDaemon.stop() { daemonExits.append("podpisd (\(multiSessions) sessions) on SIGTERM: \(exit)") }
}

// 4. The raw rates again, after the runs: the limit is the higher of before
// and after (this VM's token rate swings run to run; judging against the
// lower one would flatter us). With one session the loop while another
// core is busy counts too.
let rawAfter = try rawSign(lanes: sessions)
let rawMultiAfter = runMultiSession ? try rawSign(lanes: multiSessions) : nil
let limitRate = max(rawBefore.rate, rawAfter.rate, contendedBefore?.rate ?? 0)
let multiLimitRate = max(rawMultiBefore?.rate ?? 0, rawMultiAfter?.rate ?? 0)

// The floor: what any sealer held to libxml2 and this token spends on one
// document (XAdES: parse + C14N + serialize, one SHA-256 of the document,
// one C_Sign; CAdES: the SHA-256 and the C_Sign).
let xadesFloor = libxml2Floor + sha256Floor + tokenCPUPerSignature
let cadesFloor = sha256Floor + tokenCPUPerSignature

func micro(_ seconds: Double) -> String { String(format: "%.0f µs", seconds * 1e6) }

print(String(format: "raw C_Sign (%@, %d session(s)): %.0f signatures/s, token CPU %.0f µs/signature", keyType, sessions, rawBefore.rate, tokenCPUPerSignature * 1e6))
if let contendedBefore {
    print(String(format: "  1 session while another core is busy: %.0f signatures/s", contendedBefore.rate))
}
print(String(format: "  again after the sealing runs: %.0f signatures/s; the limit below is the highest: %.0f signatures/s", rawAfter.rate, limitRate))
if let rawMultiBefore, let rawMultiAfter {
    print(String(format: "raw C_Sign (%@, %d sessions): %.0f signatures/s before the runs, %.0f after; the limit is the higher: %.0f signatures/s",
                 keyType, multiSessions, rawMultiBefore.rate, rawMultiAfter.rate, multiLimitRate))
}
print(String(format: "libxml2 alone (parse, canonicalize, serialize one document, one thread): %.0f µs CPU/doc, the floor of any sealer held to libxml2", libxml2Floor * 1e6))
print(String(format: "SHA-256 over one document (%d bytes, swift-crypto, one thread): %.1f µs CPU/doc", documentSize, sha256Floor * 1e6))
print("floor per document: XAdES \(micro(xadesFloor)) (libxml2 \(micro(libxml2Floor)) + SHA-256 \(micro(sha256Floor)) + token C_Sign \(micro(tokenCPUPerSignature))); CAdES \(micro(cadesFloor)) (SHA-256 + C_Sign)")
print(String(format: "podpis seal --local, %d × 10 KB XML, XAdES enveloped B-B: %.0f docs/s whole process (%.0f docs/s sealing phase), CPU %.0f µs/doc",
             count, ourRate, sealingRate, ourCPUPerDocument * 1e6))
print(String(format: "  = %.0f %% of the raw C_Sign rate (whole process), %.0f %% (sealing phase); own cost %.0f µs/doc beyond the token's",
             100 * ourRate / limitRate, 100 * sealingRate / limitRate, (ourCPUPerDocument - tokenCPUPerSignature) * 1e6))

/// One through-podpisd figure as a line: documents/s against the raw rate
/// of the same sessions, the CPU of both processes, against the floor.
func describe(_ result: ThroughDaemon, _ what: String, limit: Double, floor: Double) {
    print(String(format: "podpis seal through podpisd, %@: %.0f docs/s whole process (%.0f docs/s as podpis counts it, after its start-up) = %.1f %% of the raw C_Sign rate; CPU %.0f µs/doc (podpis %.0f + podpisd %.0f), own cost %.0f µs/doc beyond the token's",
                 what, result.rate, result.sealingRate, 100 * result.rate / limit, result.cpuPerDocument * 1e6,
                 result.clientCPU / Double(result.documents) * 1e6, result.daemonCPU / Double(result.documents) * 1e6,
                 (result.cpuPerDocument - tokenCPUPerSignature) * 1e6))
    print(String(format: "  CPU/doc = %.1f× the floor (%.0f µs)%@; podpis and podpisd kept %.2f of the %d cores busy on average (token included)",
                 result.cpuPerDocument / floor, floor * 1e6, keyType == "ec" ? String(format: ", aim ≤ %.0f×", floorAim) : "",
                 result.cpuPerDocument * result.rate, sysconf(Int32(_SC_NPROCESSORS_ONLN))))
}
describe(xades, "\(count) × 10 KB XML, XAdES enveloped B-B, \(sessions) session(s)", limit: limitRate, floor: xadesFloor)
print("  podpisd's session thread: \(signingLine)")
if perfFile != nil { print("  (perf recorded podpisd during this run, into \(perfFile!): its figures are perturbed)") }
if let xadesShort { describe(xadesShort, "the first \(shortCount) of them again (same podpisd)", limit: limitRate, floor: xadesFloor) }
describe(cades, "\(count) × 10 KB PDF-like, CAdES detached B-B, \(sessions) session(s)", limit: limitRate, floor: cadesFloor)
if let xadesMulti { describe(xadesMulti, "\(count) × 10 KB XML, XAdES enveloped B-B, \(multiSessions) sessions (a podpisd with sessions = \(multiSessions))", limit: multiLimitRate, floor: xadesFloor) }
for exit in daemonExits { print("  odd: \(exit)") }

// 5. What an office would script today, for information (and with P-256, limits).
let sample = min(count, 200)
let peerSample = min(count, 2000)
func baseline(_ result: Child) -> Double? {
    guard let line = result.stdout.split(separator: "\n").last,
        let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
    else { return nil }
    return object["perSecond"] as? Double
}
let skipBaselines = environment["SEALBENCH_BASELINES"] == "0"
var opensslRate: Double?, signxmlRate: Double?
if !skipBaselines {
    // openssl on the first 200 documents (a process each), signxml on the first 2000.
    opensslRate = baseline(run("bash", ["\(baselines)/openssl_engine_cms.sh", try subset("in", "sample", sample), work + "/out-openssl", pin, keyType],
                               environment: ["SOFTHSM2_CONF": softhsmConf]))
    signxmlRate = baseline(run("/usr/bin/python3", [
        "\(baselines)/signxml_pkcs11.py", "--input", try subset("in", "peer-sample", peerSample), "--output", work + "/out-signxml", "--module", module,
        "--token", "Bench Seal", "--pin", pin, "--cert", work + "/token/cert.pem", "--key-type", keyType,
    ], environment: ["SOFTHSM2_CONF": softhsmConf]))
}
/// Said when a bar is above what the token itself signs: no program on this token can reach it.
func beyondToken(_ bar: Double) -> String {
    bar > limitRate ? String(format: " (%.0f× would be %.0f docs/s, above the token's own %.0f signatures/s)", peerFactorLimit, bar, limitRate) : ""
}
if let opensslRate {
    print(String(format: "openssl cms -sign per document (pkcs11 engine), %d docs: %.1f docs/s → podpis through podpisd %.1f× (CAdES %.1f×, --local %.1f×)",
                 sample, opensslRate, xades.rate / opensslRate, cades.rate / opensslRate, ourRate / opensslRate) + beyondToken(peerFactorLimit * opensslRate))
}
if let signxmlRate {
    print(String(format: "signxml + python-pkcs11, one process, %d docs: %.1f docs/s → podpis through podpisd %.1f× (--local %.1f×)",
                 peerSample, signxmlRate, xades.rate / signxmlRate, ourRate / signxmlRate) + beyondToken(peerFactorLimit * signxmlRate))
}
// The issue's third peer, xmlsec1 1.3.x in one process, signs on the token
// through OpenSSL 3's store or engine; Debian 12 ships xmlsec1 1.2.37 (and
// python3-xmlsec 1.3.13 without Key.from_engine), which cannot.
// Benchmarks/xmlsec-peer.py is VerificationBenchmark's verifying peer.
let xmlsecVersion = run("xmlsec1", ["--version"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
print("xmlsec1 one-process peer: not run (\(xmlsecVersion.isEmpty ? "xmlsec1 not installed" : xmlsecVersion): signing with a key on a PKCS#11 token needs xmlsec1 1.3.x)")

// 6. The audit trail every run above wrote (--local, and each podpisd).
let audit = run(podpis, ["audit", "verify", "--file", work + "/audit.jsonl"])
let auditLine = audit.stdout.trimmingCharacters(in: .whitespacesAndNewlines)

// 7. The verdicts, one line per limit of issue 25.
nonisolated(unsafe) var verdicts: [(pass: Bool, text: String)] = []
func judge(_ pass: Bool, _ text: String) { verdicts.append((pass, text)) }
if keyType == "rsa" {
    for (result, what) in [(xades, "XAdES"), (cades, "CAdES")] {
        judge(result.rate >= rawShareLimit * limitRate,
              String(format: "RSA %@ through podpisd, %d documents, %d session(s): %.0f docs/s = %.1f %% of raw C_Sign %.0f/s (limit ≥ 90 %%)",
                     what, count, sessions, result.rate, 100 * result.rate / limitRate, limitRate))
    }
} else {
    for (result, what, floor) in [(xades, "XAdES", xadesFloor), (cades, "CAdES", cadesFloor)] {
        judge(result.cpuPerDocument <= cpuPerDocumentLimit,
              String(format: "P-256 %@ through podpisd, %d documents: CPU %.0f µs/doc (podpis + podpisd; %.1f× the floor %.0f µs) (limit ≤ 400 µs)",
                     what, count, result.cpuPerDocument * 1e6, result.cpuPerDocument / floor, floor * 1e6))
        judge(result.rate >= throughputLimit,
              String(format: "P-256 %@ through podpisd, %d documents: %.0f docs/s (limit ≥ 3000 docs/s)", what, count, result.rate))
    }
    for (rate, peer) in [(opensslRate, "openssl cms -sign per document"), (signxmlRate, "signxml + python-pkcs11")] {
        if let rate {
            judge(xades.rate >= peerFactorLimit * rate,
                  String(format: "P-256 XAdES through podpisd vs %@: %.1f× (limit ≥ 4×)", peer, xades.rate / rate))
        } else {
            judge(false, "P-256 XAdES through podpisd vs \(peer): did not run (\(skipBaselines ? "SEALBENCH_BASELINES=0" : "Benchmarks/baselines/install.sh"))")
        }
    }
}
judge(audit.status == 0, "podpis audit verify after the runs: \(auditLine.isEmpty ? "exit \(audit.status)" : auditLine)")
// Reported, not judged: the issue sets no limit on them.
if let xadesShort {
    print(String(format: "info  %@ XAdES through podpisd, %d documents: %.0f docs/s = %.1f %% of raw C_Sign, CPU %.0f µs/doc",
                 keyType, shortCount, xadesShort.rate, 100 * xadesShort.rate / limitRate, xadesShort.cpuPerDocument * 1e6))
}
if let xadesMulti {
    print(String(format: "info  %@ XAdES through podpisd, %d documents, %d sessions: %.0f docs/s = %.1f %% of raw C_Sign on %d sessions %.0f/s (informational, no limit)",
                 keyType, count, multiSessions, xadesMulti.rate, 100 * xadesMulti.rate / multiLimitRate, multiSessions, multiLimitRate))
}
if keyType == "rsa" {
    for (rate, peer) in [(opensslRate, "openssl cms -sign per document"), (signxmlRate, "signxml + python-pkcs11")] {
        if let rate { print(String(format: "info  RSA XAdES through podpisd vs %@: %.1f× (informational with RSA)", peer, xades.rate / rate)) }
    }
}
for verdict in verdicts { print((verdict.pass ? "PASS  " : "FAIL  ") + verdict.text) }
let failures = verdicts.filter { !$0.pass }.map(\.text)
print(failures.isEmpty ? "PASS" : "FAIL: " + failures.joined(separator: "; "))
finish(failures.isEmpty ? 0 : 1)
