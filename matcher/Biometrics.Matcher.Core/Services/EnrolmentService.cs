using System.Text.Json;
using Biometrics.Matcher.Policy;
using Biometrics.Matcher.Store;

namespace Biometrics.Matcher.Services;

/// <summary>
/// Enrolment (docs/MATCHER.md): images go through the face pipeline and the enrolment quality gate and the best
/// face wins; templates are validated. Idempotent per request id and desk (reserved before the work; the first answer is
/// stored and replayed). Re-enrolment
/// replaces the template (version + 1); deletion erases it from the store and, through the change stream, from every
/// replica's galleries. Acknowledged only once the store has the write. Thread-safe.
/// </summary>
public sealed class EnrolmentService
{
    private const int ImagesPerChunk = 32;

    /// <summary>
    /// How long a retry waits for another attempt at the same request before it answers ABORTED <c>enrolment_in_progress</c>
    /// (docs/MATCHER.md, "Enrolment requests"): long enough for a template enrolment to finish, short against a desk's deadline.
    /// </summary>
    private static readonly TimeSpan s_inProgressWait = TimeSpan.FromSeconds(2);
    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web);
    private readonly ITemplateStore _store;
    private readonly FaceResolver _faces;
    private readonly AuditTrail _audit;
    private readonly MatchingOptions _options;
    private readonly TimeProvider _time;

    /// <summary>Creates the service.</summary>
    public EnrolmentService(ITemplateStore store, FaceResolver faces, AuditTrail audit, MatchingOptions options, TimeProvider? time = null)
    {
        _store = store;
        _faces = faces;
        _audit = audit;
        _options = options;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>
    /// Enrols one subject. The request id, scoped to the desk (the caller's token subject), is reserved in the store
    /// before any work: a concurrent retry waits for this attempt's answer and gets it as replayed, a later one gets the
    /// stored answer (docs/MATCHER.md, "Enrolment requests").
    /// </summary>
    /// <exception cref="MatcherException">INVALID_ARGUMENT (malformed request, request id reused for another subject),
    /// FAILED_PRECONDITION (the subject this request enrolled was erased), RESOURCE_EXHAUSTED (oversize image),
    /// DEADLINE_EXCEEDED (the work outlasted its lease), ABORTED (another attempt at the request is in progress, or took
    /// it over), UNAVAILABLE (store down).</exception>
    public async Task<EnrolOutcome> EnrolAsync(EnrolCommand command, CancellationToken cancellationToken)
    {
        var galleries = Validate(command);
        var claim = NewClaim(command);
        // Started before the reservation is sent, so the attempt stops before the store's lease (started when the
        // reservation ran) lets a retry take the request over.
        using var lease = Lease(cancellationToken);
        EnrolOutcome? earlier;
        try
        {
            earlier = await ClaimAsync(command, claim, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            // The reservation may have been made although its answer was lost (ReleaseIfReservedAsync).
            await ReleaseAsync(claim).ConfigureAwait(false);
            throw;
        }

        if (earlier is not null) return earlier;

        EnrolOutcome outcome;
        try
        {
            var (face, failure) = await ChooseFaceAsync(command, lease.Token, cancellationToken).ConfigureAwait(false);
            if (face is null)
            {
                outcome = failure!;
            }
            else
            {
                var record = ToRecord(command.SubjectId, face, galleries);
                var result = await LeasedStoreCallAsync(() => _store.UpsertAsync(record, lease.Token), lease.Token, cancellationToken).ConfigureAwait(false);
                outcome = new EnrolOutcome(command.RequestId, EnrolStatus.Enrolled, result.SubjectKey.Hex, result.Version, face.ModelId,
                    command.Images.Count > 0 ? face.Quality : null, "");
            }
        }
        catch
        {
            await ReleaseAsync(claim).ConfigureAwait(false);
            throw;
        }

        bool completed;
        try
        {
            completed = await StoreCallAsync(() => _store.CompleteRequestAsync(claim.Key, claim.Subject, claim.Attempt, Serialize(outcome), cancellationToken)).ConfigureAwait(false);
        }
        catch
        {
            // Not acknowledged: a retry may write again (a new version), rather than wait for this reservation to lapse.
            await ReleaseAsync(claim).ConfigureAwait(false);
            throw;
        }

        if (!completed) throw Superseded();

        _audit.Record(command.Actor, "Enrol", outcome.Status.ToString(), null, outcome.ModelId, TransactionIds.Next(), outcome.SubjectKey.Length > 0 ? outcome.SubjectKey : null,
            command.RequestId);
        return outcome;
    }

    /// <summary>
    /// Bulk enrolment: validates every request (an invalid one gives status INVALID, the rest go on), reserves every
    /// request id (replaying earlier answers, waiting for attempts in progress), embeds image requests, and writes
    /// templates to the store in pipelined batches; a subject enrolled twice gets two versions. Results in input order.
    /// </summary>
    /// <exception cref="MatcherException">UNAVAILABLE when the store is down (nothing of the failed batch is acknowledged),
    /// DEADLINE_EXCEEDED when the work of a chunk outlasted its lease, ABORTED when another attempt at one of the requests
    /// is in progress or took it over (the requests before it in the call are answered on a retry, replayed).</exception>
    public async Task<IReadOnlyList<EnrolOutcome>> EnrolManyAsync(IReadOnlyList<EnrolCommand> commands, CancellationToken cancellationToken)
    {
        // Chunks of at most ImagesPerChunk images, one after another, so each chunk's work fits well inside its lease.
        var outcomes = new List<EnrolOutcome>(commands.Count);
        var start = 0;
        while (start < commands.Count)
        {
            var end = start;
            for (var images = 0; end < commands.Count && (end == start || images + commands[end].Images.Count <= ImagesPerChunk); end++)
            {
                images += commands[end].Images.Count;
            }

            outcomes.AddRange(await EnrolChunkAsync([.. commands.Skip(start).Take(end - start)], cancellationToken).ConfigureAwait(false));
            start = end;
        }

        _audit.Record(commands.Count > 0 ? commands[0].Actor : "", "EnrolBatch",
            "ENROLLED:" + outcomes.Count(o => o is { Status: EnrolStatus.Enrolled, Replayed: false }).ToString(System.Globalization.CultureInfo.InvariantCulture),
            null, null, TransactionIds.Next(), null);
        return outcomes;
    }

    private async Task<EnrolOutcome[]> EnrolChunkAsync(EnrolCommand[] commands, CancellationToken cancellationToken)
    {
        var n = commands.Length;
        var outcomes = new EnrolOutcome?[n];
        var galleries = new IReadOnlyList<string>[n];
        var claims = new RequestClaim?[n];
        // A request id sent twice in one chunk: the later copies are answered from the first (its replay).
        var firstOf = new int[n];
        var byKey = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < n; i++)
        {
            firstOf[i] = i;
            try
            {
                galleries[i] = Validate(commands[i]);
            }
            catch (MatcherException ex)
            {
                outcomes[i] = Refused(commands[i], ex);
                continue;
            }

            var claim = NewClaim(commands[i]);
            if (byKey.TryGetValue(claim.Key, out var first))
            {
                firstOf[i] = first;
                continue;
            }

            byKey[claim.Key] = i;
            claims[i] = claim;
        }

        // Every request id is reserved before any work; each claim may wait a little for another attempt's answer. The
        // lease starts first, as in EnrolAsync.
        using var lease = Lease(cancellationToken);
        var claimed = new Task<EnrolOutcome?>?[n];
        for (var i = 0; i < n; i++)
        {
            if (claims[i] is { } claim) claimed[i] = ClaimOrRefuseAsync(commands[i], claim, cancellationToken);
        }

        var reserved = new List<int>(n);
        var pending = new List<(int Index, TemplateRecord Record, FaceVector Face)>();
        try
        {
            for (var i = 0; i < n; i++)
            {
                if (claimed[i] is not { } task) continue;
                var earlier = await task.ConfigureAwait(false);
                if (earlier is null) reserved.Add(i);
                else outcomes[i] = earlier;
            }

            foreach (var i in reserved)
            {
                FaceVector? face;
                EnrolOutcome? failure;
                try
                {
                    (face, failure) = await ChooseFaceAsync(commands[i], lease.Token, cancellationToken).ConfigureAwait(false);
                }
                catch (MatcherException ex) when (ex.Kind is MatcherErrorKind.InvalidArgument or MatcherErrorKind.ResourceExhausted)
                {
                    (face, failure) = (null, Refused(commands[i], ex));
                }

                if (face is null) outcomes[i] = failure;
                else pending.Add((i, ToRecord(commands[i].SubjectId, face, galleries[i]), face));
            }

            if (pending.Count > 0)
            {
                // The store writes a subject named twice in order, each time with its own version.
                var results = await LeasedStoreCallAsync(() => _store.UpsertManyAsync([.. pending.Select(p => p.Record)], lease.Token), lease.Token, cancellationToken)
                    .ConfigureAwait(false);
                for (var j = 0; j < pending.Count; j++)
                {
                    var (i, _, face) = pending[j];
                    outcomes[i] = new EnrolOutcome(commands[i].RequestId, EnrolStatus.Enrolled, results[j].SubjectKey.Hex, results[j].Version, face.ModelId,
                        commands[i].Images.Count > 0 ? face.Quality : null, "");
                }
            }
        }
        catch
        {
            // Claims still waiting end with the call (the stream cancels its token when this throws).
            for (var i = 0; i < n; i++)
            {
                if (claimed[i] is { } task) _ = ReleaseIfReservedAsync(task, claims[i]!.Value);
            }

            throw;
        }

        // Answers are kept for replay; a refused request (INVALID) is not, as with Enrol, so it can be corrected and resent.
        var completions = new List<Task<bool>>(reserved.Count);
        foreach (var i in reserved)
        {
            var c = claims[i]!.Value;
            completions.Add(outcomes[i]!.Status == EnrolStatus.Invalid ? ReleasedAsync(c)
                : _store.CompleteRequestAsync(c.Key, c.Subject, c.Attempt, Serialize(outcomes[i]!), cancellationToken));
        }

        bool[] completed;
        try
        {
            completed = await StoreCallAsync(() => Task.WhenAll(completions)).ConfigureAwait(false);
        }
        catch
        {
            // As in EnrolAsync; releasing a request that did complete changes nothing (only this attempt's reservation goes).
            await Task.WhenAll(reserved.Select(i => ReleaseAsync(claims[i]!.Value))).ConfigureAwait(false);
            throw;
        }

        // As in EnrolAsync; the call's other answers are kept, so its retry replays them.
        if (completed.Contains(false)) throw Superseded();

        for (var i = 0; i < n; i++)
        {
            if (firstOf[i] == i) continue;
            var first = outcomes[firstOf[i]]!;
            outcomes[i] = first.Status == EnrolStatus.Invalid ? first with { RequestId = commands[i].RequestId }
                : commands[i].SubjectId != commands[firstOf[i]].SubjectId ? Refused(commands[i], ReusedRequest())
                : first with { RequestId = commands[i].RequestId, Replayed = true };
        }

        return outcomes!;
    }

    /// <summary>Metadata of a subject.</summary>
    /// <exception cref="MatcherException">NOT_FOUND, INVALID_ARGUMENT, UNAVAILABLE.</exception>
    public async Task<SubjectInfo> GetSubjectAsync(string subjectId, CancellationToken cancellationToken)
    {
        ClaimResolver.ValidateSubjectId(subjectId);
        var t = await StoreCallAsync(() => _store.GetAsync(subjectId, null, cancellationToken)).ConfigureAwait(false)
            ?? throw MatcherException.NotFound("subject_unknown", "The subject is not enrolled.");
        return new SubjectInfo(t.SubjectKey.Hex, t.ModelId, t.Version, t.Galleries, t.EnrolledAt, t.Quality);
    }

    /// <summary>Erases a subject (template and gallery memberships, on every replica via the change stream) and blanks every
    /// enrolment request record that names it: replaying such a request is then refused (FAILED_PRECONDITION, <c>request_erased</c>).</summary>
    /// <exception cref="MatcherException">NOT_FOUND when not enrolled, INVALID_ARGUMENT, UNAVAILABLE.</exception>
    public async Task<string> DeleteAsync(string subjectId, string requestId, string actor, CancellationToken cancellationToken)
    {
        ClaimResolver.ValidateSubjectId(subjectId);
        var key = _store.GetSubjectKey(subjectId).Hex;
        var deleted = await StoreCallAsync(() => _store.DeleteAsync(subjectId, cancellationToken)).ConfigureAwait(false);
        if (!deleted) throw MatcherException.NotFound("subject_unknown", "The subject is not enrolled.");
        _audit.Record(actor, "Delete", "DELETED", null, null, TransactionIds.Next(), key, requestId);
        return key;
    }

    private IReadOnlyList<string> Validate(EnrolCommand c)
    {
        if (string.IsNullOrEmpty(c.RequestId) || c.RequestId.Length > 64) throw MatcherException.Invalid("request_id", "request_id is required (1..64 characters).");
        ClaimResolver.ValidateSubjectId(c.SubjectId);
        var hasImages = c.Images.Count > 0;
        var hasTemplate = c.Template is { Values.IsEmpty: false };
        if (hasImages == hasTemplate) throw MatcherException.Invalid("images_or_template", "Send exactly one of images or template.");
        if (c.Images.Count > _options.MaxEnrolImages) throw MatcherException.Invalid("too_many_images", $"At most {_options.MaxEnrolImages} images per enrolment.");
        if (c.Galleries.Count > 8) throw MatcherException.Invalid("galleries", "At most 8 galleries per subject.");
        foreach (var g in c.Galleries)
        {
            if (!GalleryNames.IsValid(g)) throw MatcherException.Invalid("gallery_name", $"'{GalleryNames.Excerpt(g)}' is not a gallery name ([a-z0-9_-]{{1,32}}).");
        }

        return c.Galleries.Count == 0 ? [_options.DefaultGallery] : [.. c.Galleries.Distinct(StringComparer.Ordinal)];
    }

    private async Task<(FaceVector? Face, EnrolOutcome? Failure)> ChooseFaceAsync(EnrolCommand c, CancellationToken lease, CancellationToken cancellationToken)
    {
        try
        {
            return await ChooseFaceAsync(c, lease).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (lease.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw LeaseExceeded();
        }
    }

    private MatcherException LeaseExceeded() => new(MatcherErrorKind.DeadlineExceeded, "enrol_lease",
        $"The enrolment took longer than Matching:EnrolmentLeaseMs ({_options.EnrolmentLeaseMs} ms); it was not acknowledged. Retry with the same request_id.");

    /// <summary>
    /// A store call of the attempt's work, bounded by its lease as well as by the call: an attempt must not write after its
    /// lease, when a retry may have taken the request over (a write the store runs late still can: docs/MATCHER.md).
    /// </summary>
    private async Task<T> LeasedStoreCallAsync<T>(Func<Task<T>> call, CancellationToken lease, CancellationToken cancellationToken)
    {
        try
        {
            return await StoreCallAsync(call).ConfigureAwait(false);
        }
        catch (MatcherException ex) when (ex.InnerException is OperationCanceledException && lease.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw LeaseExceeded();
        }
    }

    private async Task<(FaceVector? Face, EnrolOutcome? Failure)> ChooseFaceAsync(EnrolCommand c, CancellationToken cancellationToken)
    {
        if (c.Template is { } t)
        {
            return (new FaceVector(_faces.Normalise(t.Values.Span, t.ModelId, "template"), t.ModelId, t.Quality, 0, 1f), null);
        }

        FaceVector? best = null;
        // Why each image was not used, so a rejection names every image tried, not only the first.
        var failures = new List<string>();
        var faces = 0;
        for (var i = 0; i < c.Images.Count; i++)
        {
            var face = await _faces.ResolveAsync(FaceInput.FromImage(c.Images[i]), $"image {i + 1}", cancellationToken).ConfigureAwait(false);
            if (face is null)
            {
                failures.Add($"image {i + 1}: no face");
                continue;
            }

            faces++;
            var check = _options.EnrolmentQuality.Check(face.Quality);
            if (!check.Passed)
            {
                failures.Add($"image {i + 1}: {check.Reason} ({check.Text})");
                continue;
            }

            if (best is null || Rank(face) > Rank(best)) best = face;
        }

        if (best is not null) return (best, null);
        return faces == 0
            ? (null, new EnrolOutcome(c.RequestId, EnrolStatus.NoFace, "", 0, "", null, "no face was found in any image"))
            : (null, new EnrolOutcome(c.RequestId, EnrolStatus.RejectedQuality, "", 0, "", null, failures.Count == 0 ? "quality" : string.Join("; ", failures)));
    }

    /// <summary>A request id scoped to its desk (the token subject in <see cref="EnrolCommand.Actor"/>), the subject it names
    /// and this attempt's random id.</summary>
    private readonly record struct RequestClaim(string Key, SubjectKey Subject, string Attempt);

    private RequestClaim NewClaim(EnrolCommand c) =>
        new(c.Actor + "\n" + c.RequestId, _store.GetSubjectKey(c.SubjectId), Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(12)));

    /// <summary>Cancels the work of an attempt after <see cref="MatchingOptions.EnrolmentLeaseMs"/>, its reservation's lease.</summary>
    private CancellationTokenSource Lease(CancellationToken cancellationToken)
    {
        var lease = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        lease.CancelAfter(_options.EnrolmentLeaseMs);
        return lease;
    }

    /// <summary>
    /// Reserves the request id for this attempt (null), or answers from what the store holds: the stored result as
    /// replayed, a refusal when it named another subject or its subject was erased. While another attempt with the same
    /// id holds it (a desk retrying while its first try is in the image pipeline, or a matcher that crashed during its
    /// attempt) it waits for that attempt's answer up to <see cref="s_inProgressWait"/>, then answers ABORTED
    /// <c>enrolment_in_progress</c> so the desk can retry later, instead of waiting silently until its own deadline. Once
    /// that attempt's lease has passed (by the store's clock), the store hands the reservation to this attempt at once.
    /// </summary>
    private async Task<EnrolOutcome?> ClaimAsync(EnrolCommand c, RequestClaim claim, CancellationToken cancellationToken)
    {
        var lease = TimeSpan.FromMilliseconds(_options.EnrolmentLeaseMs);
        var started = _time.GetTimestamp();
        for (var wait = 5; ; wait = Math.Min(wait * 2, 100))
        {
            var record = await StoreCallAsync(() => _store.ReserveRequestAsync(claim.Key, claim.Subject, claim.Attempt, lease, cancellationToken)).ConfigureAwait(false);
            switch (record.State)
            {
                case RequestState.Reserved or RequestState.TakenOver:
                    return null;
                case RequestState.Erased:
                    throw new MatcherException(MatcherErrorKind.FailedPrecondition, "request_erased",
                        "The subject this request_id enrolled has since been erased; send a new request_id to enrol again.");
                case var _ when record.Subject != claim.Subject:
                    throw ReusedRequest();
                case RequestState.Completed:
                    var earlier = JsonSerializer.Deserialize<EnrolOutcome>(record.Result, s_json) ?? throw new InvalidDataException("A stored enrolment result is empty.");
                    return earlier with { RequestId = c.RequestId, Replayed = true };
            }

            if (_time.GetElapsedTime(started) >= s_inProgressWait) throw InProgress(record.LeaseLeft);
            await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
        }
    }

    private static MatcherException InProgress(TimeSpan? leaseLeft) => new(MatcherErrorKind.Aborted, "enrolment_in_progress",
        "Another attempt with this request_id is still working on it" + (leaseLeft is { } left
            ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $" (its lease ends within {Math.Ceiling(left.TotalSeconds):F0} s)")
            : "") + "; retry later with the same request_id.");

    /// <summary>This attempt's reservation is no longer its own when it completes: its lease passed and a retry took the request
    /// over (or the subject was erased meanwhile). The request's answer is that of the retry: the desk gets it by resending.</summary>
    private static MatcherException Superseded() => new(MatcherErrorKind.Aborted, "enrolment_in_progress",
        "This attempt outlasted its lease and another attempt took the request over; retry later with the same request_id for its answer.");

    private async Task<EnrolOutcome?> ClaimOrRefuseAsync(EnrolCommand c, RequestClaim claim, CancellationToken cancellationToken)
    {
        try
        {
            return await ClaimAsync(c, claim, cancellationToken).ConfigureAwait(false);
        }
        catch (MatcherException ex) when (ex.Kind is MatcherErrorKind.InvalidArgument or MatcherErrorKind.FailedPrecondition)
        {
            return Refused(c, ex);
        }
    }

    private static MatcherException ReusedRequest() =>
        MatcherException.Invalid("request_id_reused", "This desk already used this request_id for another subject; send a new request_id.");

    private static EnrolOutcome Refused(EnrolCommand c, MatcherException ex) => new(c.RequestId, EnrolStatus.Invalid, "", 0, "", null, ex.Message);

    /// <summary>The result as kept in the store: without the request id, which Redis never holds in clear.</summary>
    private static byte[] Serialize(EnrolOutcome outcome) => JsonSerializer.SerializeToUtf8Bytes(outcome with { RequestId = "" }, s_json);

    /// <summary>
    /// Drops this attempt's reservation unless the store answered with another attempt's record. A claim that failed may
    /// still have reserved: its <c>SET NX</c> was sent, and ran, but the answer was lost (the store's deadline passed while
    /// the command waited behind a replica <c>WAIT</c> on the write connection, the call was cancelled, the primary died
    /// after replicating it). Such a reservation, kept, made every retry of the request wait silently until it lapsed
    /// (2 x <see cref="MatchingOptions.EnrolmentLeaseMs"/>): the enrolment stall after a Redis failover (docs/SCALING.md,
    /// "Proofs"). The release only deletes a reservation holding this attempt's id, so it is harmless when none was made.
    /// </summary>
    private async Task ReleaseIfReservedAsync(Task<EnrolOutcome?> claimed, RequestClaim claim)
    {
        try
        {
            if (await claimed.ConfigureAwait(false) is not null) return;
        }
        catch (Exception)
        {
            // Unknown whether the reservation was made: release it as if it had been.
        }

        await ReleaseAsync(claim).ConfigureAwait(false);
    }

    /// <summary>
    /// Drops a failed attempt's reservation so a retry need not wait for it to lapse. An attempt usually fails because the
    /// store is down, and then so does this release: it is tried again in the background until the store answers or the
    /// reservation's lease has passed (<see cref="MatchingOptions.EnrolmentLeaseMs"/>; a retry then takes it over). Without that, a desk or a
    /// bulk stream retrying the same request ids after a Redis failover waited, silently, the two minutes of the
    /// reservation (docs/SCALING.md, "Proofs").
    /// </summary>
    private async Task ReleaseAsync(RequestClaim claim)
    {
        if (!await TryReleaseAsync(claim).ConfigureAwait(false)) _ = ReleaseLaterAsync(claim);
    }

    private async Task<bool> ReleasedAsync(RequestClaim claim)
    {
        await ReleaseAsync(claim).ConfigureAwait(false);
        return true;
    }

    private async Task<bool> TryReleaseAsync(RequestClaim claim)
    {
        try
        {
            await _store.ReleaseRequestAsync(claim.Key, claim.Subject, claim.Attempt, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(2)).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (ex is TimeoutException || _store.Failed(ex, CancellationToken.None))
        {
            return false;
        }
    }

    private async Task ReleaseLaterAsync(RequestClaim claim)
    {
        var lapsed = _time.GetUtcNow() + TimeSpan.FromMilliseconds(_options.EnrolmentLeaseMs);
        for (var wait = 250; _time.GetUtcNow() < lapsed; wait = Math.Min(wait * 2, 2000))
        {
            await Task.Delay(wait).ConfigureAwait(false);
            if (await TryReleaseAsync(claim).ConfigureAwait(false)) return;
        }
    }

    // Best face: detector confidence first, then sharpness and size as tie-breakers.
    private static double Rank(FaceVector f) => f.DetectionScore * 1000 + Math.Min(f.Quality.Sharpness, 500) + Math.Min(f.Quality.InterEyePx, 200);

    private TemplateRecord ToRecord(string subjectId, FaceVector face, IReadOnlyList<string> galleries) =>
        new(subjectId, face.Vector, face.ModelId, Math.Clamp(face.DetectionScore, 0f, 1f), _time.GetUtcNow(), galleries);

    private async Task<T> StoreCallAsync<T>(Func<Task<T>> call)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is TemplateStoreDurabilityException || _store.Failed(ex, CancellationToken.None))
        {
            throw MatcherException.Unavailable("The template store is unavailable; nothing was acknowledged. Retry later.", ex);
        }
    }
}
