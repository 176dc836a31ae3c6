namespace Biometrics.Redis.Tests;

public sealed class RedisOptionsTests
{
    [Fact]
    public void Parse_FullConfiguration_SetsEveryOption()
    {
        var o = RedisOptions.Parse("cache.local:6380, user=app, password=p=w, db=2, protocol=3, ssl=true, sslHost=redis.example, name=matcher, connectTimeout=1500, commandTimeout=250, poolSize=4, abortConnect=false");
        Assert.Equal("cache.local", o.Host);
        Assert.Equal(6380, o.Port);
        Assert.Equal("app", o.User);
        Assert.Equal("p=w", o.Password);
        Assert.Equal(2, o.Database);
        Assert.Equal(RedisProtocol.Resp3, o.Protocol);
        Assert.True(o.UseTls);
        Assert.Equal("redis.example", o.TlsHost);
        Assert.Equal("matcher", o.ClientName);
        Assert.Equal(TimeSpan.FromMilliseconds(1500), o.ConnectTimeout);
        Assert.Equal(TimeSpan.FromMilliseconds(250), o.CommandTimeout);
        Assert.Equal(4, o.PoolSize);
        Assert.False(o.AbortOnConnectFail);
    }

    [Fact]
    public void Parse_UnknownKey_Throws() => Assert.Throws<FormatException>(() => RedisOptions.Parse("localhost,bogus=1"));

    [Fact]
    public void Validate_ZeroPool_Throws() => Assert.Throws<ArgumentException>(() => new RedisOptions { PoolSize = 0 }.Validate());

    [Fact]
    public async Task Send_NotConnected_FailsFastWithConnectionException()
    {
        var options = new RedisOptions { Port = Biometrics.Testing.FreePort.Next(), AbortOnConnectFail = false, ConnectTimeout = TimeSpan.FromSeconds(1) };
        await using var mux = await RedisConnectionMultiplexer.ConnectAsync(options).WaitAsync(TimeSpan.FromSeconds(30));
        var ex = await Assert.ThrowsAsync<RedisConnectionException>(() => mux.GetDatabase().StringGetAsync("k").AsTask().WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains("No connection to Redis", ex.Message);
    }
}
