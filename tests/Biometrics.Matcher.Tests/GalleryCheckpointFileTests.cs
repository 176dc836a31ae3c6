using System.Security.Cryptography;
using Biometrics.Contract;
using Biometrics.Matcher.Configuration;
using Biometrics.Matcher.Hosting;
using Biometrics.Matcher.Services;
using Biometrics.Matcher.Store;
using Microsoft.Extensions.Logging.Abstractions;

namespace Biometrics.Matcher.Tests;

/// <summary>The local gallery checkpoint's file format (docs/SECURITY.md, "Gallery checkpoint"): what is written reads back
/// as the same galleries, and a file that was tampered with, cut short, or written for another key or matcher is refused.</summary>
public sealed class GalleryCheckpointFileTests : IDisposable
{
    private const int Dim = 8;
    private const string Binding = "prefix=bio\nsplit=whole\nmodels=m\ndimension=8\npseudonyms=0123456789abcdef";
    private readonly string _dir = Directory.CreateTempSubdirectory("bio-ckpt-").FullName;
    private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);

    private string FilePath => Path.Combine(_dir, GalleryCheckpointFile.FileName);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static StoredTemplate T(int i, params string[] galleries)
    {
        var v = new float[Dim];
        v[i % Dim] = 1;
        v[(i + 3) % Dim] = 0.25f * (i % 5);
        return new StoredTemplate(new SubjectKey(i.ToString("x64")), "s" + i, v, "m", 1, DateTimeOffset.UtcNow, galleries, 1, "1-0");
    }

    /// <summary>A registry of 5,000 residents (several chunks), 40 of them also on the watchlist, at position 9-0.</summary>
    private static async Task<GalleryRegistry> FilledAsync()
    {
        var reg = new GalleryRegistry(Dim);
        await reg.ReloadAsync(add =>
        {
            for (var i = 1; i <= 5000; i++) add(i % 125 == 0 ? T(i, "residents", "watchlist") : T(i, "residents"));
            return Task.FromResult(new TemplateSnapshot(new ChangeStreamPosition("9-0"), 5000, 0));
        });
        return reg;
    }

    private void Write(GalleryRegistry reg, byte[]? key = null, string binding = Binding) =>
        GalleryCheckpointFile.Write(FilePath, key ?? _key, binding, reg.CaptureForCheckpoint(), CancellationToken.None);

    private async Task<GalleryRegistry> ReadAsync(string binding = Binding, byte[]? key = null)
    {
        var reg = new GalleryRegistry(Dim);
        try
        {
            using var reader = GalleryCheckpointFile.Reader.Open(FilePath, key ?? _key, binding);
            await reg.ReloadFromCheckpointAsync(sink =>
            {
                reader.ReadGalleries(sink, CancellationToken.None);
                return Task.FromResult(reader.Position);
            });
            return reg;
        }
        catch
        {
            await reg.DisposeAsync();
            throw;
        }
    }

    [Fact]
    public async Task WriteThenRead_Galleries_SameRowsPositionAndMembership()
    {
        await using var written = await FilledAsync();
        written.Apply(new TemplateChange(TemplateChangeKind.Delete, T(7).SubjectKey, null, new ChangeStreamPosition("10-0")));
        Write(written);
        if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(FilePath));
        Assert.False(File.Exists(FilePath + ".tmp"));

        await using var read = await ReadAsync();
        Assert.False(read.IsLoaded); // loaded only once the caller has caught up from the change stream
        Assert.Equal("10-0", read.Position.Id);
        Assert.Equal(written.Describe(), read.Describe());
        Assert.Equal([("residents", "m", 4999), ("watchlist", "m", 40)], read.Describe());
        foreach (var i in new[] { 1, 125, 4999 })
        {
            var probe = new FaceVector(T(i).Vector, "m", ProbeQuality.Unmeasured);
            var a = await written.SearchAsync("residents", probe, 3, default);
            var b = await read.SearchAsync("residents", probe, 3, default);
            Assert.Equal(a.Matches.Select(m => (m.SubjectId, m.Score)), b.Matches.Select(m => (m.SubjectId, m.Score)));
        }

        // Membership was rebuilt: a delete of a subject in both galleries leaves neither holding it.
        read.Apply(new TemplateChange(TemplateChangeKind.Delete, T(250).SubjectKey, null, new ChangeStreamPosition("11-0")));
        Assert.Equal([("residents", "m", 4998), ("watchlist", "m", 39)], read.Describe());
        read.MarkLoaded();
        Assert.True(read.IsLoaded);
    }

    [Fact]
    public async Task Read_FlippedByteAnywhereInTheBody_Refused()
    {
        await using var reg = await FilledAsync();
        Write(reg);
        var bytes = await File.ReadAllBytesAsync(FilePath);
        foreach (var at in new[] { bytes.Length / 3, bytes.Length / 2, bytes.Length - 5 })
        {
            var copy = (byte[])bytes.Clone();
            copy[at] ^= 0x40;
            await File.WriteAllBytesAsync(FilePath, copy);
            var ex = await Assert.ThrowsAsync<GalleryCheckpointException>(() => ReadAsync());
            Assert.Contains("authenticate", ex.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Read_HeaderSaltChanged_RefusedAtTheFirstChunk()
    {
        await using var reg = await FilledAsync();
        Write(reg);
        var bytes = await File.ReadAllBytesAsync(FilePath);
        bytes[20] ^= 1; // inside the salt: another file key, and another header hash
        await File.WriteAllBytesAsync(FilePath, bytes);
        await Assert.ThrowsAsync<GalleryCheckpointException>(() => ReadAsync());
    }

    [Theory]
    [InlineData(29)] // exactly the final chunk (u32 + 9-byte end record + tag): ends at a chunk boundary
    [InlineData(1)]
    [InlineData(100_000)]
    public async Task Read_Truncated_Refused(int cut)
    {
        await using var reg = await FilledAsync();
        Write(reg);
        var bytes = await File.ReadAllBytesAsync(FilePath);
        await File.WriteAllBytesAsync(FilePath, bytes[..^cut]);
        var ex = await Assert.ThrowsAsync<GalleryCheckpointException>(() => ReadAsync());
        Assert.Contains("truncated", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_BytesAppended_Refused()
    {
        await using var reg = await FilledAsync();
        Write(reg);
        await File.AppendAllTextAsync(FilePath, "more");
        await Assert.ThrowsAsync<GalleryCheckpointException>(() => ReadAsync());
    }

    [Fact]
    public async Task Open_AnotherKey_RefusedAsAnotherKey()
    {
        await using var reg = await FilledAsync();
        Write(reg);
        var ex = Assert.Throws<GalleryCheckpointException>(() => GalleryCheckpointFile.Reader.Open(FilePath, RandomNumberGenerator.GetBytes(32), Binding));
        Assert.Equal("written under another template-encryption key", ex.Message);
    }

    [Theory]
    [InlineData("prefix=other\nsplit=whole\nmodels=m\ndimension=8\npseudonyms=0123456789abcdef", "written for prefix=bio, this matcher has prefix=other")]
    [InlineData("prefix=bio\nsplit=1/3\nmodels=m\ndimension=8\npseudonyms=0123456789abcdef", "written for split=whole, this matcher has split=1/3")]
    [InlineData("prefix=bio\nsplit=whole\nmodels=m,n\ndimension=8\npseudonyms=0123456789abcdef", "written for models=m, this matcher has models=m,n")]
    [InlineData("prefix=bio\nsplit=whole\nmodels=m\ndimension=8\npseudonyms=fedcba9876543210", "written for pseudonyms=0123456789abcdef, this matcher has pseudonyms=fedcba9876543210")]
    public async Task Open_AnotherMatcher_RefusedWithWhatDiffers(string binding, string reason)
    {
        await using var reg = await FilledAsync();
        Write(reg);
        var ex = Assert.Throws<GalleryCheckpointException>(() => GalleryCheckpointFile.Reader.Open(FilePath, _key, binding));
        Assert.Equal(reason, ex.Message);
    }

    [Fact]
    public async Task Open_HeaderBindingEditedToMatch_RefusedByTheChunks()
    {
        await using var reg = await FilledAsync();
        Write(reg, binding: Binding.Replace("prefix=bio", "prefix=xyz", StringComparison.Ordinal));
        var bytes = await File.ReadAllBytesAsync(FilePath);
        var at = bytes.AsSpan().IndexOf("prefix=xyz"u8);
        "prefix=bio"u8.CopyTo(bytes.AsSpan(at));
        await File.WriteAllBytesAsync(FilePath, bytes);
        var ex = Assert.Throws<GalleryCheckpointException>(() => GalleryCheckpointFile.Reader.Open(FilePath, _key, Binding).Dispose());
        Assert.Contains("authenticate", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TryLoad_ForeignFile_DeletedAndNull()
    {
        await using var reg = await FilledAsync();
        Write(reg); // bound to Binding, which is not what the checkpoint below computes
        var settings = new CheckpointSettings { Directory = _dir };
        var store = new InMemoryTemplateStore();
        using var checkpoint = new GalleryCheckpoint(settings, new TemplateStoreOptions { EncryptionKeyBase64 = Convert.ToBase64String(_key) },
            new SplitSettings(), ["m"], Dim, store, NullLogger<GalleryCheckpoint>.Instance);
        await using var fresh = new GalleryRegistry(Dim);
        Assert.Null(await checkpoint.TryLoadAsync(fresh, CancellationToken.None));
        Assert.False(File.Exists(FilePath));
        Assert.Empty(fresh.Describe());
    }

    [Fact]
    public async Task TryLoad_TurnedOff_DeletesTheFile()
    {
        await using var reg = await FilledAsync();
        Write(reg);
        var settings = new CheckpointSettings { Directory = _dir, Enabled = false };
        using var checkpoint = new GalleryCheckpoint(settings, new TemplateStoreOptions { EncryptionKeyBase64 = Convert.ToBase64String(_key) },
            new SplitSettings(), ["m"], Dim, new InMemoryTemplateStore(), NullLogger<GalleryCheckpoint>.Instance);
        await using var fresh = new GalleryRegistry(Dim);
        Assert.Null(await checkpoint.TryLoadAsync(fresh, CancellationToken.None));
        Assert.False(File.Exists(FilePath));
    }

    [Theory]
    [InlineData(30, 20, "IntervalSeconds")]
    [InlineData(300, 0, "ErasureRewriteSeconds")]
    [InlineData(300, 61, "ErasureRewriteSeconds")]
    public void Check_OutOfRange_Named(int interval, int erasure, string named)
    {
        var s = new CheckpointSettings { Directory = "/tmp/x", IntervalSeconds = interval, ErasureRewriteSeconds = erasure };
        Assert.Contains(s.Check(), p => p.Contains(named, StringComparison.Ordinal));
        Assert.Empty(new CheckpointSettings { IntervalSeconds = 1 }.Check()); // off: nothing checked
    }
}
