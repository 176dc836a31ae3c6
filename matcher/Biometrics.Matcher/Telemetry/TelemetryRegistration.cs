using Biometrics.Matcher.OpsConsole;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Biometrics.Matcher.Telemetry;

/// <summary>OpenTelemetry wiring of the matcher host (docs/OPERATIONS.md): which meters and sources are collected, the
/// Prometheus endpoint and the OTLP exporter, and the operations listener's own paths.</summary>
public static class TelemetryRegistration
{
    /// <summary>The Prometheus scraping path on the operations listener.</summary>
    public const string MetricsPath = "/metrics";

    /// <summary>
    /// Metrics (this meter, the runtime's, ASP.NET Core's request durations per gRPC method, Kestrel's connections) when something
    /// exports them: the Prometheus endpoint (<see cref="TelemetrySettings.MetricsPort"/>) or OTLP. Traces (ASP.NET Core's
    /// server spans, continued from the caller's <c>traceparent</c>, and this source's store spans) when
    /// <see cref="TelemetrySettings.TracingEnabled"/>. Nothing is collected otherwise: without a listener an instrument
    /// costs one check and no <c>Activity</c> is created per request.
    /// </summary>
    public static IServiceCollection AddMatcherTelemetry(this IServiceCollection services, TelemetrySettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var otlp = string.IsNullOrEmpty(settings.OtlpEndpoint) ? null : new Uri(settings.OtlpEndpoint);
        var metrics = settings.MetricsPort > 0 || otlp is not null;
        if (!metrics && !settings.TracingEnabled) return services;

        var builder = services.AddOpenTelemetry().ConfigureResource(r => r.AddService("biometrics-matcher"));
        if (metrics)
        {
            builder.WithMetrics(m =>
            {
                // "System.Runtime": the runtime's own observable instruments (GC collections and pause time, heap sizes, thread
                // pool threads and queue length, lock contention), read only when exported: no per-call cost.
                m.AddMeter(MatcherTelemetry.Name, "System.Runtime").AddAspNetCoreInstrumentation();
                if (settings.MetricsPort > 0) m.AddPrometheusExporter();
                if (otlp is not null) m.AddOtlpExporter(o => Otlp(o, otlp));
            });
        }

        if (settings.TracingEnabled)
        {
            builder.WithTracing(t =>
            {
                t.AddSource(MatcherTelemetry.Name).AddAspNetCoreInstrumentation(o =>
                    o.Filter = c => !c.Request.Path.StartsWithSegments(MetricsPath) && !c.Request.Path.StartsWithSegments(ConsoleEndpoints.Root));
                if (otlp is not null) t.AddOtlpExporter(o => Otlp(o, otlp));
            });
        }

        return services;
    }

    /// <summary>Keeps the two listeners apart: the operations port serves only <c>/metrics</c> and <c>/console</c>, the API
    /// port never does (404 either way).</summary>
    public static IApplicationBuilder UseOperationsListener(this IApplicationBuilder app, int metricsPort) =>
        app.Use((context, next) =>
        {
            var operationsPort = context.Connection.LocalPort == metricsPort;
            var path = context.Request.Path;
            var operationsPath = path.StartsWithSegments(MetricsPath) || path.StartsWithSegments(ConsoleEndpoints.Root);
            if (operationsPort == operationsPath) return next(context);
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        });

    /// <summary>The Prometheus endpoint and the console.</summary>
    public static WebApplication MapOperationsEndpoints(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapPrometheusScrapingEndpoint(MetricsPath);
        app.MapConsole();
        return app;
    }

    private static void Otlp(OtlpExporterOptions o, Uri endpoint)
    {
        o.Endpoint = endpoint;
        o.Protocol = OtlpExportProtocol.Grpc;
    }
}
