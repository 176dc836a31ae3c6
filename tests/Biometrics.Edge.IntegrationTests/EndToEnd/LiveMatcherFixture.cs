using Biometrics.Edge.Connection;
using Biometrics.Edge.Enrolment;
using Biometrics.Matcher.Hosting;
using Biometrics.Matcher.Security;
using Biometrics.Testing;
using Biometrics.Vision.Face;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;

namespace Biometrics.Edge.IntegrationTests.EndToEnd;

/// <summary>
/// The real matcher for the end-to-end tests: one redis-server and the matcher host built in-process
/// (<see cref="MatcherHost.Build"/>, development mode, embeddings only: the agent embeds, so the models are loaded once,
/// by the gate collection's <see cref="Gate.PipelineFixture"/>) on a fixed free port, so it can be stopped and started
/// again at the same address. Enrolment goes through the agent's own <see cref="EnrolmentRunner"/>.
/// </summary>
public sealed class LiveMatcherFixture : IAsyncLifetime
{
    private readonly SemaphoreSlim _enrolOnce = new(1, 1);
    private readonly TempFolder _keys = new("biometrics-e2e-keys-");
    private WebApplication? _app;
    private bool _enrolled;

    public RedisServer Redis { get; private set; } = null!;

    public int Port { get; } = FreePort.Next();

    public string Address => $"http://127.0.0.1:{Port}";

    public string KeysDirectory => _keys.Path;

    /// <summary>The matcher's development keys (role tokens, the dev QR issuer).</summary>
    public DevelopmentKeys Keys { get; private set; } = null!;

    public bool IsRunning => _app is not null;

    public string Token(ServiceRole role) => File.ReadAllText(Keys.TokenFile(role)).Trim();

    /// <summary>False after each start until a test class has run one gate session on this matcher (see
    /// <see cref="EndToEndTests"/>): the first session of a cold process is not what the timed tests measure.</summary>
    public bool WarmedUp { get; set; }

    public async Task InitializeAsync()
    {
        Redis = new RedisServer();
        await StartMatcherAsync();
        Keys = DevelopmentKeys.Ensure(KeysDirectory);
    }

    /// <summary>Builds and starts a matcher host on <see cref="Port"/> and waits until its health service says SERVING.</summary>
    public async Task StartMatcherAsync()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Matcher:Url"] = Address,
            ["Matcher:Security:DevelopmentMode"] = "true",
            ["Matcher:Security:KeysDirectory"] = KeysDirectory,
            ["Matcher:Redis:Configuration"] = Redis.EndPoint,
            ["Matcher:Redis:CommandTimeoutMs"] = "2000", // a loaded 2-core machine
            ["Matcher:Redis:ConnectTimeoutMs"] = "500",
            ["Matcher:Pipeline:Enabled"] = "false",
            ["Matcher:CalibrationFile"] = Path.Combine(SharedFiles.RepoRoot, "matcher", "Biometrics.Matcher", "calibration.json"),
            ["Logging:LogLevel:Default"] = "Warning",
        };
        WarmedUp = false;
        var app = MatcherHost.Build([], c => c.AddInMemoryCollection(settings));
        await app.StartAsync().WaitAsync(TimeSpan.FromSeconds(60));
        _app = app;
        using var probe = new MatcherConnection(new MatcherConnectionOptions { Address = Address });
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!await probe.CheckAsync(TimeSpan.FromSeconds(5), CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10)))
        {
            if (DateTime.UtcNow > until) throw new TimeoutException("the matcher did not become SERVING");
            await Task.Delay(100);
        }
    }

    /// <summary>Stops the host (the port is closed; the redis data stays).</summary>
    public async Task StopMatcherAsync()
    {
        if (_app is { } app)
        {
            _app = null;
            await app.StopAsync().WaitAsync(TimeSpan.FromSeconds(30));
            await app.DisposeAsync();
        }
    }

    /// <summary>Enrols the test identities once, through the agent's enrolment path (templates embedded here).</summary>
    public async Task EnsureEnrolledAsync(FacePipeline pipeline)
    {
        await _enrolOnce.WaitAsync(TimeSpan.FromSeconds(60));
        try
        {
            if (_enrolled) return;
            using var connection = new MatcherConnection(new MatcherConnectionOptions { Address = Address, Token = Token(ServiceRole.Enrolment) });
            foreach (var (gallery, items) in Travellers.Enrolments)
            {
                var runner = new EnrolmentRunner(connection, pipeline) { Galleries = [gallery], Unary = true };
                var outcomes = new List<EnrolmentOutcome>();
                var summary = await runner.RunAsync(items, outcomes.Add, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(60));
                Assert.True(summary.Enrolled == items.Count, string.Join("; ", outcomes));
            }

            _enrolled = true;
        }
        finally
        {
            _enrolOnce.Release();
        }
    }

    public async Task DisposeAsync()
    {
        await StopMatcherAsync();
        Redis?.Dispose();
        _enrolOnce.Dispose();
        _keys.Dispose();
    }
}
