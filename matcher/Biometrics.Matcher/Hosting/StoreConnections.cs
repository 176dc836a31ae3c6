using Biometrics.Matcher.Configuration;
using Biometrics.Matcher.Store;
using StackExchange.Redis;

namespace Biometrics.Matcher.Hosting;

/// <summary>
/// The matcher's StackExchange.Redis multiplexers: <see cref="Shared"/> for reads, follows and small writes, and, when
/// enrolments wait for replicas, <see cref="Writes"/> for enrolment writes and their <c>WAIT</c> (which holds the
/// connection it runs on, so it never delays a Verify's read). The configuration string may name one server or
/// several nodes of a Redis Cluster (see <c>docs/REDIS.md</c>). Thread-safe; disposes both.
/// </summary>
public sealed class StoreConnections : IDisposable
{
    /// <summary>Connects (returns even while Redis is down: the matcher is NOT_SERVING until its galleries load).</summary>
    public StoreConnections(RedisSettings settings, TemplateStoreOptions store, TextWriter? log = null)
    {
        Shared = ConnectionMultiplexer.Connect(Configure(settings, store, "biometrics-matcher"), log);
        Writes = store.WaitForReplicas > 0 ? ConnectionMultiplexer.Connect(Configure(settings, store, "biometrics-matcher-writes"), log) : null;
    }

    /// <summary>Reads, follows, audit, nonces and, without a replica wait, enrolment writes.</summary>
    public IConnectionMultiplexer Shared { get; }

    /// <summary>Enrolment writes and their replica wait, or null when there is no replica wait.</summary>
    public IConnectionMultiplexer? Writes { get; }

    /// <summary>
    /// The client options for <paramref name="settings"/>: commands fail fast while disconnected (nothing is queued
    /// for later), reconnection backs off from 50 ms to 2 s, and the library's timeout is only a backstop at twice the
    /// store's own per-call deadline (<see cref="RedisSettings.CommandTimeoutMs"/>, enforced by the store).
    /// </summary>
    /// <exception cref="ArgumentException">The configuration string is malformed.</exception>
    public static ConfigurationOptions Configure(RedisSettings settings, TemplateStoreOptions store, string clientName)
    {
        var c = ConfigurationOptions.Parse(settings.Configuration);
        if (c.EndPoints.Count == 0) throw new ArgumentException("it names no server (host:port[,host:port...])");
        c.AbortOnConnectFail = false;
        c.ConnectTimeout = settings.ConnectTimeoutMs;
        c.AsyncTimeout = c.SyncTimeout = (2 * settings.CommandTimeoutMs) + 1000;
        c.BacklogPolicy = BacklogPolicy.FailFast;
        c.ReconnectRetryPolicy = new ExponentialRetry(50, 2000);
        c.ClientName ??= clientName;
        c.AllowAdmin |= store.ConfigureAppendFsyncAlways; // CONFIG SET appendfsync always
        return c;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Writes?.Dispose();
        Shared.Dispose();
    }
}
