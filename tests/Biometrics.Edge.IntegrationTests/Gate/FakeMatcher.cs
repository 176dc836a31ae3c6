using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using Biometrics.Protos.V1;
using Biometrics.Testing;
using Grpc.Core;
using Grpc.HealthCheck;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using EnrolmentApi = Biometrics.Protos.V1.Enrolment;
using MatcherApi = Biometrics.Protos.V1.Matcher;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace Biometrics.Edge.IntegrationTests.Gate;

/// <summary>
/// A scripted stand-in for the matcher (Matcher and Enrolment services and the standard Health service on
/// Grpc.AspNetCore, in-process, plain-text HTTP/2 on a free loopback port) for what the real matcher cannot be made to
/// do on purpose: answer slowly, and be stopped and started again on the same port. It records what the agent sent.
/// </summary>
public sealed class FakeMatcher : IAsyncDisposable
{
    private readonly FakeMatcherTls? _tls;
    private readonly HealthServiceImpl? _health;
    private WebApplication? _app;

    /// <summary>A fake on plain-text HTTP/2, or with <paramref name="tls"/> on TLS (and mutual TLS when it names a client CA).
    /// With <paramref name="settableHealth"/> its health service is the one the real matcher uses (Grpc.HealthCheck's
    /// <see cref="HealthServiceImpl"/>, SERVING from the start) and <see cref="SetServing"/> changes it at once.</summary>
    public FakeMatcher(FakeMatcherTls? tls = null, bool settableHealth = false)
    {
        _tls = tls;
        Port = FreePort.Next();
        if (settableHealth)
        {
            _health = new HealthServiceImpl();
            _health.SetStatus("", ServingStatus.Serving);
        }
    }

    public int Port { get; }

    public string Address => $"{(_tls is null ? "http" : "https")}://127.0.0.1:{Port}";

    public FakeMatcherService Service { get; } = new();

    public bool IsRunning => _app is not null;

    public async Task StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, Port, l =>
        {
            l.Protocols = HttpProtocols.Http2;
            if (_tls is not null)
            {
                l.UseHttps(_tls.Configure);
            }
        }));
        builder.Logging.ClearProviders();
        if (Environment.GetEnvironmentVariable("FAKE_MATCHER_LOG") == "1")
        {
            builder.Logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Debug);
        }

        builder.Services.AddGrpc();
        // One check that always passes: the overall service ("") answers SERVING while the host runs (with no check at
        // all the package answers UNKNOWN).
        if (_health is null)
        {
            builder.Services.AddGrpcHealthChecks().AddCheck("fake", () => HealthCheckResult.Healthy());
        }
        else
        {
            builder.Services.AddSingleton(_health);
        }

        builder.Services.AddSingleton(Service);
        var app = builder.Build();
        app.Use((context, next) =>
        {
            Service.Calls.Enqueue((context.Request.Path.Value ?? string.Empty, context.Request.Headers["grpc-timeout"].ToString()));
            return next(context);
        });
        app.MapGrpcService<FakeMatcherApi>();
        app.MapGrpcService<FakeEnrolmentApi>();
        if (_health is null)
        {
            app.MapGrpcHealthChecksService();
        }
        else
        {
            app.MapGrpcService<HealthServiceImpl>();
        }

        await app.StartAsync().WaitAsync(TimeSpan.FromSeconds(30));
        _app = app;
    }

    public async Task StopAsync()
    {
        if (_app is { } app)
        {
            _app = null;
            await app.StopAsync().WaitAsync(TimeSpan.FromSeconds(30));
            await app.DisposeAsync();
        }
    }

    /// <summary>SERVING or NOT_SERVING for the whole server ("") (only with <c>settableHealth</c>).</summary>
    public void SetServing(bool serving) =>
        (_health ?? throw new InvalidOperationException("made without settableHealth")).SetStatus("", serving ? ServingStatus.Serving : ServingStatus.NotServing);

    /// <summary>Stops at once, as a process that dies: open calls and connections are cut, not drained.</summary>
    public async Task KillAsync()
    {
        if (_app is { } app)
        {
            _app = null;
            await app.StopAsync(new CancellationToken(canceled: true)).WaitAsync(TimeSpan.FromSeconds(30));
            await app.DisposeAsync();
        }
    }

    public ValueTask DisposeAsync() => new(StopAsync());
}

/// <summary>
/// TLS for the fake: its certificate and, for mutual TLS, the CA client certificates must chain to (that CA only: the
/// system store is not consulted). <see cref="ClientCertificates"/> records the certificate each connection presented.
/// </summary>
public sealed class FakeMatcherTls(X509Certificate2 serverCertificate, X509Certificate2? clientAuthority = null)
{
    public ConcurrentQueue<string> ClientCertificates { get; } = new();

    internal void Configure(HttpsConnectionAdapterOptions https)
    {
        https.ServerCertificate = serverCertificate;
        if (clientAuthority is null)
        {
            return;
        }

        https.ClientCertificateMode = ClientCertificateMode.RequireCertificate;
        https.ClientCertificateValidation = (certificate, _, _) =>
        {
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(clientAuthority);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            var trusted = chain.Build(certificate);
            if (trusted)
            {
                ClientCertificates.Enqueue(certificate.Subject);
            }

            return trusted;
        };
    }
}

/// <summary>The fake's <c>biometrics.v1.Matcher</c> service (generated base), answering through the shared <see cref="FakeMatcherService"/>.</summary>
public sealed class FakeMatcherApi(FakeMatcherService fake) : MatcherApi.MatcherBase
{
    public override Task GateSession(IAsyncStreamReader<GateSessionRequest> requestStream, IServerStreamWriter<GateSessionResponse> responseStream, ServerCallContext context) =>
        fake.GateSession(requestStream, responseStream, context);
}

/// <summary>The fake's <c>biometrics.v1.Enrolment</c> service (generated base), answering through the shared <see cref="FakeMatcherService"/>.</summary>
public sealed class FakeEnrolmentApi(FakeMatcherService fake) : EnrolmentApi.EnrolmentBase
{
    public override Task<EnrolResponse> Enrol(EnrolRequest request, ServerCallContext context) => fake.Enrol(request, context);

    public override Task EnrolStream(IAsyncStreamReader<EnrolRequest> requestStream, IServerStreamWriter<EnrolResponse> responseStream, ServerCallContext context) =>
        fake.EnrolStream(requestStream, responseStream, context);
}

/// <summary>The fake's services. <see cref="Decide"/> chooses the answer to each probe; <see cref="Delay"/> slows every answer.</summary>
public sealed class FakeMatcherService
{
    public ConcurrentQueue<GateSessionOpen> Opens { get; } = new();

    public ConcurrentQueue<Probe> Probes { get; } = new();

    public ConcurrentQueue<EnrolRequest> Enrolments { get; } = new();

    public ConcurrentQueue<string?> Authorizations { get; } = new();

    /// <summary>Every request: its path and its <c>grpc-timeout</c> header (empty when the call had no deadline).</summary>
    public ConcurrentQueue<(string Path, string Timeout)> Calls { get; } = new();

    public TimeSpan Delay { get; set; }

    /// <summary>(open, probe number from 1) to (verdict, final); default ACCEPT at the first probe.</summary>
    public Func<GateSessionOpen, int, (Verdict Verdict, bool Final)> Decide { get; set; } =
        (_, _) => (new Verdict { Decision = Decision.Accept, Score = 0.8f, Threshold = 0.4f, Reason = "match", TransactionId = Guid.NewGuid().ToString("N") }, true);

    public async Task GateSession(IAsyncStreamReader<GateSessionRequest> requests, IServerStreamWriter<GateSessionResponse> responses, ServerCallContext context)
    {
        Authorizations.Enqueue(context.RequestHeaders.GetValue("authorization"));
        GateSessionOpen? open = null;
        var count = 0;
        Trace("GateSession started");
        while (await requests.MoveNext(context.CancellationToken))
        {
            var request = requests.Current;
            Trace("GateSession got " + request.KindCase);
            if (request.Open is not null)
            {
                open = request.Open;
                Opens.Enqueue(open);
                continue;
            }

            if (request.Probe is null || open is null)
            {
                continue;
            }

            Probes.Enqueue(request.Probe);
            count++;
            if (Delay > TimeSpan.Zero)
            {
                await Task.Delay(Delay, context.CancellationToken);
            }

            var (verdict, final) = Decide(open, count);
            Trace("GateSession writing " + verdict.Decision);
            await responses.WriteAsync(new GateSessionResponse { SessionId = open.SessionId, Verdict = verdict, Final = final });
            Trace("GateSession wrote " + verdict.Decision);
            if (final)
            {
                return;
            }
        }
    }

    private static void Trace(string text)
    {
        if (Environment.GetEnvironmentVariable("FAKE_MATCHER_LOG") == "1")
        {
            Console.Error.WriteLine("fake: " + text);
        }
    }

    public Task<EnrolResponse> Enrol(EnrolRequest request, ServerCallContext context)
    {
        Enrolments.Enqueue(request);
        return Task.FromResult(Answer(request));
    }

    public async Task EnrolStream(IAsyncStreamReader<EnrolRequest> requests, IServerStreamWriter<EnrolResponse> responses, ServerCallContext context)
    {
        while (await requests.MoveNext(context.CancellationToken))
        {
            Enrolments.Enqueue(requests.Current);
            await responses.WriteAsync(Answer(requests.Current));
        }
    }

    private static EnrolResponse Answer(EnrolRequest request) => new()
    {
        RequestId = request.RequestId,
        Status = request.SubjectId.StartsWith("blurry", StringComparison.Ordinal) ? EnrolStatus.RejectedQuality : EnrolStatus.Enrolled,
        SubjectKey = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(request.SubjectId)))[..16],
        Version = 1,
        ModelId = request.Template?.ModelId ?? "fake",
    };
}
