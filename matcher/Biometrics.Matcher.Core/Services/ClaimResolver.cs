using System.Diagnostics;
using Biometrics.Matcher.Store;
using Biometrics.Matcher.Security;

namespace Biometrics.Matcher.Services;

/// <summary>
/// Validates a claim and produces the reference vector: a subject id or a QR token (format, issuer, signature and validity
/// period by <see cref="QrTokenValidator"/>, then the nonce is
/// consumed in the store) leads to the enrolled template, fetched and decrypted from the store of record on every call
/// (no cache, so an erasure takes effect at once); reference templates and images are used as sent. Thread-safe.
/// </summary>
public sealed class ClaimResolver
{
    private readonly ITemplateStore _store;
    private readonly QrTokenValidator _qr;
    private readonly FaceResolver _faces;
    private readonly MatchingOptions _options;

    /// <summary>Creates the resolver.</summary>
    public ClaimResolver(ITemplateStore store, QrTokenValidator qr, FaceResolver faces, MatchingOptions options)
    {
        _store = store;
        _qr = qr;
        _faces = faces;
        _options = options;
    }

    /// <summary>Resolves <paramref name="claim"/> within <paramref name="timeout"/>.</summary>
    /// <exception cref="MatcherException">INVALID_ARGUMENT (empty or malformed claim), NOT_FOUND (unknown subject),
    /// PERMISSION_DENIED (QR token refused, reason from <see cref="QrRefusalReason"/>, or replayed: <c>qr_replayed</c>).</exception>
    /// <exception cref="StoreUnavailableException">The store did not answer within <paramref name="timeout"/>.</exception>
    public async Task<ResolvedClaim> ResolveAsync(ClaimInput claim, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var start = Stopwatch.GetTimestamp();
        switch (claim.Kind)
        {
            case ClaimKind.SubjectId:
            {
                var id = ValidateSubjectId(claim.Text);
                var (template, key) = await FetchAsync(id, timeout, cancellationToken).ConfigureAwait(false);
                return new ResolvedClaim(template, key, Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            }

            case ClaimKind.QrToken:
            {
                var subjectId = await ConsumeQrAsync(claim, timeout, cancellationToken).ConfigureAwait(false);
                var (template, key) = await FetchAsync(subjectId, timeout - Stopwatch.GetElapsedTime(start), cancellationToken).ConfigureAwait(false);
                return new ResolvedClaim(template, key, Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            }

            case ClaimKind.ReferenceTemplate:
            {
                var r = claim.Reference ?? throw MatcherException.Invalid("claim_empty", "The reference template claim is empty.");
                if (r.Values.IsEmpty) throw MatcherException.Invalid("claim_empty", "The reference template has no values.");
                var v = new FaceVector(_faces.Normalise(r.Values.Span, r.ModelId, "reference template"), r.ModelId, r.Quality);
                return new ResolvedClaim(v, null, Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            }

            case ClaimKind.ReferenceImage:
            {
                var r = claim.Reference ?? throw MatcherException.Invalid("claim_empty", "The reference image claim is empty.");
                if (r.Image.IsEmpty) throw MatcherException.Invalid("claim_empty", "The reference image is empty.");
                var v = await _faces.ResolveAsync(r, "reference image", cancellationToken).ConfigureAwait(false)
                    ?? throw MatcherException.Invalid("reference_no_face", "No face was found in the reference image.");
                return new ResolvedClaim(v, null, 0);
            }

            default:
                throw MatcherException.Invalid("claim_empty", "The request carries no claim (subject_id, qr_token, reference_template or reference_image).");
        }
    }

    /// <summary>
    /// Resolves <paramref name="claim"/> as <see cref="ResolveAsync"/> does and compares <paramref name="probe"/> with it
    /// (<see cref="FaceComparer"/>). An enrolled template (subject id or QR token) is scored where the store decrypts it,
    /// so nothing of it is materialised: Verify's path when its probe is an embedding (docs/PERFORMANCE.md, "Verify at peak").
    /// </summary>
    /// <exception cref="MatcherException">As <see cref="ResolveAsync"/>.</exception>
    /// <exception cref="StoreUnavailableException">As <see cref="ResolveAsync"/>.</exception>
    public async Task<ScoredClaim> ScoreAsync(ClaimInput claim, FaceVector probe, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(probe);
        var start = Stopwatch.GetTimestamp();
        string subjectId;
        switch (claim.Kind)
        {
            case ClaimKind.SubjectId:
                subjectId = ValidateSubjectId(claim.Text);
                break;
            case ClaimKind.QrToken:
                subjectId = await ConsumeQrAsync(claim, timeout, cancellationToken).ConfigureAwait(false);
                break;
            default:
                var resolved = await ResolveAsync(claim, timeout, cancellationToken).ConfigureAwait(false);
                return new ScoredClaim(FaceComparer.Compare(probe, resolved.Reference), resolved.Reference.ModelId, resolved.SubjectKey, resolved.ClaimMs);
        }

        var left = timeout - Stopwatch.GetElapsedTime(start);
        if (left <= TimeSpan.Zero) throw new StoreUnavailableException("No time left to fetch the template.");
        TemplateScore? scored;
        try
        {
            // The store bounds the fetch by what is left (one timer per call; docs/PERFORMANCE.md, "Verify at peak").
            scored = await _store.ScoreAsync(subjectId, probe.Vector, probe.ModelId, FaceComparer.Similarity, left, cancellationToken).ConfigureAwait(false);
        }
        catch (TemplateIntegrityException ex)
        {
            throw new StoreUnavailableException("The stored template failed authentication.", ex);
        }
        catch (Exception ex) when (_store.Failed(ex, cancellationToken))
        {
            throw new StoreUnavailableException("The template store did not answer.", ex);
        }

        if (scored is null) throw MatcherException.NotFound("subject_unknown", "The claimed subject is not enrolled.");
        var comparison = scored.Score is { } score ? new Comparison(score, ModelMismatch: false) : new Comparison(null, ModelMismatch: true);
        return new ScoredClaim(comparison, scored.ModelId, scored.SubjectKey.Hex, Stopwatch.GetElapsedTime(start).TotalMilliseconds);
    }

    /// <summary>
    /// The reason code a refused QR token gets on the wire (PERMISSION_DENIED, <c>biometrics-reason</c> trailer):
    /// <c>qr_malformed</c>, <c>qr_unknown_issuer</c>, <c>qr_bad_signature</c> (forged or altered), <c>qr_expired</c> or
    /// <c>qr_not_yet_valid</c>; a used nonce is <c>qr_replayed</c> (decided here after validation, not by the validator).
    /// </summary>
    public static string QrRefusalReason(QrTokenFailure failure) => failure switch
    {
        QrTokenFailure.UnknownIssuer => "qr_unknown_issuer",
        QrTokenFailure.Forged => "qr_bad_signature",
        QrTokenFailure.Expired => "qr_expired",
        QrTokenFailure.NotYetValid => "qr_not_yet_valid",
        _ => "qr_malformed",
    };

    /// <summary>Checks a subject identifier: 1..128 characters.</summary>
    public static string ValidateSubjectId(string? id)
    {
        if (string.IsNullOrEmpty(id)) throw MatcherException.Invalid("claim_empty", "The subject_id is empty.");
        if (id.Length > 128) throw MatcherException.Invalid("subject_id_length", "The subject_id is longer than 128 characters.");
        return id;
    }

    // Validates a QR token claim and consumes its nonce in the store; returns the subject id it names.
    private async Task<string> ConsumeQrAsync(ClaimInput claim, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(claim.Text)) throw MatcherException.Invalid("claim_empty", "The QR token claim is empty.");
        var result = _qr.Validate(claim.Text);
        if (!result.IsValid)
        {
            throw new MatcherException(MatcherErrorKind.PermissionDenied, QrRefusalReason(result.Failure), "The QR token was refused: " + result.Message + ".");
        }

        var token = result.Payload!;
        bool first;
        try
        {
            first = await _store.TryConsumeNonceAsync(token.Issuer + ":" + token.Nonce, _options.NonceTtl, cancellationToken)
                .WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (_store.Failed(ex, cancellationToken))
        {
            throw new StoreUnavailableException("The template store did not answer the nonce check.", ex);
        }

        if (!first)
        {
            throw new MatcherException(MatcherErrorKind.PermissionDenied, "qr_replayed", "The QR token was already used (replay).");
        }

        return token.SubjectId;
    }

    private async Task<(FaceVector Template, string Key)> FetchAsync(string subjectId, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (timeout <= TimeSpan.Zero) throw new StoreUnavailableException("No time left to fetch the template.");
        StoredTemplate? template;
        try
        {
            template = await _store.GetAsync(subjectId, null, cancellationToken).WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TemplateIntegrityException ex)
        {
            throw new StoreUnavailableException("The stored template failed authentication.", ex);
        }
        catch (Exception ex) when (_store.Failed(ex, cancellationToken))
        {
            throw new StoreUnavailableException("The template store did not answer.", ex);
        }

        if (template is null) throw MatcherException.NotFound("subject_unknown", "The claimed subject is not enrolled.");
        return (new FaceVector(template.Vector, template.ModelId, ProbeQuality.Unmeasured), template.SubjectKey.Hex);
    }
}
