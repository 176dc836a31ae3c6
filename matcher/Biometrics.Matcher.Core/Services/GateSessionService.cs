using Biometrics.Matcher.Policy;
using Microsoft.Extensions.Logging;

namespace Biometrics.Matcher.Services;

/// <summary>Creates <see cref="GateSessionStream"/>s (one per lane stream). Thread-safe.</summary>
public sealed class GateSessionService
{
    /// <summary>Creates the service.</summary>
    public GateSessionService(FaceResolver faces, ClaimResolver claims, WatchlistScreener watchlist, ModelCatalog models,
        AuditTrail audit, MatchingOptions options, ILogger<GateSessionService> logger, TimeProvider? time = null)
    {
        Faces = faces;
        Claims = claims;
        Watchlist = watchlist;
        Models = models;
        Audit = audit;
        Options = options;
        Logger = logger;
        Time = time ?? TimeProvider.System;
    }

    internal FaceResolver Faces { get; }

    internal ClaimResolver Claims { get; }

    internal WatchlistScreener Watchlist { get; }

    internal ModelCatalog Models { get; }

    internal AuditTrail Audit { get; }

    internal MatchingOptions Options { get; }

    internal ILogger Logger { get; }

    internal TimeProvider Time { get; }

    /// <summary>Sessions currently open on this replica.</summary>
    public int ActiveSessions => Volatile.Read(ref _active);

    private int _active;

    internal void SessionStarted() => Interlocked.Increment(ref _active);

    internal void SessionEnded() => Interlocked.Decrement(ref _active);

    /// <summary>Starts handling one lane stream; <paramref name="send"/> writes an update to the lane (calls are serialised).</summary>
    public GateSessionStream Start(string actor, Func<GateSessionUpdate, Task> send, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(send);
        return new GateSessionStream(this, actor, send, cancellationToken);
    }

    internal static SessionFusion NewFusion(float threshold, MatchingOptions options) => new(threshold, options.ProbeQuality, options.Session);
}
