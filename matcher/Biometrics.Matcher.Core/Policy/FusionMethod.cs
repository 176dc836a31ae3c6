namespace Biometrics.Matcher.Policy;

/// <summary>How a gate session combines the scores of its good-quality probes into one score.</summary>
public enum FusionMethod
{
    /// <summary>The highest score.</summary>
    Max = 0,

    /// <summary>The mean of the two highest scores (the single score while there is only one).</summary>
    MeanTop2 = 1,
}
