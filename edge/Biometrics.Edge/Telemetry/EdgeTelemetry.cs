using System.Diagnostics;
using System.Diagnostics.Metrics;
using Biometrics.Contract;
using Biometrics.Edge.Gate;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Biometrics.Edge.Telemetry;

/// <summary>
/// The gate agent's one <see cref="ActivitySource"/> and one <see cref="Meter"/> (both <see cref="Name"/>;
/// docs/OPERATIONS.md). Each traveller's gate session is a span; the gRPC call made under it carries its W3C
/// <c>traceparent</c> to the matcher, whose server and store spans continue the same trace. Verdicts are counted by
/// decision, reason and source (matcher or edge) and face-to-verdict times recorded. Exported over OTLP only when
/// <c>Telemetry:OtlpEndpoint</c> is configured. Thread-safe.
/// </summary>
public static class EdgeTelemetry
{
    /// <summary>Name of the activity source and of the meter.</summary>
    public const string Name = "Biometrics.Edge";

    /// <summary>The agent's spans.</summary>
    public static readonly ActivitySource Source = new(Name);

    private static readonly Meter s_meter = new(Name);

    private static readonly Counter<long> s_verdicts = s_meter.CreateCounter<long>("biometrics.edge.verdicts", "{verdict}",
        "Verdicts reported by the lane, by decision, reason, source (matcher or edge) and finality.");

    private static readonly Histogram<double> s_faceToVerdict = s_meter.CreateHistogram("biometrics.edge.face_to_verdict.duration", "s",
        "From the traveller's first usable face to the final verdict.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.05, 0.1, 0.25, 0.5, 0.75, 1, 1.5, 2, 3, 5, 10] });

    /// <summary>Starts the span of one traveller's gate session (null when nobody listens).</summary>
    public static Activity? StartSession(string gateId, string laneId, string sessionId)
    {
        var activity = Source.StartActivity("gate session", ActivityKind.Client);
        activity?.SetTag("biometrics.gate_id", gateId);
        activity?.SetTag("biometrics.lane_id", laneId);
        activity?.SetTag("biometrics.session_id", sessionId);
        return activity;
    }

    /// <summary>Records a verdict the lane reported.</summary>
    public static void Verdict(GateVerdict verdict)
    {
        ArgumentNullException.ThrowIfNull(verdict);
        s_verdicts.Add(1, new("decision", DecisionNames.Of((Decision)(int)verdict.Verdict.Decision)), new("reason", verdict.Verdict.Reason),
            new("source", verdict.Source == VerdictSource.Matcher ? "matcher" : "edge"), new("final", verdict.Final));
        if (verdict.Final && verdict.FaceToVerdictMs is { } ms) s_faceToVerdict.Record(ms / 1000);
    }

    /// <summary>Starts exporting the agent's spans (with the HTTP client's, which carry the trace to the matcher) and its
    /// metrics to <paramref name="otlpEndpoint"/>; null (nothing exported) when it is not set.</summary>
    /// <exception cref="Cli.CommandLineException">The endpoint is not an http(s) URL (exit code 2).</exception>
    public static IDisposable? Export(string? otlpEndpoint)
    {
        if (string.IsNullOrEmpty(otlpEndpoint)) return null;
        if (!Uri.TryCreate(otlpEndpoint, UriKind.Absolute, out var endpoint) || (endpoint.Scheme != "http" && endpoint.Scheme != "https"))
        {
            throw new Cli.CommandLineException($"setting Telemetry:OtlpEndpoint '{otlpEndpoint}' must be http://host:port or https://host:port (the OTLP collector)");
        }

        var resource = ResourceBuilder.CreateDefault().AddService("biometrics-gate");
        var traces = Sdk.CreateTracerProviderBuilder().SetResourceBuilder(resource).AddSource(Name).AddHttpClientInstrumentation()
            .AddOtlpExporter(o => Otlp(o, endpoint)).Build();
        var metrics = Sdk.CreateMeterProviderBuilder().SetResourceBuilder(resource).AddMeter(Name)
            .AddOtlpExporter(o => Otlp(o, endpoint)).Build();
        return new Providers(traces, metrics);
    }

    private static void Otlp(OtlpExporterOptions o, Uri endpoint)
    {
        o.Endpoint = endpoint;
        o.Protocol = OtlpExportProtocol.Grpc;
    }

    private sealed class Providers(TracerProvider traces, MeterProvider metrics) : IDisposable
    {
        public void Dispose()
        {
            traces.Dispose();
            metrics.Dispose();
        }
    }
}
