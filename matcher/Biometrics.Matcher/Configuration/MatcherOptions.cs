namespace Biometrics.Matcher.Configuration;

/// <summary>Host settings, bound from the <c>Matcher</c> configuration section (appsettings.json, environment variables
/// <c>Matcher__Section__Key</c>, command line <c>--Matcher:Section:Key=value</c>). Validated at start.</summary>
public sealed class MatcherOptions
{
    /// <summary>The configuration section name.</summary>
    public const string Section = "Matcher";

    /// <summary>Listen address, <c>http://host:port</c> (development mode only) or <c>https://host:port</c>.</summary>
    public string Url { get; set; } = "http://127.0.0.1:50051";

    /// <summary>A second, plain-text port (on the host of <see cref="Url"/>) that answers <c>grpc.health.v1.Health</c> only,
    /// for probes that cannot speak TLS (Kubernetes <c>grpc:</c> probes; deploy/); every other path there is 404.
    /// 0: none.</summary>
    public int HealthPort { get; set; }

    /// <summary>Redis connection settings.</summary>
    public RedisSettings Redis { get; set; } = new();

    /// <summary>Authentication, tokens, TLS and the development mode.</summary>
    public SecuritySettings Security { get; set; } = new();

    /// <summary>The face pipeline for image probes, chip photos and enrolment images.</summary>
    public PipelineSettings Pipeline { get; set; } = new();

    /// <summary>Split galleries across matchers (off by default; docs/SCALING.md, "Split galleries").</summary>
    public SplitSettings Split { get; set; } = new();

    /// <summary>The local gallery checkpoint (off by default; docs/MATCHER.md, "Start-up").</summary>
    public CheckpointSettings Checkpoint { get; set; } = new();

    /// <summary>Calibrated thresholds: path of <c>calibration.json</c> (relative paths are resolved against the
    /// application folder, then the working folder).</summary>
    public string CalibrationFile { get; set; } = "calibration.json";

    /// <summary>Largest gRPC request message, bytes (larger: RESOURCE_EXHAUSTED before any work is done).</summary>
    public int MaxReceiveMessageBytes { get; set; } = 9 * 1024 * 1024;
}
