using Grpc.Core;
using Grpc.Net.Client.Balancer;

namespace Biometrics.Edge.Connection;

/// <summary>
/// Grpc.Net.Client's <c>round_robin</c> with one correction (docs/SCALING.md, "Client-side balancing"): when no matcher
/// can be reached, a call fails UNAVAILABLE with the last connection error, never INTERNAL. Grpc.Net.Client's round_robin
/// (<c>SubchannelsLoadBalancer</c>) answers a new address list whose remaining matchers have all failed to connect with
/// <c>INTERNAL "Unknown error."</c> (it takes the resolver's OK status as the error and has no other); the
/// <see cref="HealthAwareResolver"/> publishes exactly such lists while every matcher is down (it leaves out the one whose
/// health watch broke first), so a call at that moment failed INTERNAL instead of UNAVAILABLE, which callers read as
/// "the matcher answered". Everything else is round_robin's own. Thread-safe (its parts are called under the channel's lock).
/// </summary>
internal sealed class MatchersRoundRobin : LoadBalancer
{
    /// <summary>The policy name in the channel's service config.</summary>
    public const string PolicyName = "matchers_round_robin";

    private readonly LoadBalancer _inner;

    private MatchersRoundRobin(LoadBalancerOptions options)
    {
        _inner = new RoundRobinBalancerFactory().Create(new LoadBalancerOptions(new Helper(options.Controller), options.LoggerFactory, options.Configuration));
    }

    /// <inheritdoc />
    public override void UpdateChannelState(ChannelState state) => _inner.UpdateChannelState(state);

    /// <inheritdoc />
    public override void RequestConnection() => _inner.RequestConnection();

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
        }

        base.Dispose(disposing);
    }

    /// <summary>Makes the balancer for a channel.</summary>
    public sealed class Factory : LoadBalancerFactory
    {
        /// <inheritdoc />
        public override string Name => PolicyName;

        /// <inheritdoc />
        public override LoadBalancer Create(LoadBalancerOptions options)
        {
            ArgumentNullException.ThrowIfNull(options);
            return new MatchersRoundRobin(options);
        }
    }

    /// <summary>Passes everything to the channel; remembers each matcher's last connection failure and, while no matcher
    /// is reachable, hands the channel a picker that fails with it.</summary>
    private sealed class Helper(IChannelControlHelper channel) : IChannelControlHelper
    {
        private static readonly Status NoneReachable = new(StatusCode.Unavailable, "no matcher is reachable");
        private readonly Lock _lock = new();
        private Status _lastFailure = NoneReachable;

        public Subchannel CreateSubchannel(SubchannelOptions options)
        {
            var subchannel = channel.CreateSubchannel(options);
            subchannel.OnStateChanged(s =>
            {
                if (s.State == ConnectivityState.TransientFailure && s.Status.StatusCode != StatusCode.OK)
                {
                    lock (_lock)
                    {
                        _lastFailure = s.Status;
                    }
                }
            });
            return subchannel;
        }

        public void UpdateState(BalancerState state)
        {
            if (state.ConnectivityState == ConnectivityState.TransientFailure)
            {
                lock (_lock)
                {
                    state = new BalancerState(state.ConnectivityState, new UnavailablePicker(state.Picker, _lastFailure));
                }
            }

            channel.UpdateState(state);
        }

        public void RefreshResolver() => channel.RefreshResolver();
    }

    /// <summary>round_robin's picker while no matcher is reachable, with a failure that is not UNAVAILABLE replaced by
    /// <c>failure</c> (an UNAVAILABLE one, or a drop, is passed on as it is).</summary>
    private sealed class UnavailablePicker(SubchannelPicker inner, Status failure) : SubchannelPicker
    {
        public override PickResult Pick(PickContext context)
        {
            var result = inner.Pick(context);
            return result.Type == PickResultType.Fail && result.Status.StatusCode != StatusCode.Unavailable ? PickResult.ForFailure(failure) : result;
        }
    }
}
