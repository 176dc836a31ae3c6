namespace Biometrics.Redis.IntegrationTests;

[Collection(RedisCollection.Name)]
public sealed class ConcurrencyTests(RedisServerFixture fixture)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Theory]
    [InlineData(RedisProtocol.Resp2)]
    [InlineData(RedisProtocol.Resp3)]
    public async Task ManyCallers_OneConnection_EachGetsOwnReply(RedisProtocol protocol)
    {
        await using var mux = await RedisConnectionMultiplexer.ConnectAsync(fixture.Options(protocol)).WaitAsync(Timeout);
        var db = mux.GetDatabase();
        var prefix = $"conc:{Guid.NewGuid():N}";
        const int callers = 1000;
        for (var i = 0; i < callers; i++)
        {
            _ = db.StringSetAsync($"{prefix}:{i}", $"value-{i}-{new string('v', i % 50)}");
        }

        await db.PingAsync().AsTask().WaitAsync(Timeout);
        using var start = new ManualResetEventSlim();
        var tasks = new Task<bool>[callers];
        for (var i = 0; i < callers; i++)
        {
            var n = i;
            tasks[i] = Task.Run(async () =>
            {
                start.Wait();
                for (var round = 0; round < 5; round++)
                {
                    var value = await db.StringGetStringAsync($"{prefix}:{n}");
                    if (value != $"value-{n}-{new string('v', n % 50)}") return false;
                    var counter = await db.StringIncrementAsync($"{prefix}:c:{n}", n);
                    if (counter != (long)n * (round + 1)) return false;
                }

                return true;
            });
        }

        start.Set();
        var results = await Task.WhenAll(tasks).WaitAsync(Timeout);
        Assert.All(results, Assert.True);
        Assert.Equal(0, mux.PendingCount);
    }
}
