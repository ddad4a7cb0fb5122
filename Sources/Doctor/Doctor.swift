import DaemonConfiguration
import Foundation
import Inventory
import Localization
import PKCS11
import QualifiedCertificates
import SmartCard
import X509

/// `podpis doctor`: runs every check, each under its time limit, and
/// assembles the report. Never asks for or enters a PIN.
public enum Doctor {
    public static func examine(_ options: DoctorOptions) -> Report {
        var report = Report(checkedAt: options.now, readerFocus: options.reader, tokenFocus: options.token)
        let environment = options.environment
        let limits = options.limits

        // The configuration first: it names the modules, the socket and the TSAs.
        let files = options.configFiles ?? DaemonConfiguration.defaultFiles(system: options.system, environment: environment)
        let (configurationFindings, configuration) = ConfigurationCheck(
            files: files, environment: environment, explicit: options.configFiles != nil).run()

        // Side checks run beside the hardware ones.
        let daemonCheck = DaemonCheck(
            configuration: configuration, system: options.system, socketOverride: options.socketPath,
            environment: environment, limit: limits.daemon)
        let daemon = Pending(name: "doctor-daemon") { daemonCheck.run() }
        let urls = options.timeStampURLs ?? configuration.timestamp.urls
        let tsaLimit = min(limits.tsa, max(1, configuration.timestamp.timeoutSeconds))
        let tsas = urls.map { url in Pending(name: "doctor-tsa") { TimeStampCheck(url: url, limit: tsaLimit).run() } }
        let udev = Pending(name: "doctor-udev") { UdevRuleCheck().run() }

        let hardware = Hardware(options: options, configuration: configuration).examine()
        let browsers = BrowserPolicyCheck(
            root: options.browserPolicyRoot,
            origins: BrowserPolicyCheck.origins(configuration: configuration, system: options.system, environment: environment)
        ).run()

        report.system += hardware.systemFindings
        report.system += configurationFindings
        report.system += daemon.wait(upTo: limits.daemon + 2) ?? [
            .timeout(DaemonCheck.name, component: messages.text("doctor.daemon-component"), seconds: limits.daemon, fix: DaemonCheck.startFix)
        ]
        if urls.isEmpty {
            report.system.append(.ok(
                TimeStampCheck.name, "tsa-none-configured",
                messages.text("tsa-none-configured.found")))
        }
        for (url, pending) in zip(urls, tsas) {
            report.system += pending.wait(upTo: tsaLimit + 2) ?? [
                .timeout(TimeStampCheck.name, component: messages.text("doctor.tsa-component", ["url": url]), seconds: tsaLimit, fix: TimeStampCheck.reachFix)
            ]
        }
        report.system.append(udev.wait(upTo: limits.helper + 2) ?? .timeout(
            UdevRuleCheck.name, component: messages.text("doctor.udev-component"), seconds: limits.helper,
            fix: messages.text("doctor.udev-fix")))
        report.system += browsers
        report.modules = hardware.modules
        report.readers = hardware.readers
        report.tokens = hardware.tokens
        return report
    }
}
