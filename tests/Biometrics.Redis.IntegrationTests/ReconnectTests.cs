using Biometrics.Testing;

namespace Biometrics.Redis.IntegrationTests;

/// <summary>Kills and restarts its own server, so it does not share the collection fixture.</summary>
public sealed class ReconnectTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private readonly RedisServer _server = new("--appendfsync", "always");

    [Fact]
    public async Task ServerKilled_CommandsFailFast_ThenReconnectAfterRestart()
    {
        var options = new RedisOptions
        {
            Port = _server.Port,
            CommandTimeout = TimeSpan.FromSeconds(10),
            ReconnectMinDelay = TimeSpan.FromMilliseconds(20),
            ReconnectMaxDelay = TimeSpan.FromMilliseconds(200),
        };
        await using var mux = await RedisConnectionMultiplexer.ConnectAsync(options).WaitAsync(Timeout);
        var db = mux.GetDatabase();
        await db.StringSetAsync("before", "1").AsTask().WaitAsync(Timeout);

        _server.Kill();

        // Commands fail fast with a clear error rather than hanging until the 10 s timeout.
        var started = DateTime.UtcNow;
        var ex = await Assert.ThrowsAsync<RedisConnectionException>(async () =>
        {
            for (var i = 0; i < 1000; i++)
            {
                await db.PingAsync().AsTask().WaitAsync(Timeout);
                await Task.Delay(5);
            }
        });
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(8), "the failure was not fast");
        Assert.Contains($"127.0.0.1:{_server.Port}", ex.Message);
        Assert.False(mux.IsConnected);

        _server.Restart();
        await WaitConnectedAsync(mux);
        Assert.Equal("1", await db.StringGetStringAsync("before").AsTask().WaitAsync(Timeout));
    }

    [Fact]
    public async Task ServerKilled_PendingCommandsFailWithConnectionException()
    {
        var options = new RedisOptions { Port = _server.Port, CommandTimeout = TimeSpan.FromSeconds(20) };
        await using var mux = await RedisConnectionMultiplexer.ConnectAsync(options).WaitAsync(Timeout);
        await using var dedicated = await mux.ConnectDedicatedAsync().WaitAsync(Timeout);
        // A blocked command is pending on the wire when the server dies.
        var pending = dedicated.GetDatabase().ExecuteAsync("BLPOP", ["nothing", 15], TimeSpan.FromSeconds(20)).AsTask();
        await Task.Delay(200);
        _server.Kill();
        var ex = await Assert.ThrowsAsync<RedisConnectionException>(() => pending.WaitAsync(Timeout));
        Assert.Contains("Lost the connection", ex.Message);
    }

    [Fact]
    public async Task Connect_ServerDownAndNoAbort_ConnectsWhenServerStarts()
    {
        _server.Kill();
        var options = new RedisOptions
        {
            Port = _server.Port,
            AbortOnConnectFail = false,
            ReconnectMinDelay = TimeSpan.FromMilliseconds(20),
            ReconnectMaxDelay = TimeSpan.FromMilliseconds(200),
        };
        await using var mux = await RedisConnectionMultiplexer.ConnectAsync(options).WaitAsync(Timeout);
        await Assert.ThrowsAsync<RedisConnectionException>(() => mux.GetDatabase().PingAsync().AsTask().WaitAsync(Timeout));
        _server.Restart();
        await WaitConnectedAsync(mux);
        await mux.GetDatabase().PingAsync().AsTask().WaitAsync(Timeout);
    }

    private static async Task WaitConnectedAsync(RedisConnectionMultiplexer mux)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (!mux.IsConnected)
        {
            Assert.True(DateTime.UtcNow < deadline, "the client did not reconnect");
            await Task.Delay(20);
        }
    }

    public void Dispose() => _server.Dispose();
}
