using Biometrics.Matcher.Gallery;
using Biometrics.Matcher.Store;
using Microsoft.Extensions.Logging;

namespace Biometrics.Matcher.Services;

public sealed partial class GalleryRegistry
{
    private long _changes;
    private long _erasures;

    /// <summary>Changes applied since this registry was created (stream changes and whole reloads): a checkpoint that
    /// was taken at this count is current.</summary>
    public long ChangesApplied => Interlocked.Read(ref _changes);

    /// <summary>Deletes applied from the change stream since this registry was created (erasures, and subjects whose
    /// record was gone when its change was read).</summary>
    public long ErasuresApplied => Interlocked.Read(ref _erasures);

    /// <summary>
    /// What a local checkpoint copies (docs/MATCHER.md, "Start-up"): the position applied so far and the galleries held,
    /// taken together under the write lock. Every change after <see cref="CheckpointSource.Position"/> has not been
    /// applied yet, so rows copied afterwards are at or after that position; replaying the stream from it converges.
    /// The galleries stay owned by the registry: a reload meanwhile disposes them, and the copy then fails.
    /// </summary>
    public CheckpointSource CaptureForCheckpoint()
    {
        lock (_writeLock)
        {
            return new CheckpointSource(Position, _changes, _erasures, [.. _state.Galleries.Values.Select(g => g.Index).OrderBy(g => g.Name, StringComparer.Ordinal)]);
        }
    }

    /// <summary>
    /// Builds a fresh state from a local checkpoint (<paramref name="load"/> hands rows to the sink and returns the
    /// checkpoint's position) and swaps it in, without marking the registry loaded: the caller catches up from the change
    /// stream first, then calls <see cref="MarkLoaded"/>. Gallery membership is rebuilt from the galleries' keys.
    /// </summary>
    public async Task<ChangeStreamPosition> ReloadFromCheckpointAsync(Func<CheckpointSink, Task<ChangeStreamPosition>> load)
    {
        ArgumentNullException.ThrowIfNull(load);
        var fresh = new State();
        var sink = new CheckpointSink(this, fresh);
        ChangeStreamPosition position;
        try
        {
            position = await load(sink).ConfigureAwait(false);
            sink.BuildMembership();
        }
        catch
        {
            await fresh.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        await SwapInAsync(fresh, position, changed: false).ConfigureAwait(false); // the file is what it holds
        LogCheckpointLoaded(_logger, sink.Rows, fresh.Galleries.Count, position.Id);
        return position;
    }

    /// <summary>Marks the galleries loaded (health may say SERVING): after a checkpoint load has caught up.</summary>
    public void MarkLoaded() => _loaded.TrySetResult();

    /// <summary>The position and galleries a checkpoint copies (<see cref="CaptureForCheckpoint"/>).</summary>
    /// <param name="Position">Applied so far when captured.</param>
    /// <param name="Changes"><see cref="ChangesApplied"/> when captured.</param>
    /// <param name="Erasures"><see cref="ErasuresApplied"/> when captured.</param>
    /// <param name="Galleries">The galleries, by name.</param>
    public sealed record CheckpointSource(ChangeStreamPosition Position, long Changes, long Erasures, IReadOnlyList<GalleryIndex> Galleries);

    /// <summary>Receives a checkpoint's galleries and rows (<see cref="ReloadFromCheckpointAsync"/>). Not thread-safe.</summary>
    public sealed class CheckpointSink
    {
        private readonly GalleryRegistry _owner;
        private readonly State _state;

        // object: the registry's state type is private to it.
        internal CheckpointSink(GalleryRegistry owner, object state)
        {
            _owner = owner;
            _state = (State)state;
        }

        /// <summary>Rows added so far.</summary>
        public long Rows { get; private set; }

        /// <summary>The row size a gallery of this registry exports and imports (<see cref="GalleryIndex.ExportRowBytes"/>).</summary>
        public int RowBytes => (_owner._dimension * (sizeof(float) + 1)) + 16;

        /// <summary>Creates <paramref name="gallery"/> for <paramref name="modelId"/> if new, with room for
        /// <paramref name="rows"/> keys (a hint: the file says how many rows follow).</summary>
        /// <exception cref="InvalidDataException">The gallery exists with another model.</exception>
        public void Reserve(string gallery, string modelId, int rows)
        {
            var entry = _owner.GetOrCreate(_state, gallery, modelId)
                ?? throw new InvalidDataException($"gallery {gallery} appears with two models");
            entry.Index.EnsureCapacity(rows);
            _state.Membership.EnsureCapacity(_state.Membership.Count + rows);
        }

        /// <summary>Adds exported rows (<see cref="GalleryIndex.ExportRows"/>) to <paramref name="gallery"/>, created for
        /// <paramref name="modelId"/> if new.</summary>
        /// <exception cref="InvalidDataException">The gallery exists with another model.</exception>
        public void AddRows(string gallery, string modelId, ReadOnlySpan<string> ids, ReadOnlySpan<byte> rows)
        {
            var entry = _owner.GetOrCreate(_state, gallery, modelId)
                ?? throw new InvalidDataException($"gallery {gallery} appears with two models");
            entry.Index.ImportRows(ids, rows);
            Rows += ids.Length;
        }

        internal void BuildMembership()
        {
            foreach (var (name, entry) in _state.Galleries)
            {
                string[] only = [name];
                foreach (var id in entry.Index.SnapshotIds())
                {
                    _state.Membership[id] = _state.Membership.TryGetValue(id, out var others) ? [.. others, name] : only;
                }
            }
        }
    }

    [LoggerMessage(EventId = 503, Level = LogLevel.Information, Message = "Galleries loaded from the local checkpoint: {Rows} rows in {Galleries} galleries, catching up from {Position}")]
    private static partial void LogCheckpointLoaded(ILogger logger, long rows, int galleries, string position);
}
