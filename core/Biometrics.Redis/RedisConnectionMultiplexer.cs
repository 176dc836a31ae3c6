using Biometrics.Redis.Connection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Biometrics.Redis;

/// <summary>
/// The entry point, like StackExchange.Redis's <c>ConnectionMultiplexer</c>: one instance per process (per
/// Redis deployment), shared by all callers. It owns <see cref="RedisOptions.PoolSize"/> physical connections,
/// each multiplexing every concurrent caller with pipelining, and routes each command to one of them. The
/// routing step (<see cref="Route"/>) is where a cluster version would pick the node owning the key's slot.
/// Thread-safe.
/// </summary>
public sealed class RedisConnectionMultiplexer : IRedisConnection
{
    private readonly PhysicalConnection[] _connections;
    private readonly RedisOptions _options;
    private readonly ILoggerFactory _loggerFactory;
    private readonly RedisDatabase _database;
    private uint _next;

    private RedisConnectionMultiplexer(RedisOptions options, ILoggerFactory loggerFactory)
    {
        _options = options;
        _loggerFactory = loggerFactory;
        var logger = loggerFactory.CreateLogger("Biometrics.Redis");
        _connections = new PhysicalConnection[options.PoolSize];
        for (var i = 0; i < _connections.Length; i++)
        {
            _connections[i] = new PhysicalConnection(options, logger);
        }

        _database = new RedisDatabase(this);
    }

    /// <summary>Connects (all pooled connections in parallel) and returns the shared multiplexer.</summary>
    /// <exception cref="RedisConnectionException">The server could not be reached or refused the handshake (only when <see cref="RedisOptions.AbortOnConnectFail"/>).</exception>
    public static async Task<RedisConnectionMultiplexer> ConnectAsync(RedisOptions options, ILoggerFactory? loggerFactory = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options = options.Clone();
        options.Validate();
        var mux = new RedisConnectionMultiplexer(options, loggerFactory ?? NullLoggerFactory.Instance);
        try
        {
            var tasks = new Task[mux._connections.Length];
            for (var i = 0; i < tasks.Length; i++)
            {
                tasks[i] = mux._connections[i].ConnectAsync(cancellationToken);
            }

            await Task.WhenAll(tasks).ConfigureAwait(false);
            return mux;
        }
        catch
        {
            await mux.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Connects from a configuration string (see <see cref="RedisOptions.Parse"/>).</summary>
    public static Task<RedisConnectionMultiplexer> ConnectAsync(string configuration, ILoggerFactory? loggerFactory = null, CancellationToken cancellationToken = default)
        => ConnectAsync(RedisOptions.Parse(configuration), loggerFactory, cancellationToken);

    /// <inheritdoc />
    public string EndPoint => _options.ToString();

    /// <summary>A copy of the options in use.</summary>
    public RedisOptions Options => _options.Clone();

    /// <inheritdoc />
    public bool IsConnected
    {
        get
        {
            foreach (var c in _connections)
            {
                if (c.IsConnected) return true;
            }

            return false;
        }
    }

    /// <summary>Commands written or buffered whose replies have not arrived, over all pooled connections.</summary>
    public int PendingCount
    {
        get
        {
            var n = 0;
            foreach (var c in _connections) n += c.PendingCount;
            return n;
        }
    }

    /// <inheritdoc />
    public IRedisDatabase GetDatabase() => _database;

    /// <inheritdoc />
    public async Task<IRedisConnection> ConnectDedicatedAsync(CancellationToken cancellationToken = default)
    {
        var options = _options.Clone();
        options.PoolSize = 1;
        return await ConnectAsync(options, _loggerFactory, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Picks the physical connection for a command. Single node: round robin over the connected ones. A cluster
    /// implementation would hash the key's slot here and follow MOVED/ASK redirections.
    /// </summary>
    internal PhysicalConnection Route()
    {
        var connections = _connections;
        if (connections.Length == 1) return connections[0];
        var start = Interlocked.Increment(ref _next);
        for (var i = 0; i < connections.Length; i++)
        {
            var c = connections[(start + i) % connections.Length];
            if (c.IsConnected) return c;
        }

        return connections[start % connections.Length];
    }

    /// <summary>Closes every connection; pending commands fail with <see cref="RedisConnectionException"/>.</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var c in _connections)
        {
            await c.DisposeAsync().ConfigureAwait(false);
        }
    }
}
