using System.Runtime.InteropServices;

namespace Biometrics.LoadTest.Engine;

/// <summary>
/// Sleeps with sub-millisecond resolution: <c>nanosleep(2)</c> on Linux (the kernel's timer slack, about
/// 50 microseconds, bounds the overshoot), <see cref="Thread.Sleep(int)"/> elsewhere. Never spins.
/// </summary>
internal static partial class PreciseSleep
{
    private static readonly bool s_linux = OperatingSystem.IsLinux();

    /// <summary>Blocks the calling thread for about <paramref name="nanoseconds"/>.</summary>
    public static void For(long nanoseconds)
    {
        if (nanoseconds <= 0)
        {
            return;
        }

        if (s_linux)
        {
            var ts = new TimeSpec { Seconds = nanoseconds / 1_000_000_000, Nanoseconds = nanoseconds % 1_000_000_000 };
            _ = NanoSleep(in ts, IntPtr.Zero);
            return;
        }

        Thread.Sleep((int)Math.Max(1, nanoseconds / 1_000_000));
    }

    [LibraryImport("libc", EntryPoint = "nanosleep", SetLastError = false)]
    private static partial int NanoSleep(in TimeSpec request, IntPtr remaining);

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }
}
