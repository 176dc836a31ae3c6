using Biometrics.Matcher.Configuration;
using Biometrics.Matcher.Gallery;
using Biometrics.Matcher.Security;
using Biometrics.Matcher.Services;
using Biometrics.Protos.V1;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.Logging;

namespace Biometrics.Matcher.Grpc;

/// <summary>
/// Asks the other matchers for their parts of a split gallery (<c>biometrics.v1.MatcherPeer/SearchPart</c>; docs/SCALING.md,
/// "Split galleries"). Per call it takes the holders of the part in turn, those that last answered first, and moves on to
/// the next when one fails (refused, reset, an error status) while the deadline lasts; a holder that failed is tried
/// after the others for <see cref="SplitSettings.HolderBackoffMs"/>. Each call carries an operator bearer token this
/// matcher signs with the shared token signing key, checked by the peer like any caller's; over TLS the channels present
/// this matcher's client certificate and trust only the matchers' CA (<see cref="PeerTls"/>). Thread-safe.
/// </summary>
public sealed partial class PeerPartClient : IPartSearcher, IDisposable
{
    private static readonly TimeSpan TokenLifetime = TimeSpan.FromMinutes(10);
    private readonly int _parts;
    private readonly Holder[][] _holders;
    private readonly BearerTokenIssuer _issuer;
    private readonly string _subject;
    private readonly long _backoffMs;
    private readonly ILogger _logger;
    private volatile IssuedToken? _token;
    private int _turn;

    /// <summary>Opens a channel (no connection yet) to every holder of every other part.</summary>
    public PeerPartClient(SplitSettings split, string tokenKeyId, byte[] tokenKey, ILogger<PeerPartClient> logger, PeerTls? tls = null)
    {
        ArgumentNullException.ThrowIfNull(split);
        _parts = split.Parts;
        _issuer = new BearerTokenIssuer(tokenKeyId, tokenKey);
        _subject = "matcher-part-" + split.Part.ToString(System.Globalization.CultureInfo.InvariantCulture);
        _backoffMs = split.HolderBackoffMs;
        _logger = logger;
        var parsed = split.ParseHolders();
        _holders = new Holder[split.Parts][];
        for (var p = 0; p < _holders.Length; p++)
        {
            _holders[p] = parsed.TryGetValue(p, out var addresses) ? [.. addresses.Select(a => new Holder(a, tls))] : [];
        }
    }

    /// <inheritdoc />
    public async Task<GallerySearchResult> SearchAsync(int part, string gallery, FaceVector probe, int k, DateTime deadline, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(probe);
        var holders = _holders[part];
        var request = new SearchPartRequest { Probe = new Embedding { ModelId = probe.ModelId }, Gallery = gallery, TopK = k, Parts = _parts, Part = part };
        request.Probe.Values.AddRange(probe.Vector);
        var options = new CallOptions(new Metadata { { "authorization", "Bearer " + Token() } }, deadline, cancellationToken);
        var tried = 0;
        var last = "no holder configured";
        foreach (var holder in Order(holders))
        {
            if (tried > 0 && DateTime.UtcNow >= deadline) break;
            tried++;
            try
            {
                var response = await holder.Client.SearchPartAsync(request, options).ResponseAsync.ConfigureAwait(false);
                Volatile.Write(ref holder.DownUntilMs, 0);
                return ToResult(response);
            }
            catch (RpcException ex) when (!cancellationToken.IsCancellationRequested)
            {
                Volatile.Write(ref holder.DownUntilMs, Environment.TickCount64 + _backoffMs);
                last = ex.StatusCode + (string.IsNullOrEmpty(ex.Status.Detail) ? "" : ": " + Excerpt(ex.Status.Detail));
                LogHolderFailed(_logger, part, holder.Address, ex.StatusCode, ex.Status.Detail);
            }
        }

        throw new MatcherException(MatcherErrorKind.Unavailable, "part_unavailable",
            $"No holder of part {part} answered in time ({tried} of {holders.Length} tried, last: {last}).");
    }

    /// <summary>Closes the channels.</summary>
    public void Dispose()
    {
        foreach (var h in _holders.SelectMany(h => h)) h.Channel.Dispose();
    }

    // Those not in back-off first, starting at a different one per call (so the holders share the load), then the rest.
    private IEnumerable<Holder> Order(Holder[] holders)
    {
        if (holders.Length <= 1) return holders;
        var start = (int)((uint)Interlocked.Increment(ref _turn) % (uint)holders.Length);
        var now = Environment.TickCount64;
        var turn = Enumerable.Range(0, holders.Length).Select(i => holders[(start + i) % holders.Length]);
        return turn.OrderBy(h => Volatile.Read(ref h.DownUntilMs) > now ? 1 : 0);
    }

    private string Token()
    {
        var t = _token;
        if (t is null || DateTime.UtcNow >= t.RenewAt)
        {
            t = new IssuedToken(_issuer.Issue(_subject, ServiceRole.Operator, TokenLifetime), DateTime.UtcNow + TokenLifetime / 2);
            _token = t;
        }

        return t.Value;
    }

    private static GallerySearchResult ToResult(SearchPartResponse r) => r.Status switch
    {
        SearchPartResponse.Types.Status.Searched => new(GallerySearchStatus.Searched,
            [.. r.Candidates.Select(c => new GalleryMatch(c.SubjectKey, c.Score))], (int)Math.Min(r.PartSize, int.MaxValue), r.ModelId),
        SearchPartResponse.Types.Status.ModelMismatch => new(GallerySearchStatus.ModelMismatch, [], (int)Math.Min(r.PartSize, int.MaxValue), r.ModelId),
        _ => new(GallerySearchStatus.UnknownGallery, [], 0, ""),
    };

    private static string Excerpt(string s) => s.Length <= 160 ? s : s[..157] + "...";

    private sealed record IssuedToken(string Value, DateTime RenewAt);

    private sealed class Holder
    {
        public Holder(Uri address, PeerTls? tls)
        {
            Address = address.ToString();
            var handler = new SocketsHttpHandler
            {
                EnableMultipleHttp2Connections = true,
                ConnectTimeout = TimeSpan.FromSeconds(1),
                PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
                KeepAlivePingDelay = TimeSpan.FromSeconds(20),
                KeepAlivePingTimeout = TimeSpan.FromSeconds(5),
            };
            if (tls is not null && address.Scheme == Uri.UriSchemeHttps) handler.SslOptions = tls.ClientOptions();
            Channel = GrpcChannel.ForAddress(address, new GrpcChannelOptions { HttpHandler = handler });
            Client = new MatcherPeer.MatcherPeerClient(Channel);
        }

        public string Address { get; }

        public GrpcChannel Channel { get; }

        public MatcherPeer.MatcherPeerClient Client { get; }

        // Environment.TickCount64 until which this holder is tried after the others (0: answered last time).
        public long DownUntilMs;
    }

    [LoggerMessage(EventId = 621, Level = LogLevel.Warning, Message = "Holder {Address} of gallery part {Part} did not answer ({Status}: {Detail}); trying another holder if the deadline allows")]
    private static partial void LogHolderFailed(ILogger logger, int part, string address, StatusCode status, string detail);
}
