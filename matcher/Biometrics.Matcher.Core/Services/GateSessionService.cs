using Biometrics.Matcher.Policy;

namespace Biometrics.Matcher.Services;

/// <summary>Creates <see cref="GateSessionStream"/>s (one per lane stream) over the shared services. Thread-safe.</summary>
public sealed class GateSessionService
{
    private readonly FaceResolver _faces;
    private readonly ClaimResolver _claims;
    private readonly WatchlistScreener _watchlist;
    private readonly ModelCatalog _models;
    private readonly AuditTrail _audit;
    private readonly MatchingOptions _options;
    private readonly TimeProvider _time;
    private readonly SessionCounter _open = new();

    /// <summary>Creates the service; <paramref name="time"/> runs the budget timers (the system clock when null).</summary>
    public GateSessionService(FaceResolver faces, ClaimResolver claims, WatchlistScreener watchlist, ModelCatalog models,
        AuditTrail audit, MatchingOptions options, TimeProvider? time = null)
    {
        _faces = faces;
        _claims = claims;
        _watchlist = watchlist;
        _models = models;
        _audit = audit;
        _options = options;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Sessions currently open on this replica.</summary>
    public int ActiveSessions => _open.Value;

    /// <summary>Starts handling one lane stream: the caller feeds it the lane's messages and drains
    /// <see cref="GateSessionStream.Updates"/> to the lane.</summary>
    public GateSessionStream Start(string actor, CancellationToken cancellationToken) =>
        new(_faces, _claims, _watchlist, _models, _audit, _options, _time, _open, actor, cancellationToken);
}
