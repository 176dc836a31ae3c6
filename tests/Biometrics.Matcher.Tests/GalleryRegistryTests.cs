using Biometrics.Contract;
using Biometrics.Matcher.Services;
using Biometrics.Matcher.Store;

namespace Biometrics.Matcher.Tests;

public sealed class GalleryRegistryTests
{
    private static StoredTemplate T(int i, params string[] galleries)
    {
        var v = new float[8];
        v[i % 8] = 1;
        return new StoredTemplate(new SubjectKey(i.ToString("x64")), "s" + i, v, "m", 1, DateTimeOffset.UtcNow, galleries, 1, "1-0");
    }

    [Fact]
    public async Task ReloadThenApply_UpsertMoveDelete_GalleriesFollow()
    {
        await using var reg = new GalleryRegistry(8);
        await reg.ReloadAsync(add =>
        {
            add(T(1, "residents"));
            add(T(2, "residents", "watchlist"));
            return Task.FromResult(new TemplateSnapshot(new ChangeStreamPosition("5-0"), 2, 0));
        });
        Assert.True(reg.IsLoaded);
        Assert.Equal([("residents", "m", 2), ("watchlist", "m", 1)], reg.Describe());

        reg.Apply(new TemplateChange(TemplateChangeKind.Upsert, T(2).SubjectKey, T(2, "residents"), new ChangeStreamPosition("6-0")));
        Assert.Equal([("residents", "m", 2), ("watchlist", "m", 0)], reg.Describe());

        reg.Apply(new TemplateChange(TemplateChangeKind.Delete, T(1).SubjectKey, null, new ChangeStreamPosition("7-0")));
        Assert.Equal([("residents", "m", 1), ("watchlist", "m", 0)], reg.Describe());
        Assert.Equal("7-0", reg.Position.Id);

        var q = new float[8];
        q[2] = 1;
        var hit = await reg.SearchAsync("residents", new FaceVector(q, "m", ProbeQuality.Unmeasured), 1, default);
        Assert.Equal((GallerySearchStatus.Searched, T(2).SubjectKey.Hex), (hit.Status, hit.Matches[0].SubjectId));
        Assert.Equal(GallerySearchStatus.UnknownGallery, (await reg.SearchAsync("nope", new FaceVector(q, "m", ProbeQuality.Unmeasured), 1, default)).Status);
        var other = await reg.SearchAsync("residents", new FaceVector(q, "other-model", ProbeQuality.Unmeasured), 1, default);
        Assert.Equal((GallerySearchStatus.ModelMismatch, "m", 1), (other.Status, other.ModelId, other.Size));
    }

    [Fact]
    public async Task ReloadRows_SharedGalleryList_ChangeOfOneSubjectLeavesTheOthers()
    {
        await using var reg = new GalleryRegistry(8);
        string[] both = ["residents", "watchlist"];
        var snapshot = await reg.ReloadRowsAsync(add =>
        {
            foreach (var i in new[] { 1, 2, 3 }) add(new SnapshotTemplate(T(i).SubjectKey, T(i).Vector, "m", both));
            return Task.FromResult(new TemplateSnapshot(new ChangeStreamPosition("5-0"), 3, 0));
        });
        Assert.Equal(3, snapshot.Loaded);
        Assert.Equal([("residents", "m", 3), ("watchlist", "m", 3)], reg.Describe());

        reg.Apply(new TemplateChange(TemplateChangeKind.Upsert, T(2).SubjectKey, T(2, "residents"), new ChangeStreamPosition("6-0")));
        reg.Apply(new TemplateChange(TemplateChangeKind.Delete, T(3).SubjectKey, null, new ChangeStreamPosition("7-0")));
        Assert.Equal([("residents", "m", 2), ("watchlist", "m", 1)], reg.Describe());
        Assert.Equal(["residents", "watchlist"], both);
    }
}
