using System.Security.Cryptography;
using Biometrics.Matcher.Store;
using Biometrics.Testing;
using StackExchange.Redis;

namespace Biometrics.Matcher.Store.IntegrationTests;

/// <summary>Where the store's tests run: one redis-server, or a Redis Cluster (the same tests run against both).</summary>
public interface IRedisTarget
{
    /// <summary>The client configuration string (one endpoint, or every cluster node).</summary>
    string Configuration { get; }
}

/// <summary>One redis-server for the collection; each test uses its own key prefix.</summary>
public sealed class StoreServerFixture : IRedisTarget, IDisposable
{
    public RedisServer Server { get; } = new();

    public string Configuration => Server.EndPoint;

    public void Dispose() => Server.Dispose();
}

/// <summary>One 3-primary, 3-replica Redis Cluster for the collection; each test uses its own key prefix.</summary>
public sealed class StoreClusterFixture : IRedisTarget, IDisposable
{
    public RedisCluster Cluster { get; } = new();

    public string Configuration => Cluster.Configuration;

    public void Dispose() => Cluster.Dispose();
}

[CollectionDefinition(Name)]
public sealed class StoreCollection : ICollectionFixture<StoreServerFixture>
{
    public const string Name = "store-redis";
}

[CollectionDefinition(Name)]
public sealed class StoreClusterCollection : ICollectionFixture<StoreClusterFixture>
{
    public const string Name = "store-cluster";
}

internal static class StoreTestSupport
{
    public static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    public static string NewKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    public static TemplateStoreOptions Options(string? pseudonymisationKey = null, string? encryptionKey = null) => new()
    {
        KeyPrefix = "t" + Guid.NewGuid().ToString("N")[..10],
        PseudonymisationKeyBase64 = pseudonymisationKey ?? NewKey(),
        EncryptionKeyBase64 = encryptionKey ?? NewKey(),
        ChangeStreamMaxLength = 100_000,
        FollowPollInterval = TimeSpan.FromMilliseconds(200),
        CommandTimeout = TimeSpan.FromSeconds(20),
    };

    /// <summary>A multiplexer as the matcher configures one (fail fast while disconnected, quick reconnects), with admin commands for the tests.</summary>
    public static async Task<ConnectionMultiplexer> ConnectAsync(string configuration)
    {
        var c = ConfigurationOptions.Parse(configuration);
        c.AbortOnConnectFail = false;
        c.AllowAdmin = true;
        c.AsyncTimeout = c.SyncTimeout = 30_000;
        c.ConnectTimeout = 5000;
        c.BacklogPolicy = BacklogPolicy.FailFast;
        c.ReconnectRetryPolicy = new ExponentialRetry(20, 200);
        var mux = await ConnectionMultiplexer.ConnectAsync(c).WaitAsync(Limit);
        var deadline = DateTime.UtcNow + Limit;
        while (!mux.IsConnected || mux.GetServers().Any(s => !s.IsConnected))
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Could not connect to every node of {configuration}.");
            await Task.Delay(50);
        }

        return mux;
    }

    public static Task<ConnectionMultiplexer> ConnectAsync(IRedisTarget target) => ConnectAsync(target.Configuration);

    /// <summary>The shard of a subject key (docs/REDIS.md: the top 6 bits).</summary>
    public static int ShardOf(SubjectKey key) => Convert.ToInt32(key.Hex[..4], 16) >> 10;

    /// <summary>The snapshot bucket of a subject key (the top 14 bits).</summary>
    public static int BucketOf(SubjectKey key) => Convert.ToInt32(key.Hex[..4], 16) >> 2;

    public static string TemplateKey(TemplateStoreOptions options, SubjectKey key) => $"{options.KeyPrefix}:{{{ShardOf(key)}}}:t:{key.Hex}";

    public static string BucketKey(TemplateStoreOptions options, int bucket) => $"{options.KeyPrefix}:{{{bucket >> 8}}}:b:{bucket}";

    public static string ChangesKey(TemplateStoreOptions options, int shard) => $"{options.KeyPrefix}:{{{shard}}}:changes";

    /// <summary>Every key under the options' prefix, from every primary.</summary>
    public static async Task<List<RedisKey>> KeysAsync(IConnectionMultiplexer mux, TemplateStoreOptions options)
    {
        var keys = new List<RedisKey>();
        foreach (var server in mux.GetServers().Where(s => !s.IsReplica))
        {
            await foreach (var k in server.KeysAsync(pattern: options.KeyPrefix + ":*")) keys.Add(k);
        }

        return keys;
    }

    public static float[] Vector(int seed, int dim = 512)
    {
        var rng = new Random(seed);
        var v = new float[dim];
        var norm = 0.0;
        for (var i = 0; i < dim; i++)
        {
            v[i] = (float)((rng.NextDouble() * 2) - 1);
            norm += v[i] * v[i];
        }

        var inv = (float)(1 / Math.Sqrt(norm));
        for (var i = 0; i < dim; i++) v[i] *= inv;
        return v;
    }

    public static TemplateRecord Record(string subjectId, int seed, string model = "fr_feature-87aacdfe", params string[] galleries)
        => new(subjectId, Vector(seed), model, 0.9f, DateTimeOffset.FromUnixTimeMilliseconds(1_790_000_000_000 + seed), galleries.Length == 0 ? ["residents"] : galleries);
}
