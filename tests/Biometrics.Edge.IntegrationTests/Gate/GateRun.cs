using System.Text.Json;
using Biometrics.Edge.Capture;
using Biometrics.Edge.Connection;
using Biometrics.Edge.Gate;
using Biometrics.Vision.Face;

namespace Biometrics.Edge.IntegrationTests.Gate;

/// <summary>Runs a <see cref="GateAgent"/> on a video against a matcher address and collects its output.</summary>
internal sealed class GateRun
{
    public required FacePipeline Pipeline { get; init; }

    public required string Address { get; init; }

    public GateAgentOptions Options { get; init; } = new() { LiveView = true };

    public string? Token { get; init; } = "test-gate-token";

    public TimeSpan BackoffMaximum { get; init; } = TimeSpan.FromMilliseconds(500);

    public Action<GateVerdict>? OnVerdict { get; init; }

    public List<GateVerdict> Verdicts { get; } = [];

    public List<JsonElement> Lines { get; } = [];

    public string Console { get; private set; } = string.Empty;

    public GateRunStatistics? Statistics { get; private set; }

    public async Task<GateRun> RunAsync(string video, PacingMode pacing = PacingMode.RealTime, int timeoutSeconds = 90)
    {
        using var source = VideoFrameSource.OpenFile(video, pacing);
        return await RunAsync(source, CancellationToken.None, timeoutSeconds);
    }

    /// <summary>Runs the agent on <paramref name="source"/> until it ends, <paramref name="stop"/> fires or the timeout passes.</summary>
    public async Task<GateRun> RunAsync(IFrameSource source, CancellationToken stop, int timeoutSeconds = 90)
    {
        var stdout = new StringWriter();
        var console = new StringWriter();
        using var connection = new MatcherConnection(new MatcherConnectionOptions
        {
            Address = Address,
            Token = Token,
            BackoffInitial = TimeSpan.FromMilliseconds(100),
            BackoffMaximum = BackoffMaximum,
            ConnectTimeout = TimeSpan.FromMilliseconds(500),
        });
        var agent = new GateAgent(Pipeline, connection, Options, TextWriter.Synchronized(stdout), TextWriter.Synchronized(console));
        agent.VerdictReported += v =>
        {
            lock (Verdicts)
            {
                Verdicts.Add(v);
            }

            OnVerdict?.Invoke(v);
        };
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(stop);
        cts.CancelAfter(TimeSpan.FromSeconds(timeoutSeconds));
        Statistics = await agent.RunAsync(source, cts.Token).WaitAsync(TimeSpan.FromSeconds(timeoutSeconds + 10));
        Console = console.ToString();
        if (cts.IsCancellationRequested && !stop.IsCancellationRequested)
        {
            // A cancelled run returns its figures like a finished one: running out of time must still fail the test.
            throw new TimeoutException($"the agent did not finish within {timeoutSeconds} s\n{Console}");
        }

        foreach (var line in stdout.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            Lines.Add(JsonDocument.Parse(line).RootElement.Clone());
        }

        return this;
    }

    public IReadOnlyList<GateVerdict> Finals
    {
        get
        {
            lock (Verdicts)
            {
                return Verdicts.Where(v => v.Final).ToList();
            }
        }
    }

    public string Describe() => string.Join('\n', Lines.Select(l => l.ToString())) + "\n--- console ---\n" + Console;
}
