using System.Diagnostics;
using Biometrics.Matcher.Store;

namespace Biometrics.Matcher.Telemetry;

/// <summary>
/// The template store with a span (<c>store OPERATION</c>, kind client, in the caller's trace) and a latency measurement
/// (<c>biometrics.matcher.store.duration</c>) around each call (docs/OPERATIONS.md). The change stream
/// (<see cref="FollowAsync"/>) runs for the replica's life and is passed through. Thread-safe as the inner store.
/// </summary>
public sealed class InstrumentedTemplateStore(ITemplateStore inner, MatcherTelemetry telemetry) : ITemplateStore, IDisposable
{
    /// <summary>The wrapped store.</summary>
    public ITemplateStore Inner { get; } = inner;

    /// <inheritdoc />
    public SubjectKey GetSubjectKey(string subjectId) => Inner.GetSubjectKey(subjectId);

    /// <inheritdoc />
    public string GetRequestPseudonym(string requestId) => Inner.GetRequestPseudonym(requestId);

    /// <inheritdoc />
    public bool IsUnavailable(Exception exception) => Inner.IsUnavailable(exception);

    /// <inheritdoc />
    public Task<TemplateUpsertResult> UpsertAsync(TemplateRecord record, CancellationToken cancellationToken = default) =>
        Call("upsert", () => Inner.UpsertAsync(record, cancellationToken));

    /// <inheritdoc />
    public Task<IReadOnlyList<TemplateUpsertResult>> UpsertManyAsync(IReadOnlyList<TemplateRecord> records, CancellationToken cancellationToken = default) =>
        Call("upsert_many", () => Inner.UpsertManyAsync(records, cancellationToken));

    /// <inheritdoc />
    public Task<StoredTemplate?> GetAsync(string subjectId, string? requiredModelId = null, CancellationToken cancellationToken = default) =>
        Call("get", () => Inner.GetAsync(subjectId, requiredModelId, cancellationToken));

    /// <inheritdoc />
    public Task<StoredTemplate?> GetByKeyAsync(SubjectKey subjectKey, string? requiredModelId = null, CancellationToken cancellationToken = default) =>
        Call("get", () => Inner.GetByKeyAsync(subjectKey, requiredModelId, cancellationToken));

    /// <inheritdoc />
    public Task<TemplateScore?> ScoreAsync(string subjectId, ReadOnlyMemory<float> probe, string probeModelId, VectorScore score, TimeSpan timeout,
        CancellationToken cancellationToken = default) =>
        Call("get", () => Inner.ScoreAsync(subjectId, probe, probeModelId, score, timeout, cancellationToken));

    /// <inheritdoc />
    public Task<bool> DeleteAsync(string subjectId, CancellationToken cancellationToken = default) =>
        Call("delete", () => Inner.DeleteAsync(subjectId, cancellationToken));

    /// <inheritdoc />
    public Task<IReadOnlyList<string>> GetGalleriesAsync(CancellationToken cancellationToken = default) =>
        Call("galleries", () => Inner.GetGalleriesAsync(cancellationToken));

    /// <inheritdoc />
    public Task<IReadOnlyList<SubjectKey>> GetGalleryMembersAsync(string gallery, CancellationToken cancellationToken = default) =>
        Call("gallery_members", () => Inner.GetGalleryMembersAsync(gallery, cancellationToken));

    /// <inheritdoc />
    public Task<long> GetGallerySizeAsync(string gallery, CancellationToken cancellationToken = default) =>
        Call("gallery_size", () => Inner.GetGallerySizeAsync(gallery, cancellationToken));

    /// <inheritdoc />
    public Task<TemplateSnapshot> LoadSnapshotAsync(Action<StoredTemplate> onTemplate, CancellationToken cancellationToken = default) =>
        Call("snapshot", () => Inner.LoadSnapshotAsync(onTemplate, cancellationToken));

    /// <inheritdoc />
    public Task<TemplateSnapshot> LoadSnapshotRowsAsync(SnapshotTemplateHandler onTemplate, CancellationToken cancellationToken = default) =>
        Call("snapshot", () => Inner.LoadSnapshotRowsAsync(onTemplate, cancellationToken));

    /// <inheritdoc />
    public Task<TemplateSnapshot> LoadSnapshotPartRowsAsync(SnapshotPart part, SnapshotTemplateHandler onTemplate, CancellationToken cancellationToken = default) =>
        Call("snapshot", () => Inner.LoadSnapshotPartRowsAsync(part, onTemplate, cancellationToken));

    /// <inheritdoc />
    public Task<ResumeCheck> CheckResumableAsync(ChangeStreamPosition from, CancellationToken cancellationToken = default) =>
        Call("resume_check", () => Inner.CheckResumableAsync(from, cancellationToken));

    /// <inheritdoc />
    public IAsyncEnumerable<TemplateChange> FollowAsync(ChangeStreamPosition from, CancellationToken cancellationToken = default) =>
        Inner.FollowAsync(from, cancellationToken);

    /// <inheritdoc />
    public IAsyncEnumerable<TemplateChange> FollowPartAsync(ChangeStreamPosition from, SnapshotPart part, Func<SubjectKey, bool> holds, CancellationToken cancellationToken = default) =>
        Inner.FollowPartAsync(from, part, holds, cancellationToken);

    /// <inheritdoc />
    public Task<bool> TryConsumeNonceAsync(string nonce, TimeSpan ttl, CancellationToken cancellationToken = default) =>
        Call("consume_nonce", () => Inner.TryConsumeNonceAsync(nonce, ttl, cancellationToken));

    /// <inheritdoc />
    public Task AppendAuditAsync(IReadOnlyList<AuditRecord> records, CancellationToken cancellationToken = default) =>
        Call("append_audit", async () =>
        {
            await Inner.AppendAuditAsync(records, cancellationToken).ConfigureAwait(false);
            return true;
        }, records.Count);

    /// <inheritdoc />
    public Task<IReadOnlyList<AuditRecord>> ReadAuditAsync(int count, CancellationToken cancellationToken = default) =>
        Call("read_audit", () => Inner.ReadAuditAsync(count, cancellationToken));

    /// <inheritdoc />
    public Task<RequestRecord> ReserveRequestAsync(string requestKey, SubjectKey subject, string attempt, TimeSpan lease, CancellationToken cancellationToken = default) =>
        Call("reserve_request", () => Inner.ReserveRequestAsync(requestKey, subject, attempt, lease, cancellationToken));

    /// <inheritdoc />
    public Task<bool> CompleteRequestAsync(string requestKey, SubjectKey subject, string attempt, ReadOnlyMemory<byte> result, CancellationToken cancellationToken = default) =>
        Call("complete_request", () => Inner.CompleteRequestAsync(requestKey, subject, attempt, result, cancellationToken));

    /// <inheritdoc />
    public Task ReleaseRequestAsync(string requestKey, SubjectKey subject, string attempt, CancellationToken cancellationToken = default) =>
        Call("release_request", async () =>
        {
            await Inner.ReleaseRequestAsync(requestKey, subject, attempt, cancellationToken).ConfigureAwait(false);
            return true;
        });

    /// <summary>Disposes the inner store when it is disposable.</summary>
    public void Dispose() => (Inner as IDisposable)?.Dispose();

    // records: how many measurements the call counts as (an audit append carries several records in one round trip, and
    // append_audit counts records, each with the duration of the append that carried it).
    private async Task<T> Call<T>(string operation, Func<Task<T>> call, int records = 1)
    {
        // The span's name only when something listens: no string per store call otherwise.
        using var activity = MatcherTelemetry.Source.HasListeners() ? MatcherTelemetry.Source.StartActivity("store " + operation, ActivityKind.Client) : null;
        activity?.SetTag("db.system.name", "redis");
        activity?.SetTag("db.operation.name", operation);
        var started = Stopwatch.GetTimestamp();
        var ok = false;
        try
        {
            var result = await call().ConfigureAwait(false);
            ok = true;
            return result;
        }
        catch (Exception ex)
        {
            activity?.SetStatus(ActivityStatusCode.Error, ex.GetType().Name);
            throw;
        }
        finally
        {
            for (var i = 0; i < records; i++) telemetry.StoreCall(operation, started, ok);
        }
    }
}
