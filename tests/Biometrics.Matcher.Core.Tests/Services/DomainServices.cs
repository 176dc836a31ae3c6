using System.Security.Cryptography;
using Biometrics.Matcher.Core.Tests.Policy;
using Biometrics.Matcher.Policy;
using Biometrics.Matcher.Security;
using Biometrics.Matcher.Services;
using Biometrics.Matcher.Store;
using Microsoft.Extensions.Logging.Abstractions;

namespace Biometrics.Matcher.Core.Tests.Services;

/// <summary>
/// The matcher's services as the host composes them, over an <see cref="InMemoryTemplateStore"/>, the real
/// <see cref="DecisionPolicy"/> and <see cref="FaceComparer"/>: models <c>m</c> and <c>m2</c> (verify threshold 0.5,
/// watchlist 0.9), 8-dimensional embeddings, a QR issuer the claim resolver trusts, and a face pipeline when one is
/// given (its model uncalibrated).
/// </summary>
public sealed class DomainServices : IAsyncDisposable
{
    public const int Dim = 8;
    public const string Model = "m";
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);
    public static readonly ProbeQuality Good = QualityLimitsTests.Good;

    private static readonly Thresholds Calibrated = Thresholds.Parse("""
        {"version":1,"models":[
          {"model_id":"m","verify":{"target_fmr":0.0001,"threshold":0.5,"achieved_fmr":0,"fnmr":0,"resolved":true,"note":null},
           "watchlist":{"target_fmr":0.001,"threshold":0.9,"achieved_fmr":0,"fnmr":0,"resolved":true,"note":null},
           "genuine_pairs":1,"impostor_pairs":1,"date":"2026-12-01"},
          {"model_id":"m2","verify":{"target_fmr":0.0001,"threshold":0.5,"achieved_fmr":0,"fnmr":0,"resolved":true,"note":null},
           "watchlist":{"target_fmr":0.001,"threshold":0.9,"achieved_fmr":0,"fnmr":0,"resolved":true,"note":null},
           "genuine_pairs":1,"impostor_pairs":1,"date":"2026-12-01"}]}
        """);

    private readonly ECDsa _qrKey = DevKeys.CreateQrIssuerKey();

    public DomainServices(SessionFusionOptions? session = null, IFaceEmbedder? pipeline = null)
    {
        // The default budgets are long here: a case about a decision must not turn into budget_exhausted when a busy
        // 2-core CI machine stalls the test for two seconds (it did, at 3 s). A case about the budget passes its own.
        Options = new MatchingOptions
        {
            Dimension = Dim, Session = session ?? new SessionFusionOptions(), DefaultVerifyDeadlineMs = 60_000, DefaultSessionBudgetMs = 60_000,
        };
        var models = Models = new ModelCatalog(Calibrated, pipeline?.ModelId);
        var faces = Faces = new FaceResolver(models, Options, pipeline);
        var pub = ECDsa.Create();
        pub.ImportSubjectPublicKeyInfo(_qrKey.ExportSubjectPublicKeyInfo(), out _);
        Qr = new QrTokenIssuer("border-authority", _qrKey);
        Claims = new ClaimResolver(Store, new QrTokenValidator(new Dictionary<string, ECDsa> { ["border-authority"] = pub }), faces, Options);
        var watchlist = new WatchlistScreener(Galleries, models, Options);
        var audit = Audit = new AuditTrail(Store, NullLogger<AuditTrail>.Instance);
        Verification = new VerificationService(faces, Claims, watchlist, models, new DecisionPolicy(Options.ProbeQuality), audit, Options,
            NullLogger<VerificationService>.Instance);
        Sessions = new GateSessionService(faces, Claims, watchlist, models, audit, Options);
    }

    public InMemoryTemplateStore Store { get; } = new();

    public GalleryRegistry Galleries { get; } = new(Dim);

    public MatchingOptions Options { get; }

    public ModelCatalog Models { get; }

    public FaceResolver Faces { get; }

    public AuditTrail Audit { get; }

    public QrTokenIssuer Qr { get; }

    public ClaimResolver Claims { get; }

    public VerificationService Verification { get; }

    public GateSessionService Sessions { get; }

    /// <summary>The unit vector along axis <paramref name="i"/> (axes are orthogonal: score 0 between two of them).</summary>
    public static float[] Axis(int i)
    {
        var v = new float[Dim];
        v[i] = 1;
        return v;
    }

    public static FaceInput Probe(int axis, ProbeQuality? quality = null) => FaceInput.FromEmbedding(Axis(axis), Model, quality ?? Good);

    public static ClaimInput Subject(string id) => new(ClaimKind.SubjectId, id);

    /// <summary>Enrols <paramref name="subjectId"/> with the face along <paramref name="axis"/>.</summary>
    public Task<TemplateUpsertResult> EnrolAsync(string subjectId, int axis, params string[] galleries) =>
        Store.UpsertAsync(new TemplateRecord(subjectId, Axis(axis), Model, 0.9f, DateTimeOffset.UtcNow, galleries));

    /// <summary>The newest audit record (the trail appends without waiting, the in-memory store at once).</summary>
    public async Task<AuditRecord> LastAuditAsync() => (await Store.ReadAuditAsync(1)).Single();

    public async ValueTask DisposeAsync()
    {
        Qr.Dispose();
        await Galleries.DisposeAsync();
    }
}
