namespace Biometrics.LoadTest.Engine;

/// <summary>
/// One phase of a scenario's load, shaped like NBomber's load simulations. A scenario's phases run one after
/// the other. <see cref="Inject"/>, <see cref="RampingInject"/> and <see cref="Pause"/> are open-model phases
/// (arrivals on a clock); <see cref="KeepConstant"/> is closed-model (a fixed number of callers, each waiting
/// for its previous answer) and cannot be mixed with open phases in one scenario.
/// </summary>
public abstract record LoadSimulation(TimeSpan During)
{
    /// <summary><paramref name="Rate"/> arrivals per <paramref name="Interval"/>, spread over the interval, for <paramref name="During"/>.</summary>
    public sealed record Inject(double Rate, TimeSpan Interval, TimeSpan During) : LoadSimulation(During)
    {
        /// <summary>Arrivals per second.</summary>
        public double PerSecond => Rate / Interval.TotalSeconds;
    }

    /// <summary>Arrival rate ramps linearly from the previous phase's rate (0 at the start) to <paramref name="Rate"/> per <paramref name="Interval"/>.</summary>
    public sealed record RampingInject(double Rate, TimeSpan Interval, TimeSpan During) : LoadSimulation(During)
    {
        /// <summary>Arrivals per second reached at the end of the phase.</summary>
        public double PerSecond => Rate / Interval.TotalSeconds;
    }

    /// <summary>No arrivals for <paramref name="During"/>.</summary>
    public sealed record Pause(TimeSpan During) : LoadSimulation(During);

    /// <summary>Closed model: <paramref name="Copies"/> callers loop back-to-back for <paramref name="During"/>. Hides queueing delay; use only when asked.</summary>
    public sealed record KeepConstant(int Copies, TimeSpan During) : LoadSimulation(During);
}
