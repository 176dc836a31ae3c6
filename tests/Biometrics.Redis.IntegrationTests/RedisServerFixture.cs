using Biometrics.Testing;

namespace Biometrics.Redis.IntegrationTests;

/// <summary>One redis-server for the whole collection, with an ACL user for AUTH tests.</summary>
public sealed class RedisServerFixture : IDisposable
{
    public const string User = "tester";
    public const string Password = "s3cret-pass";

    public RedisServerFixture()
    {
        Server = new RedisServer();
        // (ACL rules cannot be passed on the command line: redis quotes the whole argument.)
        var setup = Task.Run(async () =>
        {
            await using var mux = await RedisConnectionMultiplexer.ConnectAsync(Options());
            await mux.GetDatabase().ExecuteAsync("ACL", "SETUSER", User, "on", ">" + Password, "~*", "&*", "+@all");
        });
        setup.Wait(TimeSpan.FromSeconds(30));
    }

    public RedisServer Server { get; }

    public RedisOptions Options(RedisProtocol protocol = RedisProtocol.Resp2) => new()
    {
        Host = "127.0.0.1",
        Port = Server.Port,
        Protocol = protocol,
        CommandTimeout = TimeSpan.FromSeconds(10),
    };

    public void Dispose() => Server.Dispose();
}

[CollectionDefinition(Name)]
public sealed class RedisCollection : ICollectionFixture<RedisServerFixture>
{
    public const string Name = "redis-server";
}
