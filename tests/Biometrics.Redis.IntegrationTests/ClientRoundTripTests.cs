using System.Text;

namespace Biometrics.Redis.IntegrationTests;

[Collection(RedisCollection.Name)]
public sealed class ClientRoundTripTests(RedisServerFixture fixture)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    public static TheoryData<RedisProtocol> Protocols => new() { RedisProtocol.Resp2, RedisProtocol.Resp3 };

    private async Task<RedisConnectionMultiplexer> ConnectAsync(RedisProtocol protocol)
        => await RedisConnectionMultiplexer.ConnectAsync(fixture.Options(protocol)).WaitAsync(Timeout);

    private static string Key(string name) => $"it:{name}:{Guid.NewGuid():N}";

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task Ping_Connected_ReturnsRoundTrip(RedisProtocol protocol)
    {
        await using var mux = await ConnectAsync(protocol);
        var rtt = await mux.GetDatabase().PingAsync().AsTask().WaitAsync(Timeout);
        Assert.True(rtt > TimeSpan.Zero);
        Assert.True(mux.IsConnected);
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task StringSetGet_BinaryValue_RoundTrips(RedisProtocol protocol)
    {
        await using var mux = await ConnectAsync(protocol);
        var db = mux.GetDatabase();
        var key = Key("str");
        var value = new byte[2048];
        new Random(7).NextBytes(value);
        Assert.True(await db.StringSetAsync(key, value).AsTask().WaitAsync(Timeout));
        using (var lease = await db.StringGetLeaseAsync(key).AsTask().WaitAsync(Timeout))
        {
            Assert.NotNull(lease);
            Assert.True(lease.Span.SequenceEqual(value));
        }

        Assert.Equal(value, await db.StringGetAsync(key).AsTask().WaitAsync(Timeout));
        Assert.Null(await db.StringGetAsync(Key("missing")).AsTask().WaitAsync(Timeout));
        Assert.Null(await db.StringGetLeaseAsync(Key("missing")).AsTask().WaitAsync(Timeout));
        Assert.True(await db.StringSetAsync(key, "héllo").AsTask().WaitAsync(Timeout));
        Assert.Equal("héllo", await db.StringGetStringAsync(key).AsTask().WaitAsync(Timeout));
        Assert.Equal(1, await db.KeyDeleteAsync(key).AsTask().WaitAsync(Timeout));
        Assert.False(await db.KeyExistsAsync(key).AsTask().WaitAsync(Timeout));
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task StringSet_NxWithExpiry_OnlyFirstWins(RedisProtocol protocol)
    {
        await using var mux = await ConnectAsync(protocol);
        var db = mux.GetDatabase();
        var key = Key("nx");
        Assert.True(await db.StringSetAsync(key, "a", TimeSpan.FromSeconds(30), SetCondition.IfNotExists).AsTask().WaitAsync(Timeout));
        Assert.False(await db.StringSetAsync(key, "b", TimeSpan.FromSeconds(30), SetCondition.IfNotExists).AsTask().WaitAsync(Timeout));
        Assert.Equal("a", await db.StringGetStringAsync(key).AsTask().WaitAsync(Timeout));
        var ttl = await db.KeyTimeToLiveAsync(key).AsTask().WaitAsync(Timeout);
        Assert.InRange(ttl!.Value.TotalSeconds, 1, 30);
        Assert.False(await db.StringSetAsync(Key("xx"), "c", null, SetCondition.IfExists).AsTask().WaitAsync(Timeout));
        Assert.Equal(5, await db.StringIncrementAsync(Key("n"), 5).AsTask().WaitAsync(Timeout));
        Assert.True(await db.KeyExpireAsync(key, TimeSpan.FromSeconds(5)).AsTask().WaitAsync(Timeout));
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task Hash_SetGetAllDelete_RoundTrips(RedisProtocol protocol)
    {
        await using var mux = await ConnectAsync(protocol);
        var db = mux.GetDatabase();
        var key = Key("hash");
        Assert.Equal(2, await db.HashSetAsync(key, "a", "1", "b", new byte[] { 0, 255 }).AsTask().WaitAsync(Timeout));
        Assert.Equal("1"u8.ToArray(), await db.HashGetAsync(key, "a").AsTask().WaitAsync(Timeout));
        var many = await db.HashGetManyAsync(key, "b", "zz", "a").AsTask().WaitAsync(Timeout);
        Assert.Equal(new byte[] { 0, 255 }, many[0]);
        Assert.Null(many[1]);
        var all = await db.HashGetAllAsync(key).AsTask().WaitAsync(Timeout);
        Assert.Equal(2, all.Count);
        Assert.Equal(1, await db.HashDeleteAsync(key, "a").AsTask().WaitAsync(Timeout));
        Assert.Empty(await db.HashGetAllAsync(Key("none")).AsTask().WaitAsync(Timeout));
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task Set_AddMembersScanRemove_RoundTrips(RedisProtocol protocol)
    {
        await using var mux = await ConnectAsync(protocol);
        var db = mux.GetDatabase();
        var key = Key("set");
        Assert.Equal(3, await db.SetAddAsync(key, "x", "y", "z").AsTask().WaitAsync(Timeout));
        Assert.True(await db.SetContainsAsync(key, "y").AsTask().WaitAsync(Timeout));
        Assert.Equal(3, await db.SetLengthAsync(key).AsTask().WaitAsync(Timeout));
        Assert.Equal(["x", "y", "z"], (await db.SetMembersAsync(key).AsTask().WaitAsync(Timeout)).Order());
        var seen = new HashSet<string>();
        long cursor = 0;
        do
        {
            var page = await db.SetScanAsync(key, cursor, count: 1).AsTask().WaitAsync(Timeout);
            seen.UnionWith(page.Items);
            cursor = page.Cursor;
        }
        while (cursor != 0);
        Assert.Equal(3, seen.Count);
        Assert.Equal(1, await db.SetRemoveAsync(key, "x").AsTask().WaitAsync(Timeout));
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task Scan_MatchPattern_FindsEveryKey(RedisProtocol protocol)
    {
        await using var mux = await ConnectAsync(protocol);
        var db = mux.GetDatabase();
        var prefix = Key("scan");
        for (var i = 0; i < 50; i++) await db.StringSetAsync($"{prefix}:{i}", i).AsTask().WaitAsync(Timeout);
        var found = new HashSet<string>();
        long cursor = 0;
        do
        {
            var page = await db.ScanAsync(cursor, prefix + ":*", 20, "string").AsTask().WaitAsync(Timeout);
            found.UnionWith(page.Items);
            cursor = page.Cursor;
        }
        while (cursor != 0);
        Assert.Equal(50, found.Count);
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task Stream_AddReadRangeTrim_RoundTrips(RedisProtocol protocol)
    {
        await using var mux = await ConnectAsync(protocol);
        var db = mux.GetDatabase();
        var key = Key("stream");
        var ids = new List<string>();
        for (var i = 0; i < 10; i++)
        {
            ids.Add(await db.StreamAddAsync(key, ["n", i, "bin", new byte[] { (byte)i }], maxLength: 1000).AsTask().WaitAsync(Timeout));
        }

        var all = await db.StreamRangeAsync(key).AsTask().WaitAsync(Timeout);
        Assert.Equal(ids, all.Select(e => e.Id));
        Assert.Equal("3", all[3].GetString("n"));
        Assert.Equal(new byte[] { 3 }, all[3].Get("bin"));
        var after = await db.StreamReadAsync(key, ids[6], 100).AsTask().WaitAsync(Timeout);
        Assert.Equal(ids[7..], after.Select(e => e.Id));
        Assert.Empty(await db.StreamReadAsync(key, ids[^1], 100).AsTask().WaitAsync(Timeout));
        var last = await db.StreamRangeAsync(key, count: 1, reverse: true).AsTask().WaitAsync(Timeout);
        Assert.Equal(ids[^1], last.Single().Id);
        Assert.Equal(7, await db.StreamTrimAsync(key, 3, approximate: false).AsTask().WaitAsync(Timeout));
        Assert.Equal(3, await db.StreamLengthAsync(key).AsTask().WaitAsync(Timeout));
    }

    [Fact]
    public async Task StreamRead_BlockOnDedicatedConnection_WakesOnAdd()
    {
        await using var mux = await ConnectAsync(RedisProtocol.Resp2);
        await using var dedicated = await mux.ConnectDedicatedAsync().WaitAsync(Timeout);
        var key = Key("block");
        var read = dedicated.GetDatabase().StreamReadAsync(key, "$", 10, TimeSpan.FromSeconds(20)).AsTask();
        await Task.Delay(100);
        // The shared connection is not held up by the blocked read.
        await mux.GetDatabase().PingAsync().AsTask().WaitAsync(Timeout);
        var id = await mux.GetDatabase().StreamAddAsync(key, ["k", "v"]).AsTask().WaitAsync(Timeout);
        var entries = await read.WaitAsync(Timeout);
        Assert.Equal(id, entries.Single().Id);
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task WaitInfoExecute_Server_Answer(RedisProtocol protocol)
    {
        await using var mux = await ConnectAsync(protocol);
        var db = mux.GetDatabase();
        await db.StringSetAsync(Key("w"), 1).AsTask().WaitAsync(Timeout);
        Assert.Equal(0, await db.WaitAsync(0, TimeSpan.FromMilliseconds(100)).AsTask().WaitAsync(Timeout));
        var info = await db.InfoAsync("server").AsTask().WaitAsync(Timeout);
        Assert.Contains("redis_version:", info);
        var config = await db.ExecuteAsync("CONFIG", "GET", "appendonly").AsTask().WaitAsync(Timeout);
        Assert.Equal("yes", config.Elements[1].AsString());
        var echo = await db.ExecuteAsync("ECHO", "ünïcode").AsTask().WaitAsync(Timeout);
        Assert.Equal("ünïcode", echo.AsString());
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task Execute_ServerError_ThrowsRedisServerExceptionWithServerMessage(RedisProtocol protocol)
    {
        await using var mux = await ConnectAsync(protocol);
        var db = mux.GetDatabase();
        var key = Key("wrongtype");
        await db.SetAddAsync(key, "m").AsTask().WaitAsync(Timeout);
        var ex = await Assert.ThrowsAsync<RedisServerException>(() => db.StringGetAsync(key).AsTask().WaitAsync(Timeout));
        Assert.Equal("WRONGTYPE", ex.ErrorCode);
        Assert.Contains("wrong kind of value", ex.Message);
        var unknown = await Assert.ThrowsAsync<RedisServerException>(() => db.ExecuteAsync("NOSUCHCOMMAND").AsTask().WaitAsync(Timeout));
        Assert.Contains("unknown command", unknown.Message);
        // The connection is still usable.
        await db.PingAsync().AsTask().WaitAsync(Timeout);
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task ScriptEvaluate_NotCached_FallsBackToEval(RedisProtocol protocol)
    {
        await using var mux = await ConnectAsync(protocol);
        var db = mux.GetDatabase();
        var script = new RedisScript($"-- {Guid.NewGuid()}\nreturn {{KEYS[1], ARGV[1], tonumber(ARGV[2]) + 1}}");
        var first = await db.ScriptEvaluateAsync(script, ["k"], ["a", 41]).AsTask().WaitAsync(Timeout);
        var second = await db.ScriptEvaluateAsync(script, ["k"], ["a", 41]).AsTask().WaitAsync(Timeout);
        foreach (var r in new[] { first, second })
        {
            Assert.Equal("k", r.Elements[0].AsString());
            Assert.Equal(42, r.Elements[2].AsInt64());
        }
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task Connect_AclUserAndDatabase_AuthenticatesAndSelects(RedisProtocol protocol)
    {
        var options = fixture.Options(protocol);
        options.User = RedisServerFixture.User;
        options.Password = RedisServerFixture.Password;
        options.Database = 3;
        options.ClientName = "it-client";
        await using var mux = await RedisConnectionMultiplexer.ConnectAsync(options).WaitAsync(Timeout);
        var db = mux.GetDatabase();
        var who = await db.ExecuteAsync("ACL", "WHOAMI").AsTask().WaitAsync(Timeout);
        Assert.Equal(RedisServerFixture.User, who.AsString());
        var info = await db.ExecuteAsync("CLIENT", "INFO").AsTask().WaitAsync(Timeout);
        Assert.Contains(" db=3 ", info.AsString());
        Assert.Contains(" name=it-client ", info.AsString());
    }

    [Fact]
    public async Task Connect_WrongPassword_ThrowsRedisConnectionException()
    {
        var options = fixture.Options();
        options.User = RedisServerFixture.User;
        options.Password = "wrong";
        var ex = await Assert.ThrowsAsync<RedisConnectionException>(() => RedisConnectionMultiplexer.ConnectAsync(options).WaitAsync(Timeout));
        Assert.Contains("WRONGPASS", ex.Message);
    }

    [Fact]
    public async Task Execute_NoReplyWithinTimeout_ThrowsRedisTimeoutException()
    {
        await using var mux = await ConnectAsync(RedisProtocol.Resp2);
        await using var dedicated = await mux.ConnectDedicatedAsync().WaitAsync(Timeout);
        var db = dedicated.GetDatabase();
        var ex = await Assert.ThrowsAsync<RedisTimeoutException>(
            () => db.ExecuteAsync("BLPOP", [Key("never"), 3], TimeSpan.FromMilliseconds(300)).AsTask().WaitAsync(Timeout));
        Assert.Contains("BLPOP", ex.Message);
    }

    [Fact]
    public async Task Pool_SeveralConnections_AllServeCommands()
    {
        var options = fixture.Options();
        options.PoolSize = 3;
        await using var mux = await RedisConnectionMultiplexer.ConnectAsync(options).WaitAsync(Timeout);
        var db = mux.GetDatabase();
        var key = Key("pool");
        var tasks = Enumerable.Range(0, 30).Select(i => db.StringIncrementAsync(key).AsTask()).ToArray();
        await Task.WhenAll(tasks).WaitAsync(Timeout);
        Assert.Equal(30, await db.StringIncrementAsync(key, 0).AsTask().WaitAsync(Timeout));
        var clients = await db.ExecuteAsync("CLIENT", "LIST").AsTask().WaitAsync(Timeout);
        Assert.True(clients.AsString()!.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length >= 3);
    }

    [Fact]
    public async Task Connect_NothingListening_ThrowsRedisConnectionException()
    {
        var options = new RedisOptions { Port = Biometrics.Testing.FreePort.Next(), ConnectTimeout = TimeSpan.FromSeconds(2) };
        await Assert.ThrowsAsync<RedisConnectionException>(() => RedisConnectionMultiplexer.ConnectAsync(options).WaitAsync(Timeout));
    }

    [Fact]
    public async Task Execute_LargeValue_RoundTripsAcrossManySegments()
    {
        await using var mux = await ConnectAsync(RedisProtocol.Resp2);
        var db = mux.GetDatabase();
        var key = Key("big");
        var value = Encoding.ASCII.GetBytes(new string('x', 3 * 1024 * 1024));
        await db.StringSetAsync(key, value).AsTask().WaitAsync(Timeout);
        using var lease = await db.StringGetLeaseAsync(key).AsTask().WaitAsync(Timeout);
        Assert.Equal(value.Length, lease!.Length);
        Assert.True(lease.Span.SequenceEqual(value));
    }
}
