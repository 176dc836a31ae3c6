using Biometrics.Matcher.Policy;

namespace Biometrics.Matcher.Services;

/// <summary>Domain settings of the matcher services (bound from the <c>Matcher:Matching</c> configuration section).</summary>
public sealed class MatchingOptions
{
    /// <summary>Embedding length every probe and template must have.</summary>
    public int Dimension { get; set; } = 512;

    /// <summary>Gallery screened on every Verify and gate probe (empty: no screening).</summary>
    public string WatchlistGallery { get; set; } = "watchlist";

    /// <summary>At most this many watchlist hits are reported per probe.</summary>
    public int MaxWatchlistHits { get; set; } = 5;

    /// <summary>Gallery used when an enrolment names none.</summary>
    public string DefaultGallery { get; set; } = "residents";

    /// <summary>Deadline applied to a Verify that arrives without one, milliseconds.</summary>
    public int DefaultVerifyDeadlineMs { get; set; } = 2000;

    /// <summary>Time kept back from a call's deadline to write the answer, milliseconds.</summary>
    public int DeadlineReserveMs { get; set; } = 5;

    /// <summary>Gate session budget when the lane sends 0, milliseconds.</summary>
    public int DefaultSessionBudgetMs { get; set; } = 2000;

    /// <summary>Largest encoded image accepted, bytes (larger: RESOURCE_EXHAUSTED).</summary>
    public int MaxImageBytes { get; set; } = 8 * 1024 * 1024;

    /// <summary>Largest number of images in one enrolment request.</summary>
    public int MaxEnrolImages { get; set; } = 10;

    /// <summary>Enrolment requests collected into one pipelined store batch by EnrolStream.</summary>
    public int EnrolStreamBatchSize { get; set; } = 1024;

    /// <summary>
    /// Longest an enrolment attempt may work on its request id, milliseconds, and the lease of its reservation in the
    /// store: until it passes (by the store's clock) a retry with the same id is answered ABORTED
    /// <c>enrolment_in_progress</c>; after it, a retry takes the request over (the attempt has stopped by then).
    /// </summary>
    public int EnrolmentLeaseMs { get; set; } = 60_000;

    /// <summary>Quality limits for probes (gate captures).</summary>
    public QualityLimits ProbeQuality { get; set; } = new();

    /// <summary>Quality limits for enrolment captures (liveness is not required: enrolment desks are supervised).</summary>
    public QualityLimits EnrolmentQuality { get; set; } = new() { MinLiveness = 0f };

    /// <summary>Gate session fusion rules.</summary>
    public SessionFusionOptions Session { get; set; } = new();

    /// <summary>Time-to-live of a used QR nonce; must exceed the longest QR token lifetime.</summary>
    public TimeSpan NonceTtl { get; set; } = TimeSpan.FromHours(25);

    /// <summary>Problems with these settings (empty when valid).</summary>
    public List<string> Check()
    {
        var errors = new List<string>();
        if (Dimension is < 1 or > 4096) errors.Add("Matching:Dimension must be 1..4096.");
        if (MaxWatchlistHits is < 1 or > 100) errors.Add("Matching:MaxWatchlistHits must be 1..100.");
        if (!GalleryNames.IsValid(DefaultGallery)) errors.Add($"Matching:DefaultGallery '{DefaultGallery}' is not a valid gallery name ([a-z0-9_-]{{1,32}}).");
        if (WatchlistGallery.Length > 0 && !GalleryNames.IsValid(WatchlistGallery)) errors.Add($"Matching:WatchlistGallery '{WatchlistGallery}' is not a valid gallery name.");
        if (DefaultVerifyDeadlineMs is < 10 or > 60_000) errors.Add("Matching:DefaultVerifyDeadlineMs must be 10..60000.");
        if (DeadlineReserveMs is < 0 or > 1000) errors.Add("Matching:DeadlineReserveMs must be 0..1000.");
        if (DefaultSessionBudgetMs is < 100 or > 60_000) errors.Add("Matching:DefaultSessionBudgetMs must be 100..60000.");
        if (MaxImageBytes is < 1024 or > 64 * 1024 * 1024) errors.Add("Matching:MaxImageBytes must be 1 KiB..64 MiB.");
        if (MaxEnrolImages is < 1 or > 10) errors.Add("Matching:MaxEnrolImages must be 1..10.");
        if (EnrolStreamBatchSize is < 1 or > 100_000) errors.Add("Matching:EnrolStreamBatchSize must be 1..100000.");
        if (EnrolmentLeaseMs is < 1000 or > 3_600_000) errors.Add("Matching:EnrolmentLeaseMs must be 1000..3600000.");
        if (NonceTtl <= TimeSpan.Zero) errors.Add("Matching:NonceTtl must be positive.");
        Try(errors, "Matching:ProbeQuality", () => ProbeQuality.Validate());
        Try(errors, "Matching:EnrolmentQuality", () => EnrolmentQuality.Validate());
        Try(errors, "Matching:Session", () => Session.Validate());
        return errors;
    }

    private static void Try(List<string> errors, string name, Action check)
    {
        try
        {
            check();
        }
        catch (ArgumentException ex)
        {
            errors.Add($"{name}: {ex.Message}");
        }
    }
}
