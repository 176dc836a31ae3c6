namespace Biometrics.Redis;

/// <summary>
/// A (multiplexed) connection to Redis, shaped like StackExchange.Redis's <c>IConnectionMultiplexer</c>:
/// create one per process with <see cref="RedisConnectionMultiplexer.ConnectAsync(RedisOptions, Microsoft.Extensions.Logging.ILoggerFactory?, CancellationToken)"/>,
/// share it, and take <see cref="IRedisDatabase"/> views from it. A cluster-aware implementation (slot map,
/// MOVED/ASK) can implement the same interfaces. Thread-safe.
/// </summary>
public interface IRedisConnection : IAsyncDisposable
{
    /// <summary>The configured server, as <c>host:port</c>.</summary>
    string EndPoint { get; }

    /// <summary>True while at least one physical connection is up.</summary>
    bool IsConnected { get; }

    /// <summary>A lightweight, thread-safe view for issuing commands (cheap; no need to cache it).</summary>
    IRedisDatabase GetDatabase();

    /// <summary>
    /// A separate connection with the same options, for commands that block the connection they run on
    /// (<c>XREAD BLOCK</c>, long <c>WAIT</c>) so they do not hold up the shared one. Dispose it when done.
    /// </summary>
    Task<IRedisConnection> ConnectDedicatedAsync(CancellationToken cancellationToken = default);
}
