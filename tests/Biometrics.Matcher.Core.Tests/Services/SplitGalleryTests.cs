using Biometrics.Matcher.Gallery;
using Biometrics.Matcher.Services;
using Biometrics.Matcher.Store;

namespace Biometrics.Matcher.Core.Tests.Services;

/// <summary>Galleries split by bucket (docs/SCALING.md, "Split galleries"): which part holds a subject, what each
/// part's registry keeps, and the scatter-gather top-K over in-process parts.</summary>
public sealed class SplitGalleryTests
{
    private const string Model = DomainServices.Model;

    /// <summary>A subject key whose top 16 bits are <paramref name="top16"/> (its bucket is top16 &gt;&gt; 2).</summary>
    private static SubjectKey Key(int top16, int n) => new(top16.ToString("x4") + n.ToString("x60"));

    private static StoredTemplate T(SubjectKey key, int axis, params string[] galleries) =>
        new(key, "s-" + key.Hex[..8], DomainServices.Axis(axis), Model, 1, DateTimeOffset.UtcNow, galleries, 1, "1-0");

    [Theory]
    [InlineData(0x0000, 0, 0)]
    [InlineData(0x0003, 0, 0)]
    [InlineData(0x0004, 1, 0)]
    [InlineData(0x5554, 5461, 0)] // the last bucket of part 0 of 3: 5461 * 3 / 16384 = 0.9999
    [InlineData(0x5558, 5462, 1)]
    [InlineData(0xaaac, 10923, 2)]
    [InlineData(0xffff, 16383, 2)]
    public void BucketAndPart_TopBitsOfTheKey_ConsecutiveRangesOfBuckets(int top16, int bucket, int partOf3)
    {
        var key = Key(top16, 1);
        Assert.Equal(bucket, key.Bucket);
        Assert.Equal(partOf3, new GalleryPartition(3, 0, []).PartOf(key));
        Assert.Equal(0, GalleryPartition.Whole.PartOf(key));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(7)]
    [InlineData(64)]
    public void SnapshotPart_EveryBucket_InTheRangeOfItsPartOnly(int parts)
    {
        var ranges = Enumerable.Range(0, parts).Select(p => new GalleryPartition(parts, p, ["watchlist"]).SnapshotPart).ToList();
        Assert.Equal(0, ranges[0].FirstBucket);
        Assert.Equal(SubjectKey.BucketCount, ranges[^1].EndBucket);
        for (var bucket = 0; bucket < SubjectKey.BucketCount; bucket++)
        {
            var part = new GalleryPartition(parts, 0, []).PartOf(Key(bucket << 2, 1));
            for (var p = 0; p < parts; p++) Assert.Equal(p == part, ranges[p].Contains(bucket));
        }

        Assert.All(ranges, r => Assert.Equal(["watchlist"], r.WholeGalleries));
    }

    [Fact]
    public void Partition_BadParts_Refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new GalleryPartition(0, 0, []));
        Assert.Throws<ArgumentOutOfRangeException>(() => new GalleryPartition(3, 3, []));
        Assert.Throws<ArgumentOutOfRangeException>(() => new GalleryPartition(GalleryPartition.MaxParts + 1, 0, []));
    }

    [Fact]
    public async Task Registry_SplitPart_KeepsItsBucketsAndTheWholeWatchlistAndFollowsChanges()
    {
        var partition = new GalleryPartition(2, 1, ["watchlist"]);
        await using var reg = new GalleryRegistry(DomainServices.Dim, partition: partition);
        var mine = Key(0xc000, 1);
        var theirs = Key(0x1000, 2);
        var theirsListed = Key(0x2000, 3);
        await reg.ReloadAsync(add =>
        {
            add(T(mine, 0, "residents"));
            add(T(theirs, 1, "residents"));
            add(T(theirsListed, 2, "residents", "watchlist"));
            return Task.FromResult(new TemplateSnapshot(new ChangeStreamPosition("5-0"), 3, 0));
        });
        Assert.Equal([("residents", Model, 1), ("watchlist", Model, 1)], reg.Describe());

        // Another part's subject leaves the watchlist: nothing of it is left here; one of ours moves in and out.
        reg.Apply(new TemplateChange(TemplateChangeKind.Upsert, theirsListed, T(theirsListed, 2, "residents"), new ChangeStreamPosition("6-0")));
        reg.Apply(new TemplateChange(TemplateChangeKind.Upsert, mine, T(mine, 0, "residents", "watchlist"), new ChangeStreamPosition("7-0")));
        Assert.Equal([("residents", Model, 1), ("watchlist", Model, 1)], reg.Describe());
        reg.Apply(new TemplateChange(TemplateChangeKind.Delete, mine, null, new ChangeStreamPosition("8-0")));
        reg.Apply(new TemplateChange(TemplateChangeKind.Delete, theirs, null, new ChangeStreamPosition("9-0")));
        Assert.Equal([("residents", Model, 0), ("watchlist", Model, 0)], reg.Describe());
        Assert.Equal("9-0", reg.Position.Id);
    }

    [Fact]
    public async Task Registry_SkippedChange_HoldsNothingChangedCountedPositionMoves()
    {
        await using var reg = new GalleryRegistry(DomainServices.Dim, partition: new GalleryPartition(2, 1, ["watchlist"]));
        var listed = Key(0x1000, 1);
        await reg.ReloadAsync(add =>
        {
            add(T(listed, 0, "residents", "watchlist"));
            return Task.FromResult(new TemplateSnapshot(new ChangeStreamPosition("5-0"), 1, 0));
        });
        Assert.True(reg.Holds(listed));
        Assert.False(reg.Holds(Key(0x1000, 2)));

        // A skipped change never removes what is held (the store skips only subjects not held).
        reg.Apply(new TemplateChange(TemplateChangeKind.Skipped, listed, null, new ChangeStreamPosition("6-0")));
        Assert.Equal([("watchlist", Model, 1)], reg.Describe());
        Assert.Equal("6-0", reg.Position.Id);
        Assert.Equal((1, 0, 0), (reg.AppliedChanges(TemplateChangeKind.Skipped), reg.AppliedChanges(TemplateChangeKind.Upsert), reg.AppliedChanges(TemplateChangeKind.Delete)));
    }

    [Fact]
    public async Task Identify_ThreeInProcessParts_SameTopKAsTheWholeGallery()
    {
        await using var services = new DomainServices();
        var templates = Enumerable.Range(0, 48).Select(i => T(Key(i * 1365 % 0x10000, i), i % DomainServices.Dim, "residents")).ToList();
        await using var whole = await LoadAsync(GalleryPartition.Whole, templates);
        var parts = new GalleryRegistry[3];
        for (var p = 0; p < 3; p++) parts[p] = await LoadAsync(new GalleryPartition(3, p, ["watchlist"]), templates);
        try
        {
            Assert.Equal(48, parts.Sum(p => p.Describe().Single().Count));
            var reference = new IdentificationService(services.Faces, whole, services.Models, services.Audit);
            var expected = await reference.IdentifyAsync(DomainServices.Probe(3), "residents", 10, null, "test", DateTime.MaxValue, CancellationToken.None);
            for (var p = 0; p < 3; p++)
            {
                var split = new IdentificationService(services.Faces, parts[p], services.Models, services.Audit, new InProcessParts(parts));
                var got = await split.IdentifyAsync(DomainServices.Probe(3), "residents", 10, null, "test", DateTime.MaxValue, CancellationToken.None);
                Assert.Equal(expected.Candidates, got.Candidates);
                Assert.Equal(48, got.GallerySize);
            }
        }
        finally
        {
            foreach (var p in parts) await p.DisposeAsync();
        }
    }

    [Fact]
    public async Task Identify_APartUnavailable_UnavailableNamingItNotAPartialAnswer()
    {
        await using var services = new DomainServices();
        await using var own = await LoadAsync(new GalleryPartition(3, 0, []), [T(Key(0x0100, 1), 0, "residents")]);
        var split = new IdentificationService(services.Faces, own, services.Models, services.Audit, new InProcessParts([own, null, own]));
        var ex = await Assert.ThrowsAsync<MatcherException>(() =>
            split.IdentifyAsync(DomainServices.Probe(0), "residents", 5, null, "test", DateTime.UtcNow.AddSeconds(5), CancellationToken.None));
        Assert.Equal((MatcherErrorKind.Unavailable, "part_unavailable"), (ex.Kind, ex.Reason));
        Assert.Contains("part 1 ", ex.Message);
    }

    [Fact]
    public async Task SearchPart_AnotherPartOrAWholeGallery_PartNotHeld()
    {
        await using var services = new DomainServices();
        await using var own = await LoadAsync(new GalleryPartition(3, 1, ["watchlist"]), []);
        var split = new IdentificationService(services.Faces, own, services.Models, services.Audit, new InProcessParts([]));
        foreach (var (parts, part, gallery) in new[] { (3, 0, "residents"), (2, 1, "residents"), (3, 1, "watchlist") })
        {
            var ex = await Assert.ThrowsAsync<MatcherException>(() => split.SearchPartAsync(DomainServices.Probe(0), gallery, 5, parts, part, CancellationToken.None));
            Assert.Equal((MatcherErrorKind.FailedPrecondition, "part_not_held"), (ex.Kind, ex.Reason));
        }

        Assert.Equal(GallerySearchStatus.UnknownGallery, (await split.SearchPartAsync(DomainServices.Probe(0), "residents", 5, 3, 1, CancellationToken.None)).Status);
    }

    [Fact]
    public void Merge_Parts_TopKByScoreThenKeyMismatchWinsUnknownWhenNoneKnows()
    {
        GallerySearchResult R(params (string Key, float Score)[] m) => new(GallerySearchStatus.Searched, [.. m.Select(x => new GalleryMatch(x.Key, x.Score))], 10, Model);
        var merged = IdentificationService.Merge([R(("a", 0.5f), ("b", 0.2f)), R(("d", 0.9f), ("c", 0.5f)), new(GallerySearchStatus.UnknownGallery, [], 0, "")], 3);
        Assert.Equal([new("d", 0.9f), new("a", 0.5f), new("c", 0.5f)], merged.Matches);
        Assert.Equal(20, merged.Size);
        var mismatch = IdentificationService.Merge([R(("a", 0.5f)), new(GallerySearchStatus.ModelMismatch, [], 3, "m2")], 3);
        Assert.Equal((GallerySearchStatus.ModelMismatch, "m2"), (mismatch.Status, mismatch.ModelId));
        Assert.Equal(GallerySearchStatus.UnknownGallery, IdentificationService.Merge([new(GallerySearchStatus.UnknownGallery, [], 0, "")], 3).Status);
    }

    private static async Task<GalleryRegistry> LoadAsync(GalleryPartition partition, IReadOnlyList<StoredTemplate> templates)
    {
        var reg = new GalleryRegistry(DomainServices.Dim, partition: partition);
        await reg.ReloadAsync(add =>
        {
            foreach (var t in templates) add(t);
            return Task.FromResult(new TemplateSnapshot(ChangeStreamPosition.Start, templates.Count, 0));
        });
        return reg;
    }

    /// <summary>The other parts, searched in this process (the host asks other matchers over gRPC); a null part never answers.</summary>
    private sealed class InProcessParts(GalleryRegistry?[] parts) : IPartSearcher
    {
        public Task<GallerySearchResult> SearchAsync(int part, string gallery, FaceVector probe, int k, DateTime deadline, CancellationToken cancellationToken) =>
            parts[part] is { } r ? r.SearchAsync(gallery, probe, k, cancellationToken)
                : Task.FromException<GallerySearchResult>(new MatcherException(MatcherErrorKind.Unavailable, "part_unavailable", "no holder"));
    }
}
