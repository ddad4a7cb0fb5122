/// The one version number of Podpis, shown by `podpis --version`,
/// `podpisd --version` and podpisd's `/v1/status` (VersionTests checks they
/// agree; the status example in docs and openapi.yaml shows it too).
/// Here because both executables import Localization.
public enum PodpisVersion {
    public static let string = "0.2.0"
}
