using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Biometrics.Matcher.Gallery;
using Biometrics.Matcher.Store;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Biometrics.Matcher.Services;

/// <summary>
/// This replica's in-memory 1:N galleries, mirrored from the template store: filled from a snapshot at start
/// (the host's gallery synchroniser), then kept current by the change stream (upserts replace a subject's rows in every
/// gallery it belongs to, deletes remove them). Rows are keyed by pseudonymous subject key. Thread-safe.
/// </summary>
public sealed partial class GalleryRegistry : IAsyncDisposable
{
    private readonly ILogger _logger;
    private readonly int _dimension;
    private readonly TaskCompletionSource _loaded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _writeLock = new();
    private readonly GalleryPartition _partition;
    private readonly long[] _applied = new long[Enum.GetValues<TemplateChangeKind>().Length];
    private State _state;

    /// <summary>Creates an empty, not yet loaded registry that holds the rows <paramref name="partition"/> gives this
    /// matcher (default: every row of every gallery).</summary>
    public GalleryRegistry(int dimension = 512, ILogger<GalleryRegistry>? logger = null, GalleryPartition? partition = null)
    {
        _dimension = dimension;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _partition = partition ?? GalleryPartition.Whole;
        _state = new State();
    }

    /// <summary>True once a snapshot has been loaded (the replica may serve 1:N).</summary>
    public bool IsLoaded => _loaded.Task.IsCompleted;

    /// <summary>Completes when the first snapshot has been loaded.</summary>
    public Task WhenLoaded => _loaded.Task;

    /// <summary>Which rows this registry holds (docs/SCALING.md, "Split galleries").</summary>
    public GalleryPartition Partition => _partition;

    /// <summary>Change-stream position applied so far.</summary>
    public ChangeStreamPosition Position { get; private set; } = ChangeStreamPosition.Start;

    /// <summary>Names, model_ids and sizes of the galleries.</summary>
    public IReadOnlyList<(string Name, string ModelId, int Count)> Describe()
    {
        var s = Volatile.Read(ref _state);
        return [.. s.Galleries.Values.OrderBy(g => g.Index.Name, StringComparer.Ordinal).Select(g => (g.Index.Name, g.Index.ModelId, g.Index.Count))];
    }

    /// <summary>True when the gallery exists on this replica.</summary>
    public bool Exists(string gallery) => Volatile.Read(ref _state).Galleries.ContainsKey(gallery);

    /// <summary>The top-<paramref name="k"/> members of <paramref name="gallery"/> by cosine similarity with
    /// <paramref name="probe"/> (batched with concurrent queries); an unknown gallery or one of another model is a
    /// status of the result, not an error.</summary>
    public async Task<GallerySearchResult> SearchAsync(string gallery, FaceVector probe, int k, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(probe);
        if (!Volatile.Read(ref _state).Galleries.TryGetValue(gallery, out var entry)) return new(GallerySearchStatus.UnknownGallery, [], 0, "");
        var index = entry.Index;
        if (!string.Equals(index.ModelId, probe.ModelId, StringComparison.Ordinal)) return new(GallerySearchStatus.ModelMismatch, [], index.Count, index.ModelId);
        var matches = index.Count == 0 ? [] : await entry.Batcher.SearchAsync(probe.Vector, k, cancellationToken).ConfigureAwait(false);
        return new(GallerySearchStatus.Searched, matches, index.Count, index.ModelId);
    }

    /// <summary>Builds a fresh state from a snapshot and swaps it in when <paramref name="load"/> completes.</summary>
    public Task<TemplateSnapshot> ReloadAsync(Func<Action<StoredTemplate>, Task<TemplateSnapshot>> load)
    {
        ArgumentNullException.ThrowIfNull(load);
        return ReloadRowsAsync(add => load(t => add(new SnapshotTemplate(t.SubjectKey, t.Vector, t.ModelId, [.. t.Galleries]))));
    }

    /// <summary>
    /// As <see cref="ReloadAsync"/> from the store's bulk path (<see cref="ITemplateStore.LoadSnapshotRowsAsync"/>): the
    /// start of a replica, without an object per template (docs/PERFORMANCE.md, "Restart").
    /// </summary>
    public async Task<TemplateSnapshot> ReloadRowsAsync(Func<SnapshotTemplateHandler, Task<TemplateSnapshot>> load)
    {
        ArgumentNullException.ThrowIfNull(load);
        var fresh = new State();
        var loader = new BulkLoader(this, fresh);
        TemplateSnapshot snapshot;
        try
        {
            snapshot = await load(loader.Add).ConfigureAwait(false);
            loader.Flush();
        }
        catch
        {
            await fresh.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        await SwapInAsync(fresh, snapshot.Position, changed: true).ConfigureAwait(false);
        _loaded.TrySetResult();
        LogLoaded(_logger, snapshot.Loaded, snapshot.Rejected, fresh.Galleries.Count, snapshot.Position.Id);
        return snapshot;
    }

    // Puts a freshly loaded state in place of the serving one (whose galleries are disposed once no search holds them);
    // `changed` counts it as a change the local checkpoint does not have yet (docs/MATCHER.md, "Start-up").
    private async Task SwapInAsync(State fresh, ChangeStreamPosition position, bool changed)
    {
        State old;
        lock (_writeLock)
        {
            old = _state;
            Volatile.Write(ref _state, fresh);
            Position = position;
            if (changed) _changes++;
        }

        await old.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>True when this matcher holds a row of <paramref name="key"/> in any gallery (the follower of split galleries
    /// fetches the changes of such a subject; ITemplateStore.FollowPartAsync). Thread-safe.</summary>
    public bool Holds(SubjectKey key)
    {
        lock (_writeLock)
        {
            return _state.Membership.ContainsKey(key.Hex);
        }
    }

    /// <summary>Changes of the stream applied since start, of <paramref name="kind"/> (upserts: fetched and decrypted;
    /// skipped: of another part, neither). Thread-safe.</summary>
    public long AppliedChanges(TemplateChangeKind kind) => Interlocked.Read(ref _applied[(int)kind]);

    /// <summary>Applies one change from the stream.</summary>
    public void Apply(TemplateChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        Interlocked.Increment(ref _applied[(int)change.Kind]);
        lock (_writeLock)
        {
            var s = _state;
            if (change.Kind == TemplateChangeKind.Skipped)
            {
                // Not fetched: this matcher holds no row of it.
            }
            else if (change.Kind == TemplateChangeKind.Delete || change.Template is null)
            {
                RemoveLocked(s, change.SubjectKey.Hex, keep: null);
                _erasures++;
            }
            else
            {
                UpsertLocked(s, change.Template);
            }

            Position = change.Position;
            _changes++; // skipped ones too: the checkpoint's position stays within the stream's retention
        }
    }

    private void UpsertLocked(State s, StoredTemplate t)
    {
        var key = t.SubjectKey.Hex;
        var galleries = _partition.HeldGalleries(t.SubjectKey, t.Galleries);
        if (galleries.Count == 0)
        {
            RemoveLocked(s, key, keep: null); // a subject of another part that left the whole galleries
            return;
        }

        RemoveLocked(s, key, keep: galleries);
        foreach (var name in galleries)
        {
            var entry = GetOrCreate(s, name, t.ModelId);
            if (entry is null) continue;
            entry.Index.Upsert(key, t.Vector);
        }

        s.Membership[key] = [.. galleries];
    }

    private static void RemoveLocked(State s, string key, IReadOnlyList<string>? keep)
    {
        if (!s.Membership.TryGetValue(key, out var galleries)) return;
        foreach (var g in galleries)
        {
            if (keep is not null && keep.Contains(g)) continue;
            if (s.Galleries.TryGetValue(g, out var entry)) entry.Index.Remove(key);
        }

        if (keep is null) s.Membership.Remove(key);
    }

    private GalleryEntry? GetOrCreate(State s, string name, string modelId)
    {
        if (s.Galleries.TryGetValue(name, out var entry))
        {
            if (string.Equals(entry.Index.ModelId, modelId, StringComparison.Ordinal)) return entry;
            LogModelMismatch(_logger, name, entry.Index.ModelId, modelId);
            return null;
        }

        var index = new GalleryIndex(name, modelId, _dimension);
        entry = new GalleryEntry(index, new GallerySearchBatcher(index));
        s.Galleries[name] = entry;
        return entry;
    }

    /// <summary>Releases every gallery.</summary>
    public async ValueTask DisposeAsync()
    {
        _loaded.TrySetCanceled();
        await _state.DisposeAsync().ConfigureAwait(false);
    }

    private sealed record GalleryEntry(GalleryIndex Index, GallerySearchBatcher Batcher);

    private sealed class State : IAsyncDisposable
    {
        public ConcurrentDictionary<string, GalleryEntry> Galleries { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, string[]> Membership { get; } = new(StringComparer.Ordinal);

        public async ValueTask DisposeAsync()
        {
            foreach (var g in Galleries.Values)
            {
                await g.Batcher.DisposeAsync().ConfigureAwait(false);
                g.Index.Dispose();
            }
        }
    }

    /// <summary>
    /// Collects snapshot templates per gallery and adds them in large batches (parallel normalisation). Each gallery's
    /// batch is one buffer reused for the whole load: a fresh 8 MB array per batch was 2 GB of large-object allocations
    /// at 1,000,000 templates, with background collections and page faults to match (docs/PERFORMANCE.md, "Restart").
    /// </summary>
    private sealed class BulkLoader(GalleryRegistry owner, State state)
    {
        private const int Batch = 4096;
        private readonly Dictionary<string, Pending> _pending = new(StringComparer.Ordinal);

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Add(in SnapshotTemplate t)
        {
            var key = t.SubjectKey.Hex;
            var galleries = owner._partition.HeldGalleries(t.SubjectKey, t.Galleries);
            lock (owner._writeLock)
            {
                RemoveLocked(state, key, keep: null);
                // The snapshot's list is shared between templates and never modified (an upsert replaces it).
                if (galleries.Count > 0) state.Membership[key] = ReferenceEquals(galleries, t.Galleries) ? t.Galleries : [.. galleries];
            }

            foreach (var g in galleries)
            {
                if (!_pending.TryGetValue(g, out var p))
                {
                    _pending[g] = p = new Pending(t.ModelId, new List<string>(Batch), new float[Batch * owner._dimension]);
                }

                if (t.Vector.Length != owner._dimension)
                {
                    // Never copied into the batch: the gallery refuses a vector of another length with its own message.
                    owner.GetOrCreate(state, g, t.ModelId)?.Index.AddRange([key], t.Vector);
                    continue;
                }

                t.Vector.CopyTo(p.Vectors.AsSpan(p.Ids.Count * owner._dimension));
                p.Ids.Add(key);
                if (p.Ids.Count >= Batch) FlushOne(g, p);
            }
        }

        public void Flush()
        {
            foreach (var (g, p) in _pending) FlushOne(g, p);
        }

        private void FlushOne(string gallery, Pending p)
        {
            if (p.Ids.Count == 0) return;
            var entry = owner.GetOrCreate(state, gallery, p.ModelId);
            entry?.Index.AddRange(p.Ids, p.Vectors.AsSpan(0, p.Ids.Count * owner._dimension));
            p.Ids.Clear();
        }

        private sealed record Pending(string ModelId, List<string> Ids, float[] Vectors);
    }

    [LoggerMessage(EventId = 501, Level = LogLevel.Information, Message = "Galleries loaded from the store snapshot: {Loaded} templates ({Rejected} rejected) in {Galleries} galleries, following from {Position}")]
    private static partial void LogLoaded(ILogger logger, long loaded, long rejected, int galleries, string position);

    [LoggerMessage(EventId = 502, Level = LogLevel.Error, Message = "Gallery {Gallery} holds {GalleryModel} templates; a {TemplateModel} template was not added")]
    private static partial void LogModelMismatch(ILogger logger, string gallery, string galleryModel, string templateModel);
}
