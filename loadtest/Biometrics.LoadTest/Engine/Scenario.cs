namespace Biometrics.LoadTest.Engine;

/// <summary>
/// A named load: a target, the phases of load to put on it, a warm-up and a bound on requests in flight.
/// Immutable once built; run by <see cref="LoadRunner"/>.
/// </summary>
public sealed class Scenario
{
    /// <summary>Creates a scenario; validate with <see cref="Validate"/> (the runner does).</summary>
    public Scenario(string name, ILoadTarget target, IReadOnlyList<LoadSimulation> simulations)
    {
        Name = name;
        Target = target;
        Simulations = simulations;
    }

    /// <summary>Name used in progress lines and reports.</summary>
    public string Name { get; }

    /// <summary>The target the steps call.</summary>
    public ILoadTarget Target { get; }

    /// <summary>The phases, run one after the other.</summary>
    public IReadOnlyList<LoadSimulation> Simulations { get; }

    /// <summary>Steps scheduled in the first <see cref="WarmUp"/> of the timeline run but are not measured.</summary>
    public TimeSpan WarmUp { get; init; }

    /// <summary>Open model: a step due while this many are in flight is not sent and counted as dropped.</summary>
    public int MaxInFlight { get; init; } = 10_000;

    /// <summary>Placement of arrivals within open-model phases.</summary>
    public ArrivalProcess Arrival { get; init; } = ArrivalProcess.Uniform;

    /// <summary>Seed for Poisson arrivals (and anything else random in the engine).</summary>
    public int Seed { get; init; } = 1;

    /// <summary>After the last arrival, how long to wait for steps in flight before counting them as unfinished.</summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Free-form settings shown in reports (rate, lanes, gallery size...).</summary>
    public IReadOnlyDictionary<string, string> Settings { get; init; } = new Dictionary<string, string>();

    /// <summary>True when every phase is <see cref="LoadSimulation.KeepConstant"/>.</summary>
    public bool IsClosedModel => Simulations.Count > 0 && Simulations.All(s => s is LoadSimulation.KeepConstant);

    /// <summary>Total length of the timeline (all phases, warm-up included).</summary>
    public TimeSpan TotalDuration => Simulations.Aggregate(TimeSpan.Zero, (acc, s) => acc + s.During);

    /// <summary>Throws <see cref="ArgumentException"/> when the scenario cannot run.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Name))
        {
            throw new ArgumentException("a scenario needs a name");
        }

        if (Simulations.Count == 0)
        {
            throw new ArgumentException($"scenario '{Name}' has no load simulation");
        }

        var closed = Simulations.Count(s => s is LoadSimulation.KeepConstant);
        if (closed != 0 && closed != Simulations.Count)
        {
            throw new ArgumentException($"scenario '{Name}' mixes KeepConstant (closed model) with open-model phases");
        }

        foreach (var s in Simulations)
        {
            if (s.During <= TimeSpan.Zero)
            {
                throw new ArgumentException($"scenario '{Name}': every phase needs a positive duration");
            }

            switch (s)
            {
                case LoadSimulation.Inject i when i.Rate < 0 || i.Interval <= TimeSpan.Zero:
                case LoadSimulation.RampingInject r when r.Rate < 0 || r.Interval <= TimeSpan.Zero:
                    throw new ArgumentException($"scenario '{Name}': rates must be >= 0 per a positive interval");
                case LoadSimulation.KeepConstant k when k.Copies <= 0:
                    throw new ArgumentException($"scenario '{Name}': KeepConstant needs at least one copy");
            }
        }

        if (MaxInFlight <= 0)
        {
            throw new ArgumentException($"scenario '{Name}': max in flight must be positive");
        }

        if (WarmUp < TimeSpan.Zero || WarmUp >= TotalDuration)
        {
            throw new ArgumentException($"scenario '{Name}': warm-up must be shorter than the whole timeline");
        }
    }
}
