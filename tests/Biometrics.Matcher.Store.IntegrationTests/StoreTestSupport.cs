using System.Security.Cryptography;
using Biometrics.Matcher.Store;
using Biometrics.Redis;
using Biometrics.Testing;

namespace Biometrics.Matcher.Store.IntegrationTests;

/// <summary>One redis-server for the collection; each test uses its own key prefix.</summary>
public sealed class StoreServerFixture : IDisposable
{
    public RedisServer Server { get; } = new();

    public void Dispose() => Server.Dispose();
}

[CollectionDefinition(Name)]
public sealed class StoreCollection : ICollectionFixture<StoreServerFixture>
{
    public const string Name = "store-redis";
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
        FollowBlock = TimeSpan.FromMilliseconds(200),
    };

    public static Task<RedisConnectionMultiplexer> ConnectAsync(RedisServer server)
        => RedisConnectionMultiplexer.ConnectAsync(new RedisOptions
        {
            Port = server.Port,
            CommandTimeout = TimeSpan.FromSeconds(20),
            ReconnectMinDelay = TimeSpan.FromMilliseconds(20),
            ReconnectMaxDelay = TimeSpan.FromMilliseconds(200),
        }).WaitAsync(Limit);

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
