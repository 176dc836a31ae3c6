using System.Text.Json;
using Biometrics.Matcher.Policy;
using Biometrics.Matcher.Store;

namespace Biometrics.Matcher.Services;

/// <summary>
/// Enrolment (docs/MATCHER.md): images go through the face pipeline and the enrolment quality gate and the best
/// face wins; templates are validated. Idempotent per request id (the first answer is stored and replayed). Re-enrolment
/// replaces the template (version + 1); deletion erases it from the store and, through the change stream, from every
/// replica's galleries. Acknowledged only once the store has the write. Thread-safe.
/// </summary>
public sealed class EnrolmentService
{
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

    /// <summary>Enrols one subject.</summary>
    /// <exception cref="MatcherException">INVALID_ARGUMENT (malformed request), RESOURCE_EXHAUSTED (oversize image),
    /// UNAVAILABLE (store down).</exception>
    public async Task<EnrolOutcome> EnrolAsync(EnrolCommand command, CancellationToken cancellationToken)
    {
        var galleries = Validate(command);
        var replay = await StoreCallAsync(() => _store.GetIdempotentResultAsync(command.RequestId, cancellationToken)).ConfigureAwait(false);
        if (replay is not null && JsonSerializer.Deserialize<EnrolOutcome>(replay, s_json) is { } earlier)
        {
            return earlier with { Replayed = true };
        }

        var (face, failure) = await ChooseFaceAsync(command, cancellationToken).ConfigureAwait(false);
        EnrolOutcome outcome;
        if (face is null)
        {
            outcome = failure!;
        }
        else
        {
            var record = ToRecord(command.SubjectId, face, galleries);
            var result = await StoreCallAsync(() => _store.UpsertAsync(record, cancellationToken)).ConfigureAwait(false);
            outcome = new EnrolOutcome(command.RequestId, EnrolStatus.Enrolled, result.SubjectKey.Hex, result.Version, face.ModelId,
                command.Images.Count > 0 ? face.Quality : null, "");
        }

        await StoreCallAsync(() => _store.SaveIdempotentResultAsync(command.RequestId, JsonSerializer.SerializeToUtf8Bytes(outcome, s_json), cancellationToken)).ConfigureAwait(false);
        _audit.Record(command.Actor, "Enrol", outcome.Status.ToString(), null, outcome.ModelId, command.RequestId, outcome.SubjectKey.Length > 0 ? outcome.SubjectKey : null);
        return outcome;
    }

    /// <summary>
    /// Bulk enrolment: validates every request (an invalid one gives status INVALID, the rest go on), replays earlier
    /// answers, embeds image requests, and writes templates to the store in pipelined batches. Results in input order.
    /// </summary>
    /// <exception cref="MatcherException">UNAVAILABLE when the store is down (nothing of the failed batch is acknowledged).</exception>
    public async Task<IReadOnlyList<EnrolOutcome>> EnrolManyAsync(IReadOnlyList<EnrolCommand> commands, CancellationToken cancellationToken)
    {
        var outcomes = new EnrolOutcome?[commands.Count];
        var galleries = new IReadOnlyList<string>[commands.Count];
        var lookups = new Task<byte[]?>?[commands.Count];
        for (var i = 0; i < commands.Count; i++)
        {
            try
            {
                galleries[i] = Validate(commands[i]);
                lookups[i] = _store.GetIdempotentResultAsync(commands[i].RequestId, cancellationToken);
            }
            catch (MatcherException ex)
            {
                outcomes[i] = new EnrolOutcome(commands[i].RequestId, EnrolStatus.Invalid, "", 0, "", null, ex.Message);
            }
        }

        var pending = new List<(int Index, TemplateRecord Record, FaceVector Face)>();
        for (var i = 0; i < commands.Count; i++)
        {
            if (lookups[i] is not { } lookup) continue;
            var replay = await StoreCallAsync(() => lookup).ConfigureAwait(false);
            if (replay is not null && JsonSerializer.Deserialize<EnrolOutcome>(replay, s_json) is { } earlier)
            {
                outcomes[i] = earlier with { Replayed = true };
                continue;
            }

            FaceVector? face;
            EnrolOutcome? failure;
            try
            {
                (face, failure) = await ChooseFaceAsync(commands[i], cancellationToken).ConfigureAwait(false);
            }
            catch (MatcherException ex) when (ex.Kind is MatcherErrorKind.InvalidArgument or MatcherErrorKind.ResourceExhausted)
            {
                (face, failure) = (null, new EnrolOutcome(commands[i].RequestId, EnrolStatus.Invalid, "", 0, "", null, ex.Message));
            }

            if (face is null)
            {
                outcomes[i] = failure;
                continue;
            }

            pending.Add((i, ToRecord(commands[i].SubjectId, face, galleries[i]), face));
        }

        if (pending.Count > 0)
        {
            var results = await StoreCallAsync(() => _store.UpsertManyAsync([.. pending.Select(p => p.Record)], cancellationToken)).ConfigureAwait(false);
            for (var j = 0; j < pending.Count; j++)
            {
                var (i, _, face) = pending[j];
                outcomes[i] = new EnrolOutcome(commands[i].RequestId, EnrolStatus.Enrolled, results[j].SubjectKey.Hex, results[j].Version, face.ModelId,
                    commands[i].Images.Count > 0 ? face.Quality : null, "");
            }
        }

        var saves = new List<Task>(commands.Count);
        for (var i = 0; i < commands.Count; i++)
        {
            var o = outcomes[i]!;
            if (o.Replayed || o.Status == EnrolStatus.Invalid) continue;
            saves.Add(_store.SaveIdempotentResultAsync(o.RequestId, JsonSerializer.SerializeToUtf8Bytes(o, s_json), cancellationToken));
        }

        await StoreCallAsync(async () => { await Task.WhenAll(saves).ConfigureAwait(false); return true; }).ConfigureAwait(false);
        _audit.Record(commands.Count > 0 ? commands[0].Actor : "", "EnrolBatch", "ENROLLED:" + pending.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), null, null, TransactionIds.Next(), null);
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

    /// <summary>Erases a subject (template and gallery memberships, on every replica via the change stream).</summary>
    /// <exception cref="MatcherException">NOT_FOUND when not enrolled, INVALID_ARGUMENT, UNAVAILABLE.</exception>
    public async Task<string> DeleteAsync(string subjectId, string requestId, string actor, CancellationToken cancellationToken)
    {
        ClaimResolver.ValidateSubjectId(subjectId);
        var key = _store.GetSubjectKey(subjectId).Hex;
        var deleted = await StoreCallAsync(() => _store.DeleteAsync(subjectId, cancellationToken)).ConfigureAwait(false);
        if (!deleted) throw MatcherException.NotFound("subject_unknown", "The subject is not enrolled.");
        _audit.Record(actor, "Delete", "DELETED", null, null, string.IsNullOrEmpty(requestId) ? TransactionIds.Next() : requestId, key);
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

    // Best face: detector confidence first, then sharpness and size as tie-breakers.
    private static double Rank(FaceVector f) => f.DetectionScore * 1000 + Math.Min(f.Quality.Sharpness, 500) + Math.Min(f.Quality.InterEyePx, 200);

    private TemplateRecord ToRecord(string subjectId, FaceVector face, IReadOnlyList<string> galleries) =>
        new(subjectId, face.Vector, face.ModelId, Math.Clamp(face.DetectionScore, 0f, 1f), _time.GetUtcNow(), galleries);

    private static async Task<T> StoreCallAsync<T>(Func<Task<T>> call)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is TemplateStoreDurabilityException || ClaimResolver.IsStoreFailure(ex, CancellationToken.None))
        {
            throw MatcherException.Unavailable("The template store is unavailable; nothing was acknowledged. Retry later.", ex);
        }
    }
}
