using System.Diagnostics;
using Biometrics.Edge.Capture;
using Biometrics.Edge.Connection;
using Biometrics.Edge.Tracking;
using Biometrics.Protos.V1;
using Biometrics.Vision.Face;
using Biometrics.Vision.Imaging;

namespace Biometrics.Edge.Gate;

/// <summary>
/// The agent of one e-Channel lane. For every frame it detects faces, follows them with a <see cref="FaceTracker"/>,
/// keeps the traveller's face (<see cref="LaneFaceSelector"/>), checks its quality and liveness
/// (<see cref="Biometrics.Contract.QualityLimits"/>), embeds the best shots (<see cref="BestShotSelector"/>) on the CPU and streams them
/// over one <see cref="TravellerSession"/> (a <c>GateSession</c> call) per traveller. The claim is fixed by the command
/// line or read from a QR code in the frames. Verdicts go to the output writer as JSON lines
/// (<see cref="VerdictJson"/>); the live view goes to the console writer. The lane's budget holds even when the
/// matcher is slow or down (an edge REFER), and the connection is retried in the background with back-off.
/// <see cref="RunAsync"/> is not reentrant: one run per agent.
/// </summary>
public sealed partial class GateAgent
{
    private readonly Lock _lock = new();
    private readonly FacePipeline _pipeline;
    private readonly MatcherConnection _connection;
    private readonly GateAgentOptions _options;
    private readonly TextWriter _output;
    private readonly LiveView _view;
    private readonly TimeProvider _clock;
    private readonly FaceTracker _tracker = new();
    private readonly LaneFaceSelector _selector = new();
    private readonly HashSet<string> _usedTokens = new(StringComparer.Ordinal);
    private readonly List<TravellerSession> _sessions = [];
    private LaneEpisode? _episode;
    private GateVerdict? _lastVerdict;
    private int _travellers;
    private long _currentFrame;

    /// <summary>Creates the agent; nothing runs until <see cref="RunAsync"/>.</summary>
    /// <param name="pipeline">The face pipeline (shared; thread-safe).</param>
    /// <param name="connection">The matcher connection.</param>
    /// <param name="options">Lane settings.</param>
    /// <param name="output">Receives one JSON line per verdict.</param>
    /// <param name="console">Receives the live view.</param>
    /// <param name="clock">Time source.</param>
    public GateAgent(FacePipeline pipeline, MatcherConnection connection, GateAgentOptions options, TextWriter output, TextWriter console, TimeProvider? clock = null)
    {
        _pipeline = pipeline ?? throw new ArgumentNullException(nameof(pipeline));
        _connection = connection ?? throw new ArgumentNullException(nameof(connection));
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _output = output ?? throw new ArgumentNullException(nameof(output));
        _clock = clock ?? TimeProvider.System;
        _view = new LiveView(console, options.LiveView, options.LaneId);
    }

    /// <summary>Raised after each verdict line has been written (on the thread that produced the verdict).</summary>
    public event Action<GateVerdict>? VerdictReported;

    /// <summary>Figures of the run so far.</summary>
    public GateRunStatistics Statistics { get; } = new();

    /// <summary>
    /// Processes frames until the source ends or <paramref name="cancellationToken"/> fires, then waits for the open
    /// session's verdict (bounded by its budget; not after cancellation). Cancellation at any moment (Ctrl+C) is a
    /// normal end: the run stops, the open session is closed without a verdict and the figures are returned. Frames the
    /// source could not read are skipped (<see cref="GateRunStatistics.SkippedFrames"/>). Any other failure is thrown
    /// once the agent has stopped its background work.
    /// </summary>
    public async Task<GateRunStatistics> RunAsync(IFrameSource source, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        using var stopReconnect = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _connection.StateChanged += OnConnectionChanged;
        source.FrameSkipped += OnFrameSkipped;
        var reconnect = Task.Run(() => _connection.RunReconnectLoopAsync(stopReconnect.Token), CancellationToken.None);
        using var qr = _options.ScanQrCodes ? new QrCodeDetector() : null;
        FrameAnnotator? annotator = null;
        var wall = Stopwatch.StartNew();
        _view.Event($"source {source.Description} ({source.FramesPerSecond:F1} fps{(source.IsLive ? ", live" : string.Empty)}), matcher {_connection.Options.Address}, budget {_options.Budget.TotalMilliseconds:F0} ms");
        try
        {
            while (true)
            {
                using var frame = await source.ReadAsync(cancellationToken).ConfigureAwait(false);
                if (frame is null)
                {
                    break;
                }

                var started = Stopwatch.GetTimestamp();
                var result = ProcessFrame(frame, qr);
                try
                {
                    Statistics.AddFrame(Stopwatch.GetElapsedTime(started));
                    if (_options.AnnotatedVideoPath is { } path)
                    {
                        annotator ??= new FrameAnnotator(path, source.FramesPerSecond > 0 ? source.FramesPerSecond : 10, frame.Image.Width, frame.Image.Height);
                        annotator.Write(frame.Image, result, LastVerdict, _connection.State);
                    }

                    _view.Status(frame.Index, Statistics, result, _connection.State, LastVerdict);
                }
                finally
                {
                    result.Analysis?.Dispose();
                }
            }

            await FinishAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Ctrl+C (or the host stopping the lane): a normal end, with the figures so far.
            _view.Event("stopped" + (OpenTraveller() is { } open ? $"; traveller {open} had no final verdict" : string.Empty));
        }
        finally
        {
            source.FrameSkipped -= OnFrameSkipped;
            _connection.StateChanged -= OnConnectionChanged;
            await StopAsync(stopReconnect, reconnect, annotator).ConfigureAwait(false);
            Statistics.DroppedFrames = source.DroppedFrames;
            Statistics.WallTime = wall.Elapsed;
        }

        _view.Summary(Statistics);
        return Statistics;
    }

    /// <summary>
    /// Stops the reconnect loop, the annotated video and the sessions. Runs in a <c>finally</c>, so it must not replace
    /// the error that ended the run: a failure of the reconnect loop (which ends quietly when cancelled) is reported on
    /// the live view, not thrown.
    /// </summary>
    private async Task StopAsync(CancellationTokenSource stopReconnect, Task reconnect, FrameAnnotator? annotator)
    {
        await stopReconnect.CancelAsync().ConfigureAwait(false);
        await reconnect.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (reconnect.Exception?.InnerException is { } error)
        {
            _view.Event($"matcher reconnect loop failed: {error.GetType().Name}: {error.Message}");
        }

        annotator?.Dispose();

        TravellerSession[] sessions;
        lock (_lock)
        {
            sessions = [.. _sessions];
        }

        foreach (var s in sessions)
        {
            await s.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>The number of the traveller whose episode is still open (no final verdict), or null.</summary>
    private int? OpenTraveller()
    {
        lock (_lock)
        {
            return _episode is { IsDone: false, SawFace: true } ep ? ep.Number : null;
        }
    }

    private void OnFrameSkipped(long index, string reason)
    {
        Statistics.AddSkippedFrame();
        _view.Event($"frame {index} skipped: {reason}");
    }

    private GateVerdict? LastVerdict
    {
        get
        {
            lock (_lock)
            {
                return _lastVerdict;
            }
        }
    }

    private void OnConnectionChanged(ConnectionState state, string? error) =>
        _view.Event(state == ConnectionState.Up ? "matcher connection up" : $"matcher connection down: {error} (retrying with back-off)");

    private async Task FinishAsync(CancellationToken cancellationToken)
    {
        TravellerSession? session = null;
        lock (_lock)
        {
            var ep = _episode;
            if (ep is not null && !ep.IsDone)
            {
                if (ep.Session is not null)
                {
                    session = ep.Session;
                }
                else if (ep.Claim is not null || ep.SawFace)
                {
                    var (reason, text) = ep.Claim is null ? NoClaim : ep.LastProblem;
                    EmitEdgeLocked(ep, Decision.Refer, reason, "input ended before a decision: " + text, final: true);
                }
            }
        }

        if (session is not null)
        {
            await session.Completion.WaitAsync(_options.Budget + TimeSpan.FromSeconds(5), cancellationToken).ConfigureAwait(false);
        }
    }
}
