namespace Biometrics.LoadTest.Engine;

/// <summary>
/// Computes the due time of every arrival of an open-model timeline, lazily and in order. A phase with rates
/// r0 -&gt; r1 over D seconds expects N(t) = r0 t + (r1 - r0) t^2 / (2 D) arrivals by time t; the k-th arrival
/// is placed where N(t) reaches a running target that grows by exactly 1 (uniform) or by an Exp(1) draw
/// (Poisson) per arrival. The fraction left at the end of a phase carries into the next, so no arrivals are
/// lost or invented at phase boundaries. Not thread-safe: one scheduler thread owns it.
/// </summary>
public sealed class ArrivalSchedule
{
    private readonly Phase[] _phases;
    private readonly ArrivalProcess _process;
    private readonly Random _random;
    private int _phase;
    private double _need;
    private long _next = -1;

    /// <summary>Builds the schedule of <paramref name="simulations"/> (open-model phases only).</summary>
    public ArrivalSchedule(IReadOnlyList<LoadSimulation> simulations, ArrivalProcess process, int seed)
    {
        _process = process;
        _random = new Random(seed);
        var phases = new List<Phase>();
        double start = 0, previousRate = 0;
        foreach (var s in simulations)
        {
            var d = s.During.TotalSeconds;
            var (r0, r1) = s switch
            {
                LoadSimulation.Inject i => (i.PerSecond, i.PerSecond),
                LoadSimulation.RampingInject r => (previousRate, r.PerSecond),
                LoadSimulation.Pause => (0d, 0d),
                _ => throw new ArgumentException("closed-model phases have no arrival schedule"),
            };
            phases.Add(new Phase(start, d, r0, r1));
            start += d;
            previousRate = r1;
        }

        _phases = [.. phases];
        _need = process == ArrivalProcess.Poisson ? Exponential() : 0;
    }

    /// <summary>The due time of the next arrival in nanoseconds from the start, or false when the timeline has ended.</summary>
    public bool TryPeek(out long offsetNanoseconds)
    {
        if (_next < 0)
        {
            _next = Compute();
        }

        offsetNanoseconds = _next;
        return _next != long.MaxValue;
    }

    /// <summary>Consumes the arrival returned by <see cref="TryPeek"/>.</summary>
    public void Advance()
    {
        _need += _process == ArrivalProcess.Poisson ? Exponential() : 1.0;
        _next = -1;
    }

    private long Compute()
    {
        while (_phase < _phases.Length)
        {
            var p = _phases[_phase];
            var total = (p.R0 + p.R1) * p.Duration / 2;
            if (_need < total)
            {
                var t = p.TimeOf(_need);
                if (t < p.Duration)
                {
                    return (long)((p.Start + t) * 1e9);
                }
            }

            _need = Math.Max(0, _need - total);
            _phase++;
        }

        return long.MaxValue;
    }

    private double Exponential() => -Math.Log(1.0 - _random.NextDouble());

    private readonly record struct Phase(double Start, double Duration, double R0, double R1)
    {
        // Solves r0 t + a t^2 = need with a = (r1 - r0) / (2 D), in the cancellation-free form.
        public double TimeOf(double need)
        {
            if (need <= 0)
            {
                return 0;
            }

            var a = (R1 - R0) / (2 * Duration);
            var disc = (R0 * R0) + (4 * a * need);
            var denominator = R0 + Math.Sqrt(Math.Max(0, disc));
            return denominator <= 0 ? double.PositiveInfinity : 2 * need / denominator;
        }
    }
}
