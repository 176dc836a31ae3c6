using System.Globalization;

namespace Biometrics.LoadTest.Data;

/// <summary>
/// The peak-hour traffic mix of the <c>mixed</c> scenario, derived from the service's design figures
/// (about 300 million crossings a year) and stated assumptions (docs/LOADTEST.md, "The mixed peak-hour profile", explains each). Immutable.
/// </summary>
public sealed record TrafficProfile
{
    /// <summary>Crossings a year through the territory's control points.</summary>
    public double CrossingsPerYear { get; init; } = 300e6;

    /// <summary>Share of a day's crossings that fall in its busiest hour (assumption: 10 %).</summary>
    public double BusiestHourShare { get; init; } = 0.10;

    /// <summary>How much busier the design peak is than an average day's busiest hour (assumption: 2x, holiday peaks).</summary>
    public double PeakDayFactor { get; init; } = 2.0;

    /// <summary>Probes matched per crossing (assumption: 1.2, one in five travellers needs a second probe).</summary>
    public double ProbesPerCrossing { get; init; } = 1.2;

    /// <summary>Enrolments a year (assumption: 1 million; millions of residents renewing every few years plus new ones).</summary>
    public double EnrolmentsPerYear { get; init; } = 1e6;

    /// <summary>Hours a day the enrolment desks are open (assumption: 10, enrolments spread evenly over them).</summary>
    public double EnrolmentHoursPerDay { get; init; } = 10;

    /// <summary>Crossings per second at the design peak.</summary>
    public double PeakCrossingsPerSecond => CrossingsPerYear / 365 * BusiestHourShare * PeakDayFactor / 3600;

    /// <summary>Verify calls per second at the peak (one per probe).</summary>
    public double VerifyPerSecond => PeakCrossingsPerSecond * ProbesPerCrossing;

    /// <summary>Watchlist searches per second at the peak (every probe is screened, docs/LOADTEST.md).</summary>
    public double WatchlistPerSecond => PeakCrossingsPerSecond * ProbesPerCrossing;

    /// <summary>Enrolments per second while the desks are open.</summary>
    public double EnrolPerSecond => EnrolmentsPerYear / 365 / (EnrolmentHoursPerDay * 3600);

    /// <summary>All matcher calls per second at the peak.</summary>
    public double TotalPerSecond => VerifyPerSecond + WatchlistPerSecond + EnrolPerSecond;

    /// <summary>Shares of verify, watchlist and enrolment in the total (sum 1).</summary>
    public (double Verify, double Watchlist, double Enrol) Shares => (VerifyPerSecond / TotalPerSecond, WatchlistPerSecond / TotalPerSecond, EnrolPerSecond / TotalPerSecond);

    /// <summary>One line that shows the derivation, for reports.</summary>
    public override string ToString()
    {
        var (v, w, e) = Shares;
        return string.Create(CultureInfo.InvariantCulture,
            $"peak {PeakCrossingsPerSecond:0.#} crossings/s x {ProbesPerCrossing} probes: verify {VerifyPerSecond:0.#}/s ({v:P2}), watchlist {WatchlistPerSecond:0.#}/s ({w:P2}), enrol {EnrolPerSecond:0.###}/s ({e:P2})");
    }
}
