using System.Globalization;
using Grpc.Core;
using Biometrics.Matcher.Hosting;
using Biometrics.Testing;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using EnrolmentApi = Biometrics.Protos.V1.Enrolment;
using MatcherApi = Biometrics.Protos.V1.Matcher;
using OperationsApi = Biometrics.Protos.V1.Operations;

namespace Biometrics.Matcher.IntegrationTests;

/// <summary>One matcher replica started in-process on a free loopback port (development mode, keys shared through one
/// folder so replicas agree on pseudonyms and encryption), with typed clients per role.</summary>
public sealed class MatcherInstance : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly GrpcChannel _channel;

    private MatcherInstance(WebApplication app, int port, string keysDirectory)
    {
        _app = app;
        Port = port;
        Address = $"http://127.0.0.1:{port}";
        KeysDirectory = keysDirectory;
        _channel = GrpcChannel.ForAddress(Address, new GrpcChannelOptions { MaxSendMessageSize = 32 * 1024 * 1024 });
        Matcher = new MatcherApi.MatcherClient(_channel);
        Enrolment = new EnrolmentApi.EnrolmentClient(_channel);
        Operations = new OperationsApi.OperationsClient(_channel);
        Health = new Health.HealthClient(_channel);
    }

    /// <summary>The listening port.</summary>
    public int Port { get; }

    /// <summary><c>http://127.0.0.1:port</c>.</summary>
    public string Address { get; }

    /// <summary>Where development keys and role tokens live.</summary>
    public string KeysDirectory { get; }

    /// <summary>The replica's services (its template store, for example).</summary>
    public IServiceProvider Services => _app.Services;

    /// <summary>The replica's channel (plain-text HTTP/2).</summary>
    public GrpcChannel Channel => _channel;

    public MatcherApi.MatcherClient Matcher { get; }

    public EnrolmentApi.EnrolmentClient Enrolment { get; }

    public OperationsApi.OperationsClient Operations { get; }

    public Health.HealthClient Health { get; }

    /// <summary>The bearer token of a role.</summary>
    public string Token(string role) => File.ReadAllText(Path.Combine(KeysDirectory, role + ".token")).Trim();

    /// <summary>Call options with a role's token and a deadline.</summary>
    public CallOptions As(string role, double deadlineSeconds = 30) =>
        new(new Metadata { { "authorization", "Bearer " + Token(role) } }, DateTime.UtcNow.AddSeconds(deadlineSeconds));

    /// <summary>Enrols one request on a stream of its own: the stream must answer it once and then end.</summary>
    public async Task<Biometrics.Protos.V1.EnrolResponse> EnrolOnStreamAsync(Biometrics.Protos.V1.EnrolRequest request, CallOptions options)
    {
        using var call = Enrolment.EnrolStream(options);
        await call.RequestStream.WriteAsync(request);
        await call.RequestStream.CompleteAsync();
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None), "the stream ended without an answer");
        var answer = call.ResponseStream.Current;
        Assert.False(await call.ResponseStream.MoveNext(CancellationToken.None));
        return answer;
    }

    /// <summary>Starts a replica (on <paramref name="port"/>, or a free one when 0) and waits until it reports SERVING.</summary>
    public static async Task<MatcherInstance> StartAsync(string redisEndPoint, string keysDirectory, bool pipeline, IDictionary<string, string?>? extra = null,
        bool relaxedQuality = true, Action<ILoggingBuilder>? logging = null, int port = 0)
    {
        if (port == 0) port = FreePort.Next();
        var settings = new Dictionary<string, string?>
        {
            ["Matcher:Url"] = $"http://127.0.0.1:{port}",
            ["Matcher:Security:DevelopmentMode"] = "true",
            ["Matcher:Security:KeysDirectory"] = keysDirectory,
            ["Matcher:Redis:Configuration"] = redisEndPoint,
            ["Matcher:Redis:CommandTimeoutMs"] = "2000", // a loaded 2-core CI machine; the outage test sets 500
            ["Matcher:Redis:ConnectTimeoutMs"] = "500",
            ["Matcher:Pipeline:Enabled"] = pipeline ? "true" : "false",
            ["Matcher:Pipeline:MaxConcurrency"] = "2",
            ["Matcher:CalibrationFile"] = Path.Combine(SharedFiles.RepoRoot, "matcher", "Biometrics.Matcher", "calibration.json"),
            // The deepface photos are not gate captures: quality limits are relaxed for them (test configuration only).
            ["Matcher:Matching:ProbeQuality:MinInterEyePx"] = "0",
            ["Matcher:Matching:ProbeQuality:MinSharpness"] = "0",
            ["Matcher:Matching:ProbeQuality:MinBrightness"] = "0",
            ["Matcher:Matching:ProbeQuality:MaxBrightness"] = "255",
            ["Matcher:Matching:ProbeQuality:MaxAbsYawDeg"] = "90",
            ["Matcher:Matching:ProbeQuality:MaxAbsPitchDeg"] = "90",
            ["Matcher:Matching:ProbeQuality:MinLiveness"] = "0",
            ["Matcher:Matching:EnrolmentQuality:MinInterEyePx"] = "0",
            ["Matcher:Matching:EnrolmentQuality:MinSharpness"] = "0",
            ["Matcher:Matching:EnrolmentQuality:MinBrightness"] = "0",
            ["Matcher:Matching:EnrolmentQuality:MaxBrightness"] = "255",
            ["Matcher:Matching:EnrolmentQuality:MaxAbsYawDeg"] = "90",
            ["Matcher:Matching:EnrolmentQuality:MaxAbsPitchDeg"] = "90",
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:Biometrics.Matcher.Hosting"] = "Warning",
        };
        if (!relaxedQuality)
        {
            foreach (var k in settings.Keys.Where(k => k.Contains(":ProbeQuality:", StringComparison.Ordinal)).ToList()) settings.Remove(k);
        }

        if (extra is not null)
        {
            foreach (var (k, v) in extra) settings[k] = v;
        }

        var app = MatcherHost.Build([], c => c.AddInMemoryCollection(settings), logging);
        await app.StartAsync().WaitAsync(TimeSpan.FromSeconds(60));
        var instance = new MatcherInstance(app, port, keysDirectory);
        await instance.WaitServingAsync(TimeSpan.FromSeconds(30));
        return instance;
    }

    /// <summary>Polls grpc.health.v1 until SERVING.</summary>
    public async Task WaitServingAsync(TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        while (true)
        {
            var r = await Health.CheckAsync(new HealthCheckRequest(), new CallOptions(deadline: DateTime.UtcNow.AddSeconds(5))).ResponseAsync;
            if (r.Status == HealthCheckResponse.Types.ServingStatus.Serving) return;
            if (DateTime.UtcNow > until) throw new TimeoutException("matcher did not become SERVING");
            await Task.Delay(50);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _channel.Dispose();
        await _app.StopAsync().WaitAsync(TimeSpan.FromSeconds(30));
        await _app.DisposeAsync();
    }

    internal static string F(double v) => v.ToString(CultureInfo.InvariantCulture);
}
