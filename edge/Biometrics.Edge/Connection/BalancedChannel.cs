using Grpc.Core;
using Grpc.Net.Client;
using Grpc.Net.Client.Balancer;
using Grpc.Net.Client.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Biometrics.Edge.Connection;

/// <summary>
/// A Grpc.Net.Client channel over several matchers (docs/SCALING.md, "Client-side balancing"): <c>round_robin</c> (as
/// <see cref="MatchersRoundRobin"/> corrects it) over the addresses a <see cref="HealthAwareResolver"/> publishes, every call
/// on the next matcher that is connected and SERVING.
/// Shared by the edge agent and the load tester (the load tester compiles this file in). Thread-safe (stateless).
/// </summary>
internal static class BalancedChannel
{
    /// <summary>How long a broken health watch waits before it is opened again.</summary>
    public static readonly TimeSpan HealthRetry = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// The addresses of <paramref name="list"/>: one or more <c>http://host:port</c> or <c>https://host:port</c>, separated
    /// by commas, all of one scheme. Returns null with <paramref name="error"/> set when the list is not that.
    /// </summary>
    public static IReadOnlyList<Uri>? Parse(string list, out string? error)
    {
        ArgumentNullException.ThrowIfNull(list);
        var addresses = new List<Uri>();
        foreach (var part in list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!Uri.TryCreate(part, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
                || uri.AbsolutePath != "/" || uri.Query.Length > 0)
            {
                error = $"matcher address '{Cut(part)}' must be http://host:port or https://host:port";
                return null;
            }

            if (addresses.Count > 0 && addresses[0].Scheme != uri.Scheme)
            {
                error = "matcher addresses must be all http:// or all https://, not a mix";
                return null;
            }

            if (addresses.Any(a => a.Authority == uri.Authority))
            {
                error = $"matcher address '{Cut(part)}' is given twice";
                return null;
            }

            addresses.Add(uri);
        }

        if (addresses.Count == 0)
        {
            error = "no matcher address given";
            return null;
        }

        error = null;
        return addresses;
    }

    /// <summary>
    /// A channel balancing over <paramref name="addresses"/>; <paramref name="options"/> gives the transport and limits
    /// (its <c>HttpHandler</c> must be a <see cref="SocketsHttpHandler"/>, which the balancer needs), <paramref name="probeChannel"/>
    /// makes the small channel that watches one matcher's health, <paramref name="headers"/> go on the health watches.
    /// </summary>
    public static GrpcChannel Create(IReadOnlyList<Uri> addresses, GrpcChannelOptions options, Func<Uri, GrpcChannel> probeChannel, Metadata? headers)
    {
        ArgumentNullException.ThrowIfNull(addresses);
        ArgumentNullException.ThrowIfNull(options);
        var services = new ServiceCollection();
        services.AddSingleton<ResolverFactory>(new Factory(addresses, probeChannel, headers));
        services.AddSingleton<LoadBalancerFactory>(new MatchersRoundRobin.Factory());
        options.ServiceProvider = services.BuildServiceProvider();
        options.Credentials = addresses[0].Scheme == Uri.UriSchemeHttps ? ChannelCredentials.SecureSsl : ChannelCredentials.Insecure;
        options.ServiceConfig = new ServiceConfig { LoadBalancingConfigs = { new LoadBalancingConfig(MatchersRoundRobin.PolicyName) } };
        return GrpcChannel.ForAddress(HealthAwareResolver.Scheme + ":///matchers", options);
    }

    private static string Cut(string text) => text.Length <= 200 ? text : string.Concat(text.AsSpan(0, 200), $"... ({text.Length} characters)");

    private sealed class Factory(IReadOnlyList<Uri> addresses, Func<Uri, GrpcChannel> probeChannel, Metadata? headers) : ResolverFactory
    {
        public override string Name => HealthAwareResolver.Scheme;

        public override Resolver Create(ResolverOptions options) => new HealthAwareResolver(addresses, probeChannel, headers, HealthRetry);
    }
}
