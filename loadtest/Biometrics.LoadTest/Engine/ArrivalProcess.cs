namespace Biometrics.LoadTest.Engine;

/// <summary>How arrivals are placed within an open-model phase.</summary>
public enum ArrivalProcess
{
    /// <summary>Evenly spaced at the phase's rate (deterministic).</summary>
    Uniform,

    /// <summary>A Poisson process at the phase's rate (exponential gaps, seeded).</summary>
    Poisson,
}
