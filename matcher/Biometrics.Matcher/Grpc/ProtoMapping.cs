using System.Buffers;
using System.Numerics;
using Biometrics.Matcher.Services;
using Biometrics.Protos.V1;
using PolicyDecision = Biometrics.Contract.Decision;
using PolicyQuality = Biometrics.Contract.ProbeQuality;
using WireQuality = Biometrics.Protos.V1.ProbeQuality;

namespace Biometrics.Matcher.Grpc;

/// <summary>Converts between wire messages and domain types (no logic beyond shape). Thread-safe.</summary>
public static class ProtoMapping
{
    /// <summary>A wire probe as a domain face input.</summary>
    public static FaceInput ToFace(Probe? probe)
    {
        if (probe is null) return FaceInput.FromImage(ReadOnlyMemory<byte>.Empty);
        return probe.FaceCase switch
        {
            Probe.FaceOneofCase.Embedding => FaceInput.FromOwnedEmbedding(Values(probe.Embedding), probe.Embedding.ModelId, ToQuality(probe.Quality)),
            Probe.FaceOneofCase.Image => FaceInput.FromImage(probe.Image.Data.Memory),
            _ => FaceInput.FromImage(ReadOnlyMemory<byte>.Empty),
        };
    }

    /// <summary>
    /// A unary Verify's probe: as <see cref="ToFace(Probe?)"/>, but an embedding's values go into an array rented from
    /// <c>ArrayPool&lt;float&gt;.Shared</c> when the pool has one of exactly their length (FaceInput.Pooled).
    /// </summary>
    public static FaceInput ToPooledFace(Probe? probe)
    {
        if (probe?.FaceCase != Probe.FaceOneofCase.Embedding) return ToFace(probe);
        var list = probe.Embedding.Values;
        if (list.Count < 16 || !BitOperations.IsPow2(list.Count)) return ToFace(probe); // the pool's arrays are 16 << n long
        var array = ArrayPool<float>.Shared.Rent(list.Count);
        list.CopyTo(array, 0);
        return FaceInput.FromPooledEmbedding(array, probe.Embedding.ModelId, ToQuality(probe.Quality));
    }

    /// <summary>A wire embedding as a domain face input.</summary>
    public static FaceInput ToFace(Embedding embedding) => FaceInput.FromEmbedding(Values(embedding), embedding.ModelId);

    /// <summary>A wire claim as a domain claim.</summary>
    public static ClaimInput ToClaim(Claim? claim) => claim?.KindCase switch
    {
        Claim.KindOneofCase.SubjectId => new ClaimInput(ClaimKind.SubjectId, claim.SubjectId),
        Claim.KindOneofCase.QrToken => new ClaimInput(ClaimKind.QrToken, claim.QrToken),
        Claim.KindOneofCase.ReferenceTemplate => new ClaimInput(ClaimKind.ReferenceTemplate, null, ToFace(claim.ReferenceTemplate)),
        Claim.KindOneofCase.ReferenceImage => new ClaimInput(ClaimKind.ReferenceImage, null, FaceInput.FromImage(claim.ReferenceImage.Data.Memory)),
        _ => ClaimInput.None,
    };

    /// <summary>Edge-measured quality (unmeasured when absent or not flagged measured; liveness is kept when sent).</summary>
    public static PolicyQuality ToQuality(WireQuality? q)
    {
        if (q is null) return PolicyQuality.Unmeasured;
        if (!q.Measured) return PolicyQuality.Unmeasured with { Liveness = q.Liveness > 0 ? q.Liveness : -1f };
        return new PolicyQuality(q.InterEyePx, q.Sharpness, q.Brightness, q.YawDeg, q.PitchDeg, q.Liveness, Measured: true);
    }

    /// <summary>Domain quality on the wire.</summary>
    public static WireQuality ToWire(PolicyQuality q) => new()
    {
        InterEyePx = q.InterEyePx,
        Sharpness = q.Sharpness,
        Brightness = q.Brightness,
        YawDeg = q.YawDeg,
        PitchDeg = q.PitchDeg,
        Liveness = q.Liveness,
        Measured = q.Measured,
    };

    /// <summary>A verification result on the wire.</summary>
    public static Verdict ToWire(VerificationResult r)
    {
        var v = r.Verdict;
        var verdict = new Verdict
        {
            Decision = v.Decision switch
            {
                PolicyDecision.Accept => Decision.Accept,
                PolicyDecision.Reject => Decision.Reject,
                PolicyDecision.Retry => Decision.Retry,
                PolicyDecision.Refer => Decision.Refer,
                _ => Decision.Unspecified,
            },
            Score = v.Score ?? 0f,
            Threshold = float.IsFinite(v.Threshold) ? v.Threshold : 0f,
            Reason = v.Reason,
            ReasonText = v.ReasonText,
            ModelId = r.ModelId,
            TransactionId = r.TransactionId,
            ProbesUsed = v.ProbesUsed,
            Timings = new StageTimings
            {
                ClaimMs = (float)r.Timings.ClaimMs,
                PipelineMs = (float)r.Timings.PipelineMs,
                CompareMs = (float)r.Timings.CompareMs,
                WatchlistMs = (float)r.Timings.WatchlistMs,
                PolicyMs = (float)r.Timings.PolicyMs,
                TotalMs = (float)r.Timings.TotalMs,
            },
        };
        foreach (var h in v.WatchlistHits)
        {
            verdict.WatchlistHits.Add(new Biometrics.Protos.V1.WatchlistHit { SubjectKey = h.SubjectKey, Score = h.Score, Threshold = h.Threshold, Gallery = h.Gallery });
        }

        return verdict;
    }

    /// <summary>An enrolment request as a domain command.</summary>
    public static EnrolCommand ToCommand(EnrolRequest r, string actor)
    {
        var images = new ReadOnlyMemory<byte>[r.Images.Count];
        for (var i = 0; i < images.Length; i++) images[i] = r.Images[i].Data.Memory;
        return new EnrolCommand(r.RequestId, r.SubjectId, images, r.Template is { } t ? ToFace(t) : null, [.. r.Galleries], actor);
    }

    /// <summary>An enrolment outcome on the wire.</summary>
    public static EnrolResponse ToWire(EnrolOutcome o)
    {
        var response = new EnrolResponse
        {
            RequestId = o.RequestId,
            Status = o.Status switch
            {
                Services.EnrolStatus.Enrolled => Protos.V1.EnrolStatus.Enrolled,
                Services.EnrolStatus.RejectedQuality => Protos.V1.EnrolStatus.RejectedQuality,
                Services.EnrolStatus.NoFace => Protos.V1.EnrolStatus.NoFace,
                Services.EnrolStatus.Invalid => Protos.V1.EnrolStatus.Invalid,
                _ => Protos.V1.EnrolStatus.Unspecified,
            },
            SubjectKey = o.SubjectKey,
            Version = o.Version,
            ModelId = o.ModelId,
            Reason = o.Reason,
            Replayed = o.Replayed,
        };
        if (o.Quality is { } q) response.Quality = ToWire(q);
        return response;
    }

    private static float[] Values(Embedding e)
    {
        var list = e.Values;
        if (list.Count == 0) return [];
        var array = new float[list.Count];
        list.CopyTo(array, 0);
        return array;
    }
}
