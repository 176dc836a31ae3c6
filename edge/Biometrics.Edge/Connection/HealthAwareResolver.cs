using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Grpc.Net.Client.Balancer;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace Biometrics.Edge.Connection;

/// <summary>
/// The address list of a balanced channel to several matchers (docs/SCALING.md, "Client-side balancing"): a static list,
/// as Grpc.Net.Client's <c>StaticResolverFactory</c> gives it, filtered by each matcher's own health. Grpc.Net.Client has
/// no client-side health checking, so this resolver keeps a <c>grpc.health.v1.Health/Watch</c> stream open to every
/// matcher (on a small channel of its own) and publishes only the matchers that are SERVING or not heard from yet; a
/// matcher that answers NOT_SERVING (loading its galleries, shutting down) or cannot be reached is left out until it is
/// SERVING again, so the channel's <c>round_robin</c> never picks it. When none qualifies, every address is published,
/// so that calls fail with the transport's own error instead of waiting. Shared by the edge agent and the load tester
/// (the load tester compiles this file in). Thread-safe.
/// </summary>
internal sealed class HealthAwareResolver : Resolver
{
    /// <summary>The channel address scheme this resolver serves: <c>matchers:///</c>.</summary>
    public const string Scheme = "matchers";

    private readonly Uri[] _addresses;
    private readonly GrpcChannel[] _probes;
    private readonly Health.HealthClient[] _health;
    private readonly Metadata? _headers;
    private readonly TimeSpan _retry;
    private readonly State[] _states;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _lock = new();
    private Action<ResolverResult>? _listener;
    private string? _published;

    /// <summary>Watches <paramref name="addresses"/> through the channels <paramref name="probeChannel"/> makes; a broken
    /// watch is opened again after <paramref name="retry"/>.</summary>
    public HealthAwareResolver(IReadOnlyList<Uri> addresses, Func<Uri, GrpcChannel> probeChannel, Metadata? headers, TimeSpan retry)
    {
        ArgumentNullException.ThrowIfNull(addresses);
        ArgumentNullException.ThrowIfNull(probeChannel);
        _addresses = [.. addresses];
        _probes = [.. _addresses.Select(probeChannel)];
        _health = [.. _probes.Select(c => new Health.HealthClient(c))];
        _states = new State[_addresses.Length];
        _headers = headers;
        _retry = retry;
    }

    private enum State
    {
        Unknown,
        Serving,
        NotServing,
        Unreachable,
    }

    /// <summary>The addresses published last (for tests and logs).</summary>
    public IReadOnlyList<Uri> Published
    {
        get
        {
            lock (_lock)
            {
                return Selected();
            }
        }
    }

    /// <inheritdoc />
    public override void Start(Action<ResolverResult> listener)
    {
        ArgumentNullException.ThrowIfNull(listener);
        _listener = listener;
        Publish();
        for (var i = 0; i < _addresses.Length; i++)
        {
            _ = WatchAsync(i);
        }
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _stop.Cancel();
            foreach (var probe in _probes)
            {
                probe.Dispose();
            }
        }

        base.Dispose(disposing);
    }

    private async Task WatchAsync(int index)
    {
        var token = _stop.Token;
        while (!token.IsCancellationRequested)
        {
            try
            {
                using var call = _health[index].Watch(new HealthCheckRequest(), new CallOptions(_headers, cancellationToken: token));
                while (await call.ResponseStream.MoveNext(token).ConfigureAwait(false))
                {
                    Set(index, call.ResponseStream.Current.Status == ServingStatus.Serving ? State.Serving : State.NotServing);
                }

                Set(index, State.Unreachable); // the matcher ended the watch: it is going away
            }
            catch (Exception) when (token.IsCancellationRequested)
            {
                return;
            }
            catch (RpcException e) when (e.StatusCode is not (StatusCode.Unavailable or StatusCode.Internal or StatusCode.Unknown
                                             or StatusCode.DeadlineExceeded or StatusCode.Cancelled))
            {
                // It answered, but not the watch (a peer without it, or one that wants another token): it is reachable,
                // so it stays in the list and the calls themselves say what is wrong.
                Set(index, State.Unknown);
            }
            catch (Exception)
            {
                Set(index, State.Unreachable); // refused, reset, or the connection broke
            }

            try
            {
                await Task.Delay(_retry, token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private void Set(int index, State state)
    {
        lock (_lock)
        {
            _states[index] = state;
        }

        Publish();
    }

    private Uri[] Selected()
    {
        var usable = _addresses.Where((_, i) => _states[i] is State.Unknown or State.Serving).ToArray();
        return usable.Length > 0 ? usable : _addresses;
    }

    private void Publish()
    {
        // Under the lock, so that two watches changing at once cannot hand the channel their lists in the wrong order.
        lock (_lock)
        {
            var selected = Selected();
            var key = string.Join(',', selected.Select(a => a.Authority));
            if (key == _published || _listener is null)
            {
                return;
            }

            _published = key;
            _listener(ResolverResult.ForResult([.. selected.Select(a => new BalancerAddress(a.Host, a.Port))]));
        }
    }
}
