using System.Collections.Concurrent;
using Biometrics.Protos.V1;
using Grpc.Core;
using Grpc.HealthCheck;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using EnrolmentApi = Biometrics.Protos.V1.Enrolment;
using MatcherApi = Biometrics.Protos.V1.Matcher;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace Biometrics.LoadTest.Tests;

/// <summary>
/// A stand-in matcher on Grpc.AspNetCore (services deriving from the generated bases) on a free loopback port, h2c or TLS
/// with a self-signed certificate (<see cref="CaFile"/>): Verify answers ACCEPT (total 1.5 ms), Identify one candidate
/// above the threshold (search 2 ms), Enrol and EnrolStream ENROLLED, and GateSession a RETRY for each probe and the final
/// verdict ACCEPT at the <see cref="ProbesPerVerdict"/>th. It records what the load tester sent: authorization headers, whether calls
/// carried a deadline, the sessions opened and the subjects enrolled. Stopped (and the PEM file deleted) on dispose.
/// </summary>
internal sealed class FakeMatcherServer : IAsyncDisposable
{
    public const int ProbesPerVerdict = 2;
    private readonly bool _tls;
    private readonly HealthServiceImpl _health = new();
    private WebApplication? _app;

    private FakeMatcherServer(bool tls) => _tls = tls;

    public int Port { get; } = Biometrics.Testing.FreePort.Next();

    public Uri Address => new($"{(_tls ? "https" : "http")}://127.0.0.1:{Port}");

    /// <summary>The server certificate as PEM (TLS only).</summary>
    public string CaFile { get; } = Path.Combine(Path.GetTempPath(), $"biometrics-load-fake-ca-{Guid.NewGuid():N}.pem");

    /// <summary>The authorization header of every call ("" when absent).</summary>
    public ConcurrentQueue<string> Authorizations { get; } = new();

    /// <summary>Calls that arrived without a deadline.</summary>
    public int CallsWithoutDeadline => Volatile.Read(ref _callsWithoutDeadline);

    /// <summary>The GateSessionOpen of every session.</summary>
    public ConcurrentQueue<GateSessionOpen> Sessions { get; } = new();

    /// <summary>Subject ids enrolled (Enrol and EnrolStream).</summary>
    public ConcurrentQueue<string> Enrolled { get; } = new();

    private int _callsWithoutDeadline;
    private int _probes;

    public static async Task<FakeMatcherServer> StartAsync(bool tls = false)
    {
        var server = new FakeMatcherServer(tls);
        await server.InitializeAsync();
        return server;
    }

    /// <summary>Probe messages received on every GateSession.</summary>
    public int ProbesReceived => Volatile.Read(ref _probes);

    /// <summary>While true, GateSession reads the lane's messages but sends no verdict (a matcher about to die mid-session).</summary>
    public bool StallSessions { get; set; }

    /// <summary>The standard health service's answer for the whole server (""), SERVING from the start.</summary>
    public void SetServing(bool serving) => _health.SetStatus("", serving ? ServingStatus.Serving : ServingStatus.NotServing);

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

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync().WaitAsync(TimeSpan.FromSeconds(30));
            await _app.DisposeAsync();
        }

        File.Delete(CaFile);
    }

    private async Task InitializeAsync()
    {
        var certificate = _tls ? await SelfSignedCertificate.CreateAsync(CaFile) : null;
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.ListenLocalhost(Port, l =>
        {
            l.Protocols = HttpProtocols.Http2;
            if (certificate is not null)
            {
                l.UseHttps(certificate);
            }
        }));
        builder.Services.AddGrpc();
        builder.Services.AddSingleton(this);
        _health.SetStatus("", ServingStatus.Serving);
        builder.Services.AddSingleton(_health);
        _app = builder.Build();
        _app.MapGrpcService<HealthServiceImpl>();
        _app.MapGrpcService<FakeMatcher>();
        _app.MapGrpcService<FakeEnrolment>();
        await _app.StartAsync().WaitAsync(TimeSpan.FromSeconds(30));
    }

    private void Record(ServerCallContext context)
    {
        Authorizations.Enqueue(context.RequestHeaders.GetValue("authorization") ?? string.Empty);
        if (context.Deadline == DateTime.MaxValue)
        {
            Interlocked.Increment(ref _callsWithoutDeadline);
        }
    }

    private sealed class FakeMatcher(FakeMatcherServer server) : MatcherApi.MatcherBase
    {
        public override Task<Verdict> Verify(VerifyRequest request, ServerCallContext context)
        {
            server.Record(context);
            return Task.FromResult(new Verdict { Decision = Decision.Accept, Timings = new StageTimings { TotalMs = 1.5f } });
        }

        public override Task<IdentifyResponse> Identify(IdentifyRequest request, ServerCallContext context)
        {
            server.Record(context);
            var response = new IdentifyResponse { Gallery = request.Gallery, Threshold = 0.5f, SearchMs = 2 };
            response.Candidates.Add(new Candidate { SubjectKey = "k", Score = 0.9f, Rank = 1 });
            return Task.FromResult(response);
        }

        public override async Task GateSession(IAsyncStreamReader<GateSessionRequest> requestStream, IServerStreamWriter<GateSessionResponse> responseStream, ServerCallContext context)
        {
            server.Record(context);
            if (!await requestStream.MoveNext() || requestStream.Current.Open is not { } open)
            {
                throw new RpcException(new Status(StatusCode.InvalidArgument, "the first message opens the session"));
            }

            server.Sessions.Enqueue(open);
            var probes = 0;
            while (await requestStream.MoveNext())
            {
                if (requestStream.Current.Probe is null)
                {
                    continue;
                }

                Interlocked.Increment(ref server._probes);
                if (server.StallSessions)
                {
                    continue;
                }

                // As the matcher: a RETRY for each probe before the verdict (a lane sends its next probe on it).
                var final = ++probes >= ProbesPerVerdict;
                await responseStream.WriteAsync(new GateSessionResponse
                {
                    SessionId = open.SessionId,
                    Final = final,
                    Verdict = new Verdict { Decision = final ? Decision.Accept : Decision.Retry, ProbesUsed = probes },
                });
                if (final)
                {
                    return;
                }
            }
        }
    }

    private sealed class FakeEnrolment(FakeMatcherServer server) : EnrolmentApi.EnrolmentBase
    {
        public override Task<EnrolResponse> Enrol(EnrolRequest request, ServerCallContext context)
        {
            server.Record(context);
            server.Enrolled.Enqueue(request.SubjectId);
            return Task.FromResult(new EnrolResponse { RequestId = request.RequestId, Status = EnrolStatus.Enrolled });
        }

        public override async Task EnrolStream(IAsyncStreamReader<EnrolRequest> requestStream, IServerStreamWriter<EnrolResponse> responseStream, ServerCallContext context)
        {
            server.Record(context);
            await foreach (var request in requestStream.ReadAllAsync(context.CancellationToken))
            {
                server.Enrolled.Enqueue(request.SubjectId);
                await responseStream.WriteAsync(new EnrolResponse { RequestId = request.RequestId, Status = EnrolStatus.Enrolled });
            }
        }
    }
}
