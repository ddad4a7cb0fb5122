import DaemonConfiguration
import XCTest

/// Which files are read, and where the socket is.
final class PathTests: XCTestCase {
    func testSystemDaemonReadsOnlyTheSystemFile() {
        XCTAssertEqual(
            DaemonConfiguration.defaultFiles(system: true, environment: ["HOME": "/home/k"]), ["/etc/podpis/podpisd.toml"])
    }

    func testUserDaemonReadsTheSystemFileThenTheUsersFile() {
        XCTAssertEqual(
            DaemonConfiguration.defaultFiles(system: false, environment: ["HOME": "/home/k"]),
            ["/etc/podpis/podpisd.toml", "/home/k/.config/podpis/podpisd.toml"])
        XCTAssertEqual(
            DaemonConfiguration.defaultFiles(system: false, environment: ["HOME": "/home/k", "XDG_CONFIG_HOME": "/srv/conf/"]),
            ["/etc/podpis/podpisd.toml", "/srv/conf/podpis/podpisd.toml"])
        // A relative XDG_CONFIG_HOME is ignored, as the XDG specification says.
        XCTAssertEqual(
            DaemonConfiguration.defaultFiles(system: false, environment: ["HOME": "/home/k", "XDG_CONFIG_HOME": "conf"]),
            ["/etc/podpis/podpisd.toml", "/home/k/.config/podpis/podpisd.toml"])
    }

    func testPodpisConfigReplacesTheList() {
        let environment = ["HOME": "/home/k", "PODPIS_CONFIG": "/tmp/test.toml"]
        XCTAssertEqual(DaemonConfiguration.defaultFiles(system: false, environment: environment), ["/tmp/test.toml"])
        XCTAssertEqual(DaemonConfiguration.defaultFiles(system: true, environment: environment), ["/tmp/test.toml"])
    }

    func testDefaultSocketPaths() {
        let configuration = DaemonConfiguration()
        XCTAssertEqual(
            configuration.socketPath(system: false, environment: ["XDG_RUNTIME_DIR": "/run/user/1000"]),
            "/run/user/1000/podpis/podpisd.sock")
        XCTAssertEqual(
            configuration.socketPath(system: true, environment: ["XDG_RUNTIME_DIR": "/run/user/1000"]),
            "/run/podpis/podpisd.sock")
        XCTAssertEqual(
            configuration.socketPath(system: false, environment: [:]), "/run/user/\(getuid())/podpis/podpisd.sock")
    }

    func testConfiguredSocketWins() throws {
        let directory = try TemporaryDirectory()
        let file = try directory.write("podpisd.toml", "[server]\nsocket = \"/srv/podpis/api.sock\"\n")
        let configuration = DaemonConfiguration.load(files: [file], environment: [:]).configuration
        XCTAssertEqual(configuration.socketPath(system: true, environment: [:]), "/srv/podpis/api.sock")
        XCTAssertEqual(
            configuration.socketPath(system: false, environment: ["XDG_RUNTIME_DIR": "/run/user/1000"]), "/srv/podpis/api.sock")
    }

    func testLoadingTheDefaultFilesOfATestEnvironment() throws {
        let directory = try TemporaryDirectory()
        let user = try directory.write("config/podpis/podpisd.toml", "[server]\nport = 4242\n")
        let files = DaemonConfiguration.defaultFiles(system: false, environment: ["XDG_CONFIG_HOME": directory.path + "/config"])
        XCTAssertEqual(files.last, user)
        let loaded = DaemonConfiguration.load(files: [directory.path + "/etc-absent.toml", user], environment: [:])
        XCTAssertEqual(loaded.configuration.server.port, 4242)
        XCTAssertEqual(loaded.problems, [])
    }
}
