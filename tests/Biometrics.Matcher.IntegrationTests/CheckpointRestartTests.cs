using Biometrics.Matcher.Hosting;
using Biometrics.Matcher.Services;
using Biometrics.Matcher.Store;
using Biometrics.Protos.V1;
using Biometrics.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Biometrics.Matcher.IntegrationTests;

/// <summary>
/// A restart from the local gallery checkpoint (docs/MATCHER.md, "Start-up") with a real redis-server and real matchers:
/// the restarted matcher catches up with every enrolment and erasure made while it was down before it says SERVING, and
/// ends with the galleries of a matcher that loaded the store snapshot; a trimmed or recreated change stream makes it
/// load the snapshot instead (and delete the file).
/// </summary>
public sealed class CheckpointRestartTests : IAsyncLifetime
{
    private const int Subjects = 300;
    private readonly TempFolder _keys = new("biometrics-ckpt-keys-");
    private readonly TempFolder _checkpoints = new("biometrics-ckpt-");
    private RedisServer _redis = null!;

    public Task InitializeAsync()
    {
        _redis = new RedisServer();
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        _redis.Dispose();
        _keys.Dispose();
        _checkpoints.Dispose();

        return Task.CompletedTask;
    }

    private string CheckpointFile => Path.Combine(_checkpoints.Path, GalleryCheckpointFile.FileName);

    private Task<MatcherInstance> StartAsync(bool checkpoint, CapturingLoggerProvider? logs = null) =>
        MatcherInstance.StartAsync(_redis.EndPoint, _keys.Path, pipeline: false,
            checkpoint ? new Dictionary<string, string?>
            {
                ["Matcher:Checkpoint:Directory"] = _checkpoints.Path,
                ["Matcher:Checkpoint:ErasureRewriteSeconds"] = "2",
                ["Logging:LogLevel:Biometrics.Matcher.Hosting"] = "Information",
            } : null,
            logging: logs is null ? null : b => b.AddProvider(logs));

    private static TemplateRecord Record(int i, int seed) =>
        new($"ckpt-{i}", Vectors.Random(seed), Vectors.ModelId, 0.9f, DateTimeOffset.UtcNow, i % 10 == 0 ? ["residents", "watchlist"] : ["residents"]);

    private static async Task WaitForAsync(Func<bool> condition, string what, int seconds = 30)
    {
        for (var until = DateTime.UtcNow.AddSeconds(seconds); !condition(); await Task.Delay(20))
        {
            if (DateTime.UtcNow > until) throw new TimeoutException($"{what} within {seconds} s");
        }
    }

    private static int Count(MatcherInstance m, string gallery) =>
        m.Services.GetRequiredService<GalleryRegistry>().Describe().FirstOrDefault(g => g.Name == gallery).Count;

    /// <summary>The top-1 of <paramref name="v"/> in residents: its key and score.</summary>
    private static async Task<(string Key, float Score)> Top1Async(MatcherInstance m, float[] v)
    {
        var reply = await m.Matcher.IdentifyAsync(new IdentifyRequest { Probe = Vectors.Probe(v), Gallery = "residents", TopK = 1 }, m.As("operator")).ResponseAsync;
        return (reply.Candidates[0].SubjectKey, reply.Candidates[0].Score);
    }

    /// <summary>Seeds through a matcher with the checkpoint on and stops it (the shutdown writes the file).</summary>
    private async Task SeedAndStopAsync()
    {
        await using var first = await StartAsync(checkpoint: true);
        await first.Services.GetRequiredService<ITemplateStore>().UpsertManyAsync([.. Enumerable.Range(0, Subjects).Select(i => Record(i, 1000 + i))])
            .WaitAsync(TimeSpan.FromSeconds(60));
        await WaitForAsync(() => Count(first, "residents") == Subjects, "the first matcher did not follow the seeded templates");
    }

    [Fact]
    public async Task Restart_ChangesWhileDown_CaughtUpBeforeServingAndEqualToAColdLoad()
    {
        await SeedAndStopAsync();
        Assert.True(File.Exists(CheckpointFile), "the graceful shutdown wrote no checkpoint");

        // While the checkpointed matcher is down, another one (no checkpoint) enrols, erases and re-enrols.
        await using var cold = await StartAsync(checkpoint: false);
        var store = cold.Services.GetRequiredService<ITemplateStore>();
        var added = Record(Subjects + 1, 77_001);
        var reenrolled = Record(5, 77_005);
        await store.UpsertAsync(added).WaitAsync(TimeSpan.FromSeconds(10));
        await store.UpsertAsync(reenrolled).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(await store.DeleteAsync("ckpt-10").WaitAsync(TimeSpan.FromSeconds(10))); // in residents and the watchlist
        await WaitForAsync(() => Count(cold, "residents") == Subjects && Count(cold, "watchlist") == (Subjects / 10) - 1, "the cold matcher did not follow");

        var logs = new CapturingLoggerProvider();
        await using var restarted = await StartAsync(checkpoint: true, logs);
        Assert.Contains(logs.Entries, e => e.Message.Contains("Gallery checkpoint", StringComparison.Ordinal) && e.Message.Contains("read in", StringComparison.Ordinal));
        Assert.DoesNotContain(logs.Entries, e => e.Message.Contains("not used", StringComparison.Ordinal));

        // SERVING already: no waiting for the follower here.
        var a = cold.Services.GetRequiredService<GalleryRegistry>();
        var b = restarted.Services.GetRequiredService<GalleryRegistry>();
        Assert.Equal(a.Describe(), b.Describe());
        var erased = store.GetSubjectKey("ckpt-10").Hex;
        var (key, score) = await Top1Async(restarted, Vectors.Random(1010));
        Assert.True(key != erased, "the subject erased while the matcher was down was found");
        (key, score) = await Top1Async(restarted, added.Vector.ToArray());
        Assert.Equal((store.GetSubjectKey(added.SubjectId).Hex, 1f), (key, MathF.Round(score, 3)));
        (key, score) = await Top1Async(restarted, reenrolled.Vector.ToArray());
        Assert.Equal((store.GetSubjectKey("ckpt-5").Hex, 1f), (key, MathF.Round(score, 3)));
        Assert.NotEqual(store.GetSubjectKey("ckpt-5").Hex, (await Top1Async(restarted, Vectors.Random(1005))).Key);
        for (var i = 0; i < Subjects; i += 37)
        {
            var probe = new Services.FaceVector(Vectors.Random(1000 + i), Vectors.ModelId, Contract.ProbeQuality.Unmeasured);
            var x = await a.SearchAsync("residents", probe, 5, default);
            var y = await b.SearchAsync("residents", probe, 5, default);
            Assert.Equal(x.Matches.Select(m => m.SubjectId), y.Matches.Select(m => m.SubjectId));
        }

        // The erasures it caught up with are rewritten out of the file promptly (Matcher:Checkpoint:ErasureRewriteSeconds).
        await WaitForAsync(() => logs.Entries.Any(e => e.Message.StartsWith("Gallery checkpoint written", StringComparison.Ordinal)), "no rewrite after the erasure", 60);
    }

    [Theory]
    [InlineData("trimmed")]
    [InlineData("recreated")]
    public async Task Restart_StreamTrimmedOrRecreated_LoadsTheSnapshotAndDeletesTheFile(string what)
    {
        await SeedAndStopAsync();
        Assert.True(File.Exists(CheckpointFile), "the graceful shutdown wrote no checkpoint");

        await using (var redis = await ConnectionMultiplexer.ConnectAsync(_redis.EndPoint))
        {
            var db = redis.GetDatabase();
            for (var s = 0; s < 64; s++)
            {
                var stream = $"bio:{{{s}}}:changes";
                if (what == "trimmed") await db.StreamTrimAsync(stream, 0);
                else await db.KeyDeleteAsync(stream);
            }
        }

        await using var cold = await StartAsync(checkpoint: false);
        var store = cold.Services.GetRequiredService<ITemplateStore>();
        await store.UpsertAsync(Record(Subjects + 2, 88_002)).WaitAsync(TimeSpan.FromSeconds(10)); // a new entry in a fresh stream
        await WaitForAsync(() => Count(cold, "residents") == Subjects + 1, "the cold matcher did not follow");

        var logs = new CapturingLoggerProvider();
        await using var restarted = await StartAsync(checkpoint: true, logs);
        var refused = logs.Entries.Where(e => e.Message.Contains("not used and deleted", StringComparison.Ordinal)).Select(e => e.Message).ToList();
        Assert.Single(refused);
        // Trimmed: the saved entries are gone. Recreated (deleted, then one shard written again): gone, or the shard's
        // stream is behind the saved position.
        Assert.Contains("the change stream cannot replay what happened since", refused[0], StringComparison.Ordinal);
        if (what == "trimmed") Assert.Contains("no longer in the stream", refused[0], StringComparison.Ordinal);
        Assert.Equal(cold.Services.GetRequiredService<GalleryRegistry>().Describe(), restarted.Services.GetRequiredService<GalleryRegistry>().Describe());
        // A new file is written at once for the next start.
        await WaitForAsync(() => File.Exists(CheckpointFile), "no new checkpoint after the load from the store", 60);
    }
}
