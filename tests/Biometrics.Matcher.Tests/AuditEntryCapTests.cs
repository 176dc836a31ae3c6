using Biometrics.Matcher.Store;
using Xunit;

namespace Biometrics.Matcher.Tests;

/// <summary>
/// The audit stream's cap stays one of records although an entry holds a whole append (docs/REDIS.md, "Audit stream"):
/// <see cref="RedisTemplateStore.AuditEntryCap"/> over the running mean of <see cref="RedisTemplateStore.NextAuditRecordsPerEntry"/>.
/// </summary>
public sealed class AuditEntryCapTests
{
    private const long MaxRecords = 10_000_000;

    [Fact]
    public void SteadyAppends_CapHoldsAboutTheRecordsConfigured()
    {
        var mean = 1.0;
        for (var i = 0; i < 1000; i++) mean = RedisTemplateStore.NextAuditRecordsPerEntry(mean, 100);

        Assert.InRange(mean, 99, 101);
        var cap = RedisTemplateStore.AuditEntryCap(MaxRecords, mean);
        Assert.InRange(cap * 100, MaxRecords * 0.99, MaxRecords * 1.01);
    }

    [Fact]
    public void OneRecordPerEntry_CapIsTheRecordsConfigured()
    {
        var mean = RedisTemplateStore.NextAuditRecordsPerEntry(1, 1);

        Assert.Equal(1.0, mean);
        Assert.Equal(MaxRecords, RedisTemplateStore.AuditEntryCap(MaxRecords, mean));
    }

    [Fact]
    public void OneLargeAppend_MovesTheMeanBy1Of64()
    {
        var mean = RedisTemplateStore.NextAuditRecordsPerEntry(100, RedisTemplateStore.AuditRecordsPerEntry);

        Assert.Equal(100 + (900 / 64.0), mean, 9);
    }

    [Fact]
    public void RateFallsAfterAPeak_MeanFollowsWithinAFewHundredAppends()
    {
        var mean = 200.0;
        for (var i = 0; i < 400; i++) mean = RedisTemplateStore.NextAuditRecordsPerEntry(mean, 2);

        Assert.InRange(mean, 2, 3);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.5)]
    public void MeanBelowOne_CapNeverAboveTheRecords(double mean) =>
        Assert.Equal(MaxRecords, RedisTemplateStore.AuditEntryCap(MaxRecords, mean));

    [Fact]
    public void HugeMean_CapAtLeastOneEntry() => Assert.Equal(1, RedisTemplateStore.AuditEntryCap(1000, 1e9));
}
