namespace Biometrics.Matcher.Telemetry;

/// <summary>Metrics, traces and the operations console, bound from the <c>Telemetry</c> configuration section
/// (docs/OPERATIONS.md). Everything beyond the in-process instruments is off unless configured.</summary>
public sealed class TelemetrySettings
{
    /// <summary>The configuration section name.</summary>
    public const string Section = "Telemetry";

    /// <summary>OTLP collector address (for example <c>http://127.0.0.1:4317</c>); traces and metrics are exported there
    /// when set. Off by default.</summary>
    public string? OtlpEndpoint { get; set; }

    /// <summary>Record traces (spans of the gRPC calls and of the store calls) even without an OTLP endpoint (tests add their
    /// own exporter). On whenever <see cref="OtlpEndpoint"/> is set.</summary>
    public bool Tracing { get; set; }

    /// <summary>Port of the operations listener: the Prometheus endpoint <c>/metrics</c> and the console <c>/console/</c>.
    /// 0 (the default) opens no listener.</summary>
    public int MetricsPort { get; set; }

    /// <summary>Address of the operations listener; loopback unless an operator opens it deliberately.</summary>
    public string MetricsAddress { get; set; } = "127.0.0.1";

    /// <summary>True when spans are recorded.</summary>
    public bool TracingEnabled => Tracing || !string.IsNullOrEmpty(OtlpEndpoint);

    /// <summary>Every problem, each naming its configuration key.</summary>
    public IEnumerable<string> Check()
    {
        if (!string.IsNullOrEmpty(OtlpEndpoint) && (!Uri.TryCreate(OtlpEndpoint, UriKind.Absolute, out var otlp) || (otlp.Scheme != "http" && otlp.Scheme != "https")))
        {
            yield return $"Telemetry:OtlpEndpoint '{OtlpEndpoint}' must be http://host:port or https://host:port (the OTLP collector).";
        }

        if (MetricsPort is < 0 or > 65535) yield return "Telemetry:MetricsPort must be 0 (no operations listener) or 1..65535.";
        if (!System.Net.IPAddress.TryParse(MetricsAddress, out _) && MetricsAddress != "localhost")
        {
            yield return $"Telemetry:MetricsAddress '{MetricsAddress}' must be an IP address (127.0.0.1 by default; 0.0.0.0 for every interface).";
        }
    }
}
