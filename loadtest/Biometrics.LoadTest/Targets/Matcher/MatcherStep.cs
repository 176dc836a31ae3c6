using Biometrics.LoadTest.Engine;
using Grpc.Core;

namespace Biometrics.LoadTest.Targets.Matcher;

/// <summary>Maps the ways a matcher call can end to a <see cref="StepResult"/>.</summary>
internal static class MatcherStep
{
    public static async ValueTask<StepResult> Run(Func<ValueTask<StepResult>> call, CancellationToken cancellationToken)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (RpcException e)
        {
            return StepResult.Fail(MatcherClient.StatusOf(e));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return StepResult.Fail("CANCELLED");
        }
        catch (HttpRequestException)
        {
            return StepResult.Fail("UNAVAILABLE");
        }
    }

    /// <summary>A server-reported duration in milliseconds as nanoseconds (0 when absent or not positive).</summary>
    public static long Nanoseconds(float? milliseconds) => milliseconds is > 0 and var ms ? Math.Max(1, (long)(ms * 1e6)) : 0;

    /// <summary>A number in [0, 1) that is a pure function of <paramref name="sequence"/> and <paramref name="salt"/>.</summary>
    public static double Uniform(long sequence, ulong salt)
    {
        var g = Data.SplitMix64.For(salt, 77, (ulong)sequence);
        return (g.Next() >> 11) * (1.0 / (1UL << 53));
    }
}
