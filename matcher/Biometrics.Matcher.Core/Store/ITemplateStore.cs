namespace Biometrics.Matcher.Store;

/// <summary>
/// The template store of record (Redis): pseudonymised keys, encrypted templates, gallery membership, a change
/// stream for replicas, QR nonces, enrolment idempotency and the decision audit trail. Every write completes
/// only after Redis applied it (and, when configured, fsynced it and replicas confirmed it). Implementations
/// are thread-safe.
/// </summary>
public interface ITemplateStore
{
    /// <summary>The pseudonym of a subject identifier (pure computation, no I/O).</summary>
    SubjectKey GetSubjectKey(string subjectId);

    /// <summary>Enrols or re-enrols one subject (version + 1). Acknowledged only after Redis accepted it.</summary>
    Task<TemplateUpsertResult> UpsertAsync(TemplateRecord record, CancellationToken cancellationToken = default);

    /// <summary>Bulk enrolment: pipelined, atomic per batch of the store option <c>BulkBatchSize</c>, one change entry per batch. Results in input order. A subject named more than once is written in input order, each write with its own version.</summary>
    Task<IReadOnlyList<TemplateUpsertResult>> UpsertManyAsync(IReadOnlyList<TemplateRecord> records, CancellationToken cancellationToken = default);

    /// <summary>The subject's template, or null if not enrolled.</summary>
    /// <exception cref="TemplateIntegrityException">The stored template failed authentication; it is not returned.</exception>
    /// <exception cref="TemplateModelMismatchException"><paramref name="requiredModelId"/> is set and differs from the stored model.</exception>
    Task<StoredTemplate?> GetAsync(string subjectId, string? requiredModelId = null, CancellationToken cancellationToken = default);

    /// <summary>As <see cref="GetAsync"/>, by pseudonym.</summary>
    Task<StoredTemplate?> GetByKeyAsync(SubjectKey subjectKey, string? requiredModelId = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Verify's claim without materialising the template: the subject's entry is fetched, authenticated and decrypted
    /// as by <see cref="GetAsync"/>, but into pooled memory, scored there with <paramref name="score"/> when it is of
    /// <paramref name="probeModelId"/>, and wiped. Null if not enrolled.
    /// </summary>
    /// <param name="timeout">The caller's bound on the fetch (the store's own command limit applies too, whichever is shorter):
    /// one bound for both, so the read needs one timer.</param>
    /// <exception cref="TemplateIntegrityException">The stored template failed authentication.</exception>
    /// <exception cref="TimeoutException">The store did not answer within <paramref name="timeout"/>.</exception>
    Task<TemplateScore?> ScoreAsync(string subjectId, ReadOnlyMemory<float> probe, string probeModelId, VectorScore score, TimeSpan timeout,
        CancellationToken cancellationToken = default);

    /// <summary>
    /// Erases a subject from the store and every gallery, and blanks every enrolment request record that names it
    /// (they then read <see cref="RequestState.Erased"/>); false if it was not enrolled (its request records are
    /// blanked all the same).
    /// </summary>
    Task<bool> DeleteAsync(string subjectId, CancellationToken cancellationToken = default);

    /// <summary>Names of galleries that ever had a member.</summary>
    Task<IReadOnlyList<string>> GetGalleriesAsync(CancellationToken cancellationToken = default);

    /// <summary>Pseudonyms of a gallery's members.</summary>
    Task<IReadOnlyList<SubjectKey>> GetGalleryMembersAsync(string gallery, CancellationToken cancellationToken = default);

    /// <summary>Number of members of a gallery.</summary>
    Task<long> GetGallerySizeAsync(string gallery, CancellationToken cancellationToken = default);

    /// <summary>
    /// Streams every stored template to <paramref name="onTemplate"/> (called sequentially) and returns the change
    /// stream position taken before the scan: following from it makes a replica converge on the store.
    /// Templates that fail authentication are skipped and counted.
    /// </summary>
    Task<TemplateSnapshot> LoadSnapshotAsync(Action<StoredTemplate> onTemplate, CancellationToken cancellationToken = default);

    /// <summary>
    /// As <see cref="LoadSnapshotAsync"/>, for a bulk load (a replica's start): each template only as a gallery needs it
    /// (pseudonym, vector, model, galleries), without an object per template. The default goes through
    /// <see cref="LoadSnapshotAsync"/>; the Redis store reads its buckets straight into the views (docs/PERFORMANCE.md,
    /// "Restart").
    /// </summary>
    Task<TemplateSnapshot> LoadSnapshotRowsAsync(SnapshotTemplateHandler onTemplate, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(onTemplate);
        return LoadSnapshotAsync(t => onTemplate(new SnapshotTemplate(t.SubjectKey, t.Vector, t.ModelId, [.. t.Galleries])), cancellationToken);
    }

    /// <summary>
    /// As <see cref="LoadSnapshotRowsAsync(SnapshotTemplateHandler, CancellationToken)"/> for a matcher of split galleries:
    /// at least the templates of <paramref name="part"/> (its bucket range, and the whole galleries' members of every
    /// bucket); the gallery registry keeps only its part of what it is given. The default loads everything; the Redis
    /// store reads only the part's buckets (docs/SCALING.md, "Split galleries").
    /// </summary>
    Task<TemplateSnapshot> LoadSnapshotPartRowsAsync(SnapshotPart part, SnapshotTemplateHandler onTemplate, CancellationToken cancellationToken = default) =>
        LoadSnapshotRowsAsync(onTemplate, cancellationToken);

    /// <summary>
    /// Whether following from <paramref name="from"/>, a position saved earlier by this replica (not one a snapshot just
    /// returned), replays every change made since: its entries must still be in the stream (not trimmed) and be this
    /// store's (not a recreated stream or another store). The default cannot tell and says so.
    /// </summary>
    Task<ResumeCheck> CheckResumableAsync(ChangeStreamPosition from, CancellationToken cancellationToken = default) =>
        Task.FromResult(new ResumeCheck("this store cannot check a saved change-stream position", from));

    /// <summary>
    /// Changes after <paramref name="from"/>, in order, forever (until cancelled). Survives Redis restarts (waits and
    /// resumes). Throws <see cref="TemplateStreamGapException"/> if the stream was trimmed past <paramref name="from"/>.
    /// </summary>
    IAsyncEnumerable<TemplateChange> FollowAsync(ChangeStreamPosition from, CancellationToken cancellationToken = default);

    /// <summary>
    /// As <see cref="FollowAsync"/> for a matcher of split galleries (docs/SCALING.md, "Split galleries"): a subject of an
    /// upsert outside <paramref name="part"/>'s buckets is fetched and decrypted only when it is now in one of the part's
    /// whole galleries or <paramref name="holds"/> (called in stream order, between changes) says this matcher holds a
    /// row of it; any other is delivered as <see cref="TemplateChangeKind.Skipped"/>. Deletes are delivered as they are.
    /// The default delivers every change (the gallery registry keeps only its part); the Redis store skips by the subject
    /// keys the change stream carries in clear and the gallery sets.
    /// </summary>
    IAsyncEnumerable<TemplateChange> FollowPartAsync(ChangeStreamPosition from, SnapshotPart part, Func<SubjectKey, bool> holds, CancellationToken cancellationToken = default) =>
        FollowAsync(from, cancellationToken);

    /// <summary>Marks a QR token nonce used (<c>SET NX PX</c>); true the first time, false on every replay within <paramref name="ttl"/>.</summary>
    Task<bool> TryConsumeNonceAsync(string nonce, TimeSpan ttl, CancellationToken cancellationToken = default);

    /// <summary>
    /// Appends decisions to the audit stream (capped with <c>MAXLEN ~</c>), in order and in one round trip (the Redis
    /// store writes them as one stream entry); faults when any append failed (the others may be stored).
    /// </summary>
    Task AppendAuditAsync(IReadOnlyList<AuditRecord> records, CancellationToken cancellationToken = default);

    /// <summary>The newest <paramref name="count"/> audit records, newest first.</summary>
    Task<IReadOnlyList<AuditRecord>> ReadAuditAsync(int count, CancellationToken cancellationToken = default);

    /// <summary>The pseudonym of a request id (keyed MAC, pure computation): audit records carry it as <c>rid</c>.</summary>
    string GetRequestPseudonym(string requestId);

    /// <summary>
    /// Reserves the request <paramref name="requestKey"/> (a request id already scoped to its caller; the store keeps
    /// only its pseudonym) for one <paramref name="attempt"/> on <paramref name="subject"/>, with a lease of
    /// <paramref name="lease"/> from now by the store's own clock, before the work starts. Returns
    /// <see cref="RequestState.Reserved"/> when this call reserved it; <see cref="RequestState.TakenOver"/> when another
    /// attempt held it for the same subject but its lease had passed, so this call took it over atomically (that attempt
    /// can then neither complete nor release it); otherwise what is there (another attempt in progress, with its lease
    /// left, a completed result, or an erased record). An unfinished reservation is dropped after twice its lease. The
    /// record is indexed under the subject so that <see cref="DeleteAsync"/> finds it.
    /// </summary>
    Task<RequestRecord> ReserveRequestAsync(string requestKey, SubjectKey subject, string attempt, TimeSpan lease, CancellationToken cancellationToken = default);

    /// <summary>
    /// Replaces this attempt's reservation by its result, kept for the store option <c>IdempotencyTtl</c>;
    /// false (and nothing written) when the reservation is no longer this attempt's: it lapsed, another attempt took it
    /// over, or the subject was erased.
    /// </summary>
    Task<bool> CompleteRequestAsync(string requestKey, SubjectKey subject, string attempt, ReadOnlyMemory<byte> result, CancellationToken cancellationToken = default);

    /// <summary>Drops this attempt's reservation (the attempt failed and stored nothing; a retry may proceed).</summary>
    Task ReleaseRequestAsync(string requestKey, SubjectKey subject, string attempt, CancellationToken cancellationToken = default);

    /// <summary>
    /// True when <paramref name="exception"/>, thrown by a call of this store, means the store is down, slow or
    /// unreachable (a dependency failure: REFER or UNAVAILABLE), not a bug or a bad argument.
    /// </summary>
    bool IsUnavailable(Exception exception);
}
